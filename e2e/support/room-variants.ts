import { test as base } from './fixtures.js';
import { Room } from './room.js';

/**
 * The usual fixtures plus `roomWithoutP2p`: a room whose daemon runs with `--p2p off`, so every
 * transfer goes through the HTTP relay. Like `room`, it is only started by the tests that use it.
 */
export const test = base.extend('roomWithoutP2p', async ({ browser, task }, { onCleanup }) => {
  const room = await Room.open(browser, task.name, { isP2pOn: false });
  onCleanup(() => room.close({ hasFailed: task.result?.state === 'fail' }));
  return room;
});
