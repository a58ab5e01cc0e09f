import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { withDefaults } from '../src/options';
import {
  closeAll,
  health,
  offer,
  pick,
  relay,
  room,
  share,
  type Daemon,
  type DaemonOptions,
  type Member,
} from './helpers';

// Issue 11, finding 5: relay bytes are counted against the asker as well as the owner. An asker
// that asks honest owners for a lot and never fetches fills only its own share; the owners are
// not blamed (their quota and byte rate are untouched by the refusals), and their other askers'
// transfers go on. Files are 40 bytes in chunks of 4; the relay holds 64 bytes, so an asker's
// default share is 16 (a quarter).

afterEach(closeAll);

const CHUNK = new Uint8Array([1, 2, 3, 4]);

/** A clock the test moves: the byte rate reads it, so no refill happens behind the test's back. */
function fakeClock() {
  const clock = { ms: 1_000_000, now: () => clock.ms };
  return clock;
}

interface Ask {
  transferId: string;
  put(index: number): Promise<number>;
  get(index: number): Promise<number>;
}

/** `asker` asks `owner` for chunks [0, 10) of `fileId`; PUT is the owner's, GET the asker's. */
async function ask(daemon: Daemon, owner: Member, asker: Member, fileId: string): Promise<Ask> {
  const transferId = randomUUID();
  asker.peer.send({ type: 'REQUEST_CHUNK', transferId, fileId, start: 0, end: 10 });
  await owner.peer.next('UPLOAD_CHUNK_REQUEST', { where: (m) => m.transferId === transferId });
  const path = (index: number) => `/relay/${transferId}/${index}`;
  return {
    transferId,
    put: async (index) => (await relay(daemon, 'PUT', path(index), { privateId: owner.privateId, body: CHUNK })).status,
    get: async (index) => (await relay(daemon, 'GET', path(index), { privateId: asker.privateId })).status,
  };
}

/** Alice and Carol share a file each; Mallory asks both for everything and never fetches. */
async function hoardedRoom(options: Partial<DaemonOptions> = {}) {
  const clock = fakeClock();
  const { daemon, master, clients } = await room(['alice', 'carol', 'mallory', 'bob'], {
    p2p: false,
    relayQuotaBytes: 64,
    now: clock.now,
    ...options,
  });
  const [alice, carol, mallory, bob] = [0, 1, 2, 3].map((i) => pick(clients, i)) as [Member, Member, Member, Member];
  const [aliceFile] = await share(master, alice, [offer({ size: 40, chunkSize: 4 })]);
  const [carolFile] = await share(master, carol, [offer({ size: 40, chunkSize: 4 })]);
  if (!aliceFile || !carolFile) throw new Error('no file');
  const fromAlice = await ask(daemon, alice, mallory, aliceFile.id);
  const fromCarol = await ask(daemon, carol, mallory, carolFile.id);
  /** The honest owners upload every asked chunk, as the engine would, until the relay refuses. */
  const statuses: number[] = [];
  for (const hoard of [fromAlice, fromCarol]) {
    for (let index = 0; index < 10; index++) statuses.push(await hoard.put(index));
  }
  return { daemon, alice, carol, mallory, bob, aliceFile, carolFile, fromAlice, fromCarol, statuses };
}

describe('relay bytes held per asker (issue 11, finding 5)', () => {
  it("an asker that never fetches fills only its own share: another asker's download goes on", async () => {
    const s = await hoardedRoom();
    // Mallory's share is 16 bytes: four chunks over both owners, every further PUT refused.
    expect(s.statuses.filter((status) => status === 201)).toHaveLength(4);
    expect(s.statuses.filter((status) => status === 507)).toHaveLength(16);
    expect((await health(s.daemon))['relayBytes']).toBe(16);
    // Bob asks both owners: their uploads to him are stored and he gets every chunk.
    for (const [owner, file] of [
      [s.alice, s.aliceFile],
      [s.carol, s.carolFile],
    ] as const) {
      const honest = await ask(s.daemon, owner, s.bob, file.id);
      for (let index = 0; index < 10; index++) {
        expect(await honest.put(index)).toBe(201);
        expect((await s.bob.peer.next('CHUNK_READY', { where: (m) => m.index === index })).transferId).toBe(
          honest.transferId,
        );
        expect(await honest.get(index)).toBe(200);
      }
    }
  });

  it('the refused PUT is 507 and the hoarding asker hears RELAY_BUSY; fetching frees its share', async () => {
    const s = await hoardedRoom();
    const busy = await s.mallory.peer.next('RELAY_BUSY');
    expect(busy).toMatchObject({ reason: 'full', retryAfterMs: 0 });
    await s.bob.peer.expectNo('RELAY_BUSY');
    await s.alice.peer.expectNo('RELAY_BUSY');
    expect(await s.fromAlice.put(4)).toBe(507);
    expect(await s.fromAlice.get(0)).toBe(200);
    expect(await s.fromAlice.put(4)).toBe(201);
  });

  it("the owner is not blamed: refusals for the hoarder cost none of the owner's byte rate", async () => {
    // Alice may send 40 bytes before her rate bucket needs a refill (the clock never moves).
    const s = await hoardedRoom({ relayBytesPerSecond: 1, relayBurstBytes: 40 });
    // Four chunks for Mallory went through (16 bytes), sixteen were refused; Bob's six chunks
    // from Alice (24 bytes, each fetched) fit in what is left of her burst, and no more.
    expect(s.statuses.filter((status) => status === 201)).toHaveLength(4);
    const honest = await ask(s.daemon, s.alice, s.bob, s.aliceFile.id);
    for (let index = 0; index < 6; index++) {
      expect(await honest.put(index)).toBe(201);
      expect(await honest.get(index)).toBe(200);
    }
    expect(await honest.put(6)).toBe(429);
  });

  it('an asker holding nothing may always store one chunk, even one larger than its share', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob'], {
      p2p: false,
      relayQuotaBytes: 64,
      relayAskerQuotaBytes: 2,
    });
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const [file] = await share(master, alice, [offer({ size: 40, chunkSize: 4 })]);
    if (!file) throw new Error('no file');
    const transfer = await ask(daemon, alice, bob, file.id);
    expect(await transfer.put(0)).toBe(201);
    expect(await transfer.put(1)).toBe(507);
    expect(await transfer.get(0)).toBe(200);
    expect(await transfer.put(1)).toBe(201);
  });

  it("defaults: an asker's share is a quarter of the relay quota, whatever the quota", () => {
    expect(withDefaults({}, '/nowhere')).toMatchObject({
      relayQuotaBytes: 128 * 1024 * 1024,
      relayPeerQuotaBytes: 64 * 1024 * 1024,
      relayAskerQuotaBytes: 32 * 1024 * 1024,
    });
    expect(withDefaults({ relayQuotaBytes: 16 * 1024 * 1024 }, '/nowhere').relayAskerQuotaBytes).toBe(4 * 1024 * 1024);
    expect(withDefaults({ relayAskerQuotaBytes: 7 }, '/nowhere').relayAskerQuotaBytes).toBe(7);
  });
});
