// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { getFailure, putOutcome } from '@ferry/web/platform/relay-status';
import { ClientSession } from '../src/session/client-session';
import { RELAY_BUSY_FORGET_MS, RelayBusyWatch } from '@ferry/web/transfers/relay-busy';
import { ClientApp } from '../src/ui/client-app';
import { person } from '@ferry/common/test/builders';
import { CHUNK, destroySessions, downloadingF1, lastView, sent, serve } from './download-harness';
import { FakeClock, fakeDeps, fakeFile, flush, until } from '@ferry/web/test/fakes';

// Issue 5, guarantee 8: when the relay refuses a chunk for now (507: full; 429: over the byte
// rate), the transfer waits and goes on by itself, and the person reads why, calmly.

afterEach(() => {
  cleanup();
  destroySessions();
});

const SENDING =
  /The relay is busy right now, so files others download from you through it wait a little\. Ferry retries by itself/;
const RECEIVING = /The relay is busy right now, so your downloads through it wait a little\. Ferry retries by itself/;

describe('relay answers', () => {
  it.each([
    [201, 'ok'],
    [507, 'busy'],
    [429, 'busy'],
    [503, 'retry'],
    [500, 'retry'],
    [404, 'gone'],
    [403, 'gone'],
    [401, 'gone'],
  ] as const)('a PUT answered %i is %s', (status, outcome) => {
    expect(putOutcome(status)).toBe(outcome);
  });

  it.each([
    [429, 'busy'],
    [507, 'busy'],
    [404, 'missing'],
    [503, 'missing'],
    [403, 'gone'],
    [401, 'gone'],
  ] as const)('a GET answered %i is %s', (status, outcome) => {
    expect(getFailure(status)).toBe(outcome);
  });
});

describe('RelayBusyWatch', () => {
  it('is busy from a refusal until a request goes through, per direction', () => {
    const watch = new RelayBusyWatch(new FakeClock());
    watch.note('sending', true);
    expect(watch.view.get()).toEqual({ isSendingHeld: true, isReceivingHeld: false });
    watch.note('receiving', false);
    expect(watch.view.get().isSendingHeld).toBe(true);
    watch.note('sending', false);
    expect(watch.view.get()).toEqual({ isSendingHeld: false, isReceivingHeld: false });
  });

  it('forgets a refusal no other follows (the transfer ended meanwhile)', () => {
    const clock = new FakeClock();
    const watch = new RelayBusyWatch(clock);
    watch.note('receiving', true);
    clock.advance(RELAY_BUSY_FORGET_MS - 1);
    watch.note('receiving', true);
    clock.advance(RELAY_BUSY_FORGET_MS - 1);
    expect(watch.view.get().isReceivingHeld).toBe(true);
    clock.advance(1);
    expect(watch.view.get().isReceivingHeld).toBe(false);
  });
});

/** A guest in the room who shares one 10-byte file, with the page rendered. */
async function ownerOnScreen() {
  const fakes = fakeDeps();
  fakes.storage.data.set('ferry.client.identity', { name: 'Ann', privateId: 'secret-ann' });
  const session = new ClientSession(fakes.deps);
  render(<ClientApp session={session} />);
  await session.init();
  const socket = fakes.network.last;
  socket.open();
  socket.receive({
    type: 'CLIENT_REGISTER_ACK',
    publicId: 'ann',
    privateId: 'secret-ann',
    status: 'approved',
    iceServers: [],
    p2p: false,
    masterOnline: true,
  });
  socket.receive({
    type: 'ROOM_STATE',
    clients: [person('h', 'Host', { isMaster: true }), person('ann', 'Ann'), person('ben', 'Ben')],
    files: [],
    masterOnline: true,
  });
  session.addFiles([{ file: fakeFile('a.txt', 10) }]);
  await until(() => socket.sentOfType('ADD_FILES').length > 0);
  const [request] = socket.sentOfType('ADD_FILES');
  const offered = request?.files[0];
  if (!request || !offered) throw new Error('no offer');
  socket.receive({
    type: 'FILES_ADDED',
    reqId: request.reqId,
    owner: 'ann',
    files: [{ ...offered, owner: 'ann' }],
    rejected: [],
  });
  await flush();
  return { ...fakes, session, socket, fileId: offered.id };
}

describe('the relay holds transfers back', () => {
  it('the owner reads that the relay is busy while its PUTs are refused, and the chunk goes when it frees', async () => {
    const { session, socket, platform, clock, fileId } = await ownerOnScreen();
    platform.relay.busyPuts = 3;
    socket.receive({ type: 'UPLOAD_CHUNK_REQUEST', transferId: 't1', fileId, start: 0, end: 1, from: 'ben' });
    await until(() => platform.relay.putTries === 1);
    await flush();
    expect(screen.getByRole('status').textContent).toMatch(SENDING);

    // The engine tries again by itself; nobody clicks anything.
    for (let i = 0; i < 20 && platform.relay.puts.length === 0; i++) {
      clock.advance(5_000);
      await flush();
    }
    expect(platform.relay.putTries).toBe(4);
    expect(platform.relay.puts).toEqual([expect.objectContaining({ transferId: 't1', index: 0 })]);
    await flush();
    expect(screen.queryByText(SENDING)).toBeNull();
    session.destroy();
  });

  it('the asker reads that the relay is busy while its GETs are refused, and fetches the same chunk again', async () => {
    const fakes = await downloadingF1((session) => render(<ClientApp session={session} />));
    const { bytes } = fakes;
    const asked = sent(fakes.socket, 'REQUEST_CHUNK').length;
    fakes.platform.relay.busyGets = 2;
    serve(fakes, fakes.socket, new Map([['f1', bytes]]), 1);
    await until(() => fakes.platform.relay.getTries === 1);
    await flush();
    expect(screen.getByRole('status').textContent).toMatch(RECEIVING);

    for (let i = 0; i < 20 && fakes.platform.relay.getTries < 3; i++) {
      fakes.clock.advance(1_000);
      await flush();
    }
    // Progress reaches the list at most every 250 ms.
    await flush();
    fakes.clock.advance(300);
    await until(() => (lastView(fakes.session)?.bytesDone ?? 0) === CHUNK);
    // The same chunk, fetched again from the relay: the owner was not asked to send it twice.
    expect(fakes.platform.relay.getTries).toBe(3);
    expect(sent(fakes.socket, 'REQUEST_CHUNK')).toHaveLength(asked);
    await flush();
    expect(screen.queryByText(RECEIVING)).toBeNull();
  });
});
