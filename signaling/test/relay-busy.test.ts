import { afterEach, describe, expect, it } from 'vitest';
import { RELAY_BUSY_NOTICE_EVERY_MS } from '../src/relay-http';
import { closeAll, registerClient, relay, relayTransferRoom, type DaemonOptions } from './helpers';

// Issue 5, guarantee 8: when the relay refuses an owner's upload for now (507 full, 429 too fast),
// the transfer's asker is told why its download stalls (RELAY_BUSY), and nobody else is.
// The file is 40 bytes in chunks of 4.

afterEach(closeAll);

const body = new Uint8Array([1, 2, 3, 4]);

/** A clock the test moves: the notice's rate limit and the byte rate read it. */
function fakeClock() {
  const clock = { ms: 1_000_000, now: () => clock.ms };
  return clock;
}

async function relayTransfer(options: Partial<DaemonOptions>) {
  const clock = fakeClock();
  const started = await relayTransferRoom(
    ['alice', 'bob', 'carol'],
    { now: clock.now, ...options },
    { size: 40, chunkSize: 4, end: 10 },
  );
  const { daemon, master, owner: alice, asker: bob, third: carol, file, transferId } = started;
  const put = async (index: number) =>
    (await relay(daemon, 'PUT', `/relay/${transferId}/${index}`, { privateId: alice.privateId, body })).status;
  return { daemon, master, alice, bob, carol, clock, file, transferId, put };
}

describe('RELAY_BUSY to the asker', () => {
  it('a full relay (507): the asker is told, the owner, the master and a third peer are not', async () => {
    const s = await relayTransfer({ relayQuotaBytes: 6 });
    expect(await s.put(0)).toBe(201);
    expect(await s.put(1)).toBe(507);
    expect(await s.bob.peer.next('RELAY_BUSY')).toEqual({
      type: 'RELAY_BUSY',
      transferId: s.transferId,
      fileId: s.file.id,
      reason: 'full',
      retryAfterMs: 0,
    });
    await Promise.all([
      s.alice.peer.expectNo('RELAY_BUSY'),
      s.master.peer.expectNo('RELAY_BUSY'),
      s.carol.peer.expectNo('RELAY_BUSY'),
    ]);
    // Nothing about the transfer reached the third peer in any frame.
    expect(s.carol.peer.frames.some((frame) => frame.includes(s.transferId))).toBe(false);
  });

  it("the owner's own quota full (507) is told the same way", async () => {
    const s = await relayTransfer({ relayPeerQuotaBytes: 6 });
    expect(await s.put(0)).toBe(201);
    expect(await s.put(1)).toBe(507);
    expect(await s.bob.peer.next('RELAY_BUSY')).toMatchObject({ transferId: s.transferId, reason: 'full' });
  });

  it("over the owner's byte rate (429): the asker is told, with the wait Retry-After rounds up", async () => {
    const s = await relayTransfer({ relayBytesPerSecond: 4, relayBurstBytes: 4 });
    expect(await s.put(0)).toBe(201);
    const limited = await relay(s.daemon, 'PUT', `/relay/${s.transferId}/1`, { privateId: s.alice.privateId, body });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await s.bob.peer.next('RELAY_BUSY')).toEqual({
      type: 'RELAY_BUSY',
      transferId: s.transferId,
      fileId: s.file.id,
      reason: 'rate',
      retryAfterMs: 1_000,
    });
    await Promise.all([s.alice.peer.expectNo('RELAY_BUSY'), s.carol.peer.expectNo('RELAY_BUSY')]);
  });

  it(`at most one notice per transfer every ${RELAY_BUSY_NOTICE_EVERY_MS} ms, however many PUTs are refused`, async () => {
    const s = await relayTransfer({ relayQuotaBytes: 6 });
    expect(await s.put(0)).toBe(201);
    for (let i = 0; i < 5; i++) expect(await s.put(1)).toBe(507);
    await s.bob.peer.next('RELAY_BUSY');
    await s.bob.peer.expectNo('RELAY_BUSY');
    s.clock.ms += RELAY_BUSY_NOTICE_EVERY_MS - 1;
    expect(await s.put(1)).toBe(507);
    await s.bob.peer.expectNo('RELAY_BUSY');
    s.clock.ms += 1;
    expect(await s.put(1)).toBe(507);
    expect(await s.bob.peer.next('RELAY_BUSY')).toMatchObject({ transferId: s.transferId, reason: 'full' });
  });

  it('an asker offline is not told; back in the room, the next refusal reaches it', async () => {
    const s = await relayTransfer({ relayQuotaBytes: 6 });
    expect(await s.put(0)).toBe(201);
    await s.bob.peer.terminate();
    await s.master.peer.next('CLIENT_DISCONNECTED', { where: (m) => m.publicId === s.bob.publicId });
    expect(await s.put(1)).toBe(507);
    // Same instant: the refusal no one heard did not use up the notice.
    const back = await registerClient(s.daemon, 'bob', { privateId: s.bob.privateId });
    expect(back.ack.status).toBe('approved');
    await back.peer.next('ROOM_STATE');
    expect(await s.put(1)).toBe(507);
    expect(await back.peer.next('RELAY_BUSY')).toMatchObject({ transferId: s.transferId, reason: 'full' });
    expect(back.peer.frames.filter((frame) => frame.includes('RELAY_BUSY'))).toHaveLength(1);
  });
});
