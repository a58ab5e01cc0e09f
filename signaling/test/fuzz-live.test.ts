import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES, limits, parseToDaemon } from '@ferry/common';
import { anyFrameLike, mutatedFrame } from '@ferry/common/test/protocol-arbitraries';
import { closeAll, Peer, pick, registerClient, relay, relayTransferRoom, room, type Member } from './helpers';
import { storedState } from './stored-state';

/*
 * Bad input against a live daemon (issue 5, guarantee 4): thousands of generated WebSocket frames
 * from hostile sockets in every state, while honest peers keep working; the daemon's stored state
 * (memory and its SQLite file) must not change, no handler may throw, memory must stay bounded.
 * The HTTP side lives in fuzz-live-http.test.ts.
 */

afterEach(closeAll);
const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** `global.gc` without restarting Node with --expose-gc (the flag is read when `gc` is looked up). */
function collectGarbage(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

// ---- frames ------------------------------------------------------------------------------------

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Anything JSON.stringify cannot take (BigInt, cycles) becomes its String(), or a stand-in. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return String(value);
    } catch {
      return '[object with no prototype]';
    }
  }
}

const protoFrame = fc
  .tuple(
    fc.constantFrom(...PROTO_KEYS),
    fc.constantFrom('CLIENT_REGISTER', 'ADD_FILES', 'SIGNAL', 'REQUEST_CHUNK', 'APPROVE_CLIENT', ...PROTO_KEYS),
    fc.jsonValue({ maxDepth: 2 }),
  )
  .chain(([key, type, value]) =>
    fc.constantFrom(
      `{"type":"${type}","${key}":${JSON.stringify(value)}}`,
      `{"${key}":{"polluted":true},"type":"${type}","name":"p"}`,
      `{"type":"ADD_FILES","reqId":"p","files":[{"${key}":{"polluted":true},"id":"f","name":"a","size":1,"chunkSize":1}]}`,
      `{"type":"SIGNAL","to":"${key}","data":{"${key}":{"polluted":true}}}`,
      `{"type":"${key}","reqId":"${key}"}`,
    ),
  );

const hugeNumber = fc.constantFrom(
  '1e308',
  '1e999',
  '-1e999',
  '9007199254740993',
  '-0',
  '0.5',
  '-1',
  '4294967296',
  '1E400',
);
const numberFrame = fc
  .tuple(hugeNumber, hugeNumber, fc.constantFrom('REQUEST_CHUNK', 'ADD_FILES', 'FILES_ADDED'))
  .map(([a, b, type]) =>
    type === 'REQUEST_CHUNK'
      ? `{"type":"REQUEST_CHUNK","transferId":"t","fileId":"f","start":${a},"end":${b}}`
      : `{"type":"${type}","reqId":"n","owner":"o","rejected":[],"files":[{"id":"f","name":"n","size":${a},"chunkSize":${b}}]}`,
  );

const deepFrame = fc
  .tuple(fc.integer({ min: 17, max: 50_000 }), fc.boolean())
  .map(([depth, asArray]) =>
    asArray
      ? `{"type":"SIGNAL","to":"x","data":${'['.repeat(depth)}${']'.repeat(depth)}}`
      : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** Oversized fields in frames that still fit under the frame limit (those over it are closed: see below). */
const bigStringFrame = fc
  .tuple(
    fc.oneof(
      { arbitrary: fc.integer({ min: 1_000, max: 64 * 1024 }), weight: 4 },
      { arbitrary: fc.integer({ min: limits.MAX_FRAME_BYTES - 4096, max: limits.MAX_FRAME_BYTES - 200 }), weight: 1 },
    ),
    fc.constantFrom('name', 'to', 'reqId', 'token', 'data'),
  )
  .map(([length, field]) =>
    field === 'data'
      ? `{"type":"SIGNAL","to":"x","data":"${'d'.repeat(length)}"}`
      : `{"type":"CLIENT_REGISTER","${field}":"${'n'.repeat(length)}","name":"x"}`,
  );

type Outgoing = { text: string } | { binary: Uint8Array };

const textFrame: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: mutatedFrame('toDaemon').map(asText), weight: 8 },
  { arbitrary: anyFrameLike('toDaemon').map(asText), weight: 6 },
  { arbitrary: fc.jsonValue({ maxDepth: 4 }).map(asText), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 2 },
  { arbitrary: protoFrame, weight: 3 },
  { arbitrary: numberFrame, weight: 2 },
  { arbitrary: deepFrame, weight: 1 },
  { arbitrary: bigStringFrame, weight: 1 },
);

const frame: fc.Arbitrary<Outgoing> = fc.oneof(
  { arbitrary: textFrame.map((text) => ({ text })), weight: 20 },
  { arbitrary: fc.uint8Array({ maxLength: 512 }).map((binary) => ({ binary })), weight: 1 },
);

// ---- the room ----------------------------------------------------------------------------------

type Role = 'unregistered' | 'pending' | 'approved';
const ROLES: Role[] = ['unregistered', 'pending', 'approved'];

/**
 * Frames a hostile socket may legitimately use to change its own standing are left out: an
 * unregistered socket registering (or closed for a wrong master token), a registered one leaving. Everything else must change nothing.
 */
function changesOwnStanding(role: Role, text: string): boolean {
  const parsed = parseToDaemon(text);
  if (!parsed.ok) return false;
  // A wrong master token closes the socket (issue 11, finding 9): that too is the socket's own standing.
  if (role === 'unregistered')
    return parsed.message.type === 'CLIENT_REGISTER' || parsed.message.type === 'MASTER_APP_REGISTER';
  return parsed.message.type === 'LEAVE';
}

interface Fuzzed {
  sent: number;
  skipped: number;
  binary: number;
  bytes: number;
}

async function hostileRoom() {
  const dataDir = mkdtempSync(join(tmpdir(), 'ferry-fuzz-'));
  dataDirs.push(dataDir);
  const warnings: string[] = [];
  const started = await relayTransferRoom(
    ['alice', 'bob', 'mallory'],
    {
      dataDir,
      // The limits that would cut a flood short are lifted, so every frame reaches the parser
      // and the handlers; the limits themselves are tested on their own (rate-limits.test.ts).
      rateMessagesPerSecond: 1e9,
      rateBurst: 1e9,
      registerRatePerSecond: 1e9,
      registerBurst: 1e9,
      // The unregistered hostile socket must outlive the run (on a loaded machine it can pass 30 s).
      registerTimeoutMs: 10 * 60_000,
      // Nothing may change on its own during the run either: no relay expiry, no heartbeat drop.
      relayTtlMs: 10 * 60_000,
      heartbeatMs: 10 * 60_000,
      logger: { info: () => undefined, warn: (m) => warnings.push(m) },
    },
    { size: 10, chunkSize: 4, end: 3 },
  );
  const { daemon, master, owner: alice, asker: bob, third: mallory, file, transferId } = started;
  expect(
    (
      await relay(daemon, 'PUT', `/relay/${transferId}/0`, {
        privateId: alice.privateId,
        body: new Uint8Array([1, 2, 3, 4]),
      })
    ).status,
  ).toBe(201);
  await bob.peer.next('CHUNK_READY');
  const pending = await registerClient(daemon, 'pending');
  await master.peer.next('NEW_CLIENT_REGISTERED');
  const unregistered = await Peer.connect(daemon, 'unregistered');
  const hostile: Record<Role, Peer> = { unregistered, pending: pending.peer, approved: mallory.peer };
  return { daemon, master, alice, bob, file, transferId, hostile, warnings };
}

let sentinelCount = 0;

/** Sends `frames` from `socket`, then a sentinel whose answer proves every frame before it was handled. */
async function flood(socket: Peer, role: Role, frames: Outgoing[], tally: Fuzzed): Promise<void> {
  for (const f of frames) {
    if ('binary' in f) {
      socket.ws.send(f.binary, { binary: true });
      tally.binary += 1;
      tally.bytes += f.binary.length;
    } else if (changesOwnStanding(role, f.text)) {
      tally.skipped += 1;
      continue;
    } else {
      socket.ws.send(f.text);
      tally.bytes += Buffer.byteLength(f.text);
    }
    tally.sent += 1;
  }
  const reqId = `sentinel-${++sentinelCount}`;
  socket.send({ type: 'REMOVE_FILE', reqId, fileId: 'no-such-file' });
  const answer = await socket.next('ERROR', { where: (m) => m.reqId === reqId, timeoutMs: 10_000 });
  expect(answer.code).toBe({ unregistered: 'NOT_REGISTERED', pending: 'NOT_APPROVED', approved: 'NO_SUCH_FILE' }[role]);
}

/** An honest round trip through the daemon: a signal from bob reaches alice. */
async function honestRoundTrip(alice: Member, bob: Member): Promise<void> {
  const marker = randomUUID();
  bob.peer.send({ type: 'SIGNAL', to: alice.publicId, data: { marker } });
  const got = await alice.peer.next('SIGNAL', {
    where: (m) => (m.data as { marker?: string } | null)?.marker === marker,
    timeoutMs: 10_000,
  });
  expect(got.from).toBe(bob.publicId);
}

describe('a live daemon under generated frames', () => {
  it('keeps serving honest peers, changes nothing it stores, never throws, stays bounded in memory', async () => {
    const gc = collectGarbage();
    const s = await hostileRoom();
    const before = storedState(s.daemon);
    const heapBefore = heapAfterGc(gc);
    const tally: Fuzzed = { sent: 0, skipped: 0, binary: 0, bytes: 0 };
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROLES),
        fc.array(frame, { minLength: 10, maxLength: 40 }),
        async (role, frames) => {
          const socket = s.hostile[role];
          await flood(socket, role, frames, tally);
          socket.clear();
          s.master.peer.clear();
          expect(storedState(s.daemon)).toBe(before);
          expect(s.warnings).toEqual([]);
          expect(Object.prototype).not.toHaveProperty('polluted');
        },
      ),
      { numRuns: 200, endOnFailure: true, seed: Number(process.env['FERRY_FUZZ_SEED'] ?? Date.now() % 2 ** 31) },
    );
    const seconds = (Date.now() - started) / 1000;
    await honestRoundTrip(s.alice, s.bob);
    // bob still gets his chunk: the relay and the transfer were untouched.
    const chunk = await relay(s.daemon, 'GET', `/relay/${s.transferId}/0`, { privateId: s.bob.privateId });
    expect(new Uint8Array(await chunk.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
    for (const role of ROLES) expect(s.hostile[role].isOpen).toBe(true);
    const heapGrowthBytes = heapAfterGc(gc) - heapBefore;
    console.log(
      `fuzz-live: ${tally.sent} frames (${tally.binary} binary, ${(tally.bytes / 1024 / 1024).toFixed(1)} MiB, ` +
        `${tally.skipped} self-registrations/leaves skipped) in ${seconds.toFixed(1)} s; heap growth after GC ` +
        `${(heapGrowthBytes / 1024 / 1024).toFixed(1)} MiB`,
    );
    // At least 10 frames a run: a floor that does not depend on the machine's speed.
    expect(tally.sent + tally.skipped).toBeGreaterThanOrEqual(2_000);
    // Bounded: the heap after GC holds no trace of ~thousands of frames (a leak of even 1 KiB per
    // frame would show as several MiB here).
    expect(heapGrowthBytes).toBeLessThan(16 * 1024 * 1024);
  }, 120_000);

  it('invalid UTF-8 (1007) and an oversized frame (1009) close only that socket; nothing changes', async () => {
    const s = await hostileRoom();
    const before = storedState(s.daemon);
    s.hostile.unregistered.ws.send(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), { binary: false });
    expect((await s.hostile.unregistered.closed).code).toBe(1007);
    s.hostile.pending.sendRaw(`{"type":"SIGNAL","to":"x","data":"${'z'.repeat(limits.MAX_FRAME_BYTES)}"}`);
    expect((await s.hostile.pending.closed).code).toBe(CLOSE_CODES.messageTooBig);
    s.hostile.approved.ws.send(Buffer.alloc(limits.MAX_FRAME_BYTES + 1), { binary: true });
    expect((await s.hostile.approved.closed).code).toBe(CLOSE_CODES.messageTooBig);
    await honestRoundTrip(s.alice, s.bob);
    // Only presence changed (the closed sockets are offline now); identities, files and relay did not.
    const online = (state: string) =>
      JSON.parse(state, (key, value: unknown) => (key === 'online' ? undefined : value)) as unknown;
    expect(online(storedState(s.daemon))).toEqual(online(before));
    expect(s.warnings).toEqual([]);
  });

  it('with the default limits, a flooding socket is answered RATE_LIMITED and honest peers are served', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob']);
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const evil = await Peer.connect(daemon, 'evil');
    const flooded = limits.RATE_BURST_MESSAGES * 3;
    for (let i = 0; i < flooded; i += 1) evil.sendRaw(`{"type":"SIGNAL","to":"x","data":${i}}`);
    await evil.next('ERROR', { where: (m) => m.code === 'RATE_LIMITED', timeoutMs: 10_000 });
    await honestRoundTrip(alice, bob);
    master.peer.send({ type: 'APPROVE_CLIENT', publicId: 'nobody', reqId: 'alive' });
    expect((await master.peer.next('ERROR', { where: (m) => m.reqId === 'alive' })).code).toBe('NO_SUCH_PEER');
  });
});
