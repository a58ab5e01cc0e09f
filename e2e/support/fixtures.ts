import { test as base } from 'vitest';
import { launchChromium } from './browser.js';
import { Room } from './room.js';

/**
 * `browser`: one Chromium per test file. `room`: per test, a fresh daemon and a clean slate of
 * people (contexts), torn down after the test with screenshots when it failed.
 */
export const test = base
  // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from the pattern
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }) => {
    const browser = await launchChromium();
    onCleanup(() => browser.close());
    return browser;
  })
  .extend('room', async ({ browser, task }, { onCleanup }) => {
    const room = await Room.open(browser, task.name);
    onCleanup(() => room.close({ hasFailed: task.result?.state === 'fail' }));
    return room;
  });
