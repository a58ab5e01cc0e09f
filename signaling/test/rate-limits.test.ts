import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@ferry/common';
import { withDefaults } from '../src/options';
import { KeyedBuckets, TokenBucket } from '../src/rate-limit';
import {
  approvedClient,
  closeAll,
  health,
  offer,
  Peer,
  pick,
  registerClient,
  registerMaster,
  relay,
  room,
  share,
  startTestDaemon,
} from './helpers';

// Rate limits beyond messages per identity (issue 5, guarantee 7): registrations per remote
// address, relay upload bytes per peer. Time is a fake clock, so no test waits for a refill.

afterEach(closeAll);

function fakeClock() {
  const clock = { ms: 1_000_000, now: () => clock.ms };
  return clock;
}

describe('token buckets', () => {
  it('refill at their rate, never past the burst, and say how long to wait', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 20, clock.now);
    expect(bucket.take(20)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    expect(bucket.waitMsFor(5)).toBe(500);
    clock.ms += 500;
    expect(bucket.take(5)).toBe(true);
    clock.ms += 60_000;
    expect(bucket.isFull()).toBe(true);
    expect(bucket.take(21)).toBe(false);
  });

  it('keyed buckets are independent, cap a cost at the burst, and forget full ones', () => {
    const clock = fakeClock();
    const buckets = new KeyedBuckets(1, 4, clock.now, 3);
    expect(buckets.take('a', 100)).toBe(true);
    expect(buckets.take('a')).toBe(false);
    expect(buckets.take('b', 4)).toBe(true);
    expect(buckets.waitMsFor('a', 2)).toBe(2000);
    // Past maxKeys, the oldest key is forgotten: memory stays bounded under a stream of new keys.
    for (const key of ['c', 'd', 'e', 'f']) buckets.take(key);
    expect(buckets.size).toBe(3);
  });
});

describe('registrations per remote address', () => {
  it('over the burst: ERROR RATE_LIMITED (with its reqId), then close 1008; others keep working', async () => {
    const clock = fakeClock();
    const daemon = await startTestDaemon({ now: clock.now, registerBurst: 3, registerRatePerSecond: 1 });
    const master = await registerMaster(daemon);
    await registerClient(daemon, 'one');
    await registerClient(daemon, 'two');
    const refused = await Peer.connect(daemon, 'three');
    refused.send({ type: 'CLIENT_REGISTER', name: 'three', reqId: 'reg-3' });
    expect(await refused.next('ERROR')).toMatchObject({ code: 'RATE_LIMITED', reqId: 'reg-3' });
    expect((await refused.closed).code).toBe(CLOSE_CODES.policyViolation);
    // Nothing was created for it, and the master was not bothered.
    await master.peer.expectNo('NEW_CLIENT_REGISTERED', 100, (m) => m.client.name === 'three');
    expect((await health(daemon))['peers']).toBe(3);
    // A master register counts as well: a token guesser gets as few tries as anyone.
    const guesser = await Peer.connect(daemon, 'guesser');
    guesser.send({ type: 'MASTER_APP_REGISTER', token: 'guess', reqId: 'g-1' });
    expect(await guesser.next('ERROR')).toMatchObject({ code: 'RATE_LIMITED', reqId: 'g-1' });
    expect((await guesser.closed).code).toBe(CLOSE_CODES.policyViolation);
    // Registered sockets are not affected.
    master.peer.send({ type: 'APPROVE_CLIENT', publicId: 'nobody', reqId: 'still-here' });
    expect(await master.peer.next('ERROR')).toMatchObject({ code: 'NO_SUCH_PEER', reqId: 'still-here' });
    // The bucket refills with time.
    clock.ms += 1000;
    expect((await registerClient(daemon, 'later')).ack.status).toBe('pending');
  });

  it('a resume with a privateId counts; a repeat on a registered socket does not', async () => {
    const clock = fakeClock();
    const daemon = await startTestDaemon({ now: clock.now, registerBurst: 2, registerRatePerSecond: 1 });
    const alice = await registerClient(daemon, 'alice');
    for (let i = 0; i < 5; i += 1) {
      alice.peer.send({ type: 'CLIENT_REGISTER', name: 'again', reqId: `again-${i}` });
      expect(await alice.peer.next('ERROR')).toMatchObject({ code: 'ALREADY_REGISTERED', reqId: `again-${i}` });
    }
    await alice.peer.close();
    const back = await registerClient(daemon, 'alice', { privateId: alice.privateId });
    expect(back.publicId).toBe(alice.publicId);
    await back.peer.close();
    const third = await Peer.connect(daemon, 'third');
    third.send({ type: 'CLIENT_REGISTER', name: 'alice', privateId: alice.privateId });
    expect((await third.next('ERROR')).code).toBe('RATE_LIMITED');
    expect((await third.closed).code).toBe(CLOSE_CODES.policyViolation);
  });

  it('the registration rate by address is off unless the host sets --register-rate N', async () => {
    const { parseCli } = await import('../src/cli');
    const parse = (argv: string[]) => {
      const parsed = parseCli(['--port', '0', ...argv], {});
      if (parsed === 'help') throw new Error('help');
      return parsed.options;
    };
    // PROTOCOL: limits by IP address apply only when the host configures them (many honest
    // people may share one address).
    expect(parse([])).toMatchObject({
      registerRatePerSecond: Number.POSITIVE_INFINITY,
      registerBurst: Number.POSITIVE_INFINITY,
    });
    expect(withDefaults({}, '/nowhere')).toMatchObject({
      registerRatePerSecond: Number.POSITIVE_INFINITY,
      registerBurst: Number.POSITIVE_INFINITY,
    });
    expect(parse(['--register-rate', '5'])).toMatchObject({ registerRatePerSecond: 5, registerBurst: 15 });
    const unlimited = parse(['--register-rate', '0']);
    expect(unlimited.registerRatePerSecond).toBe(Number.POSITIVE_INFINITY);
    expect(() => parse(['--register-rate', '-1'])).toThrow(/register-rate/);
    const buckets = new KeyedBuckets(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Date.now);
    for (let i = 0; i < 10_000; i += 1) expect(buckets.take('127.0.0.1')).toBe(true);
    expect(buckets.size).toBe(0);
  });

  it('the default lets a room of 60 tabs from one address in at once', async () => {
    const daemon = await startTestDaemon();
    const sockets = await Promise.all(Array.from({ length: 60 }, (_, i) => registerClient(daemon, `tab-${i}`)));
    expect(sockets.every((s) => s.ack.status === 'pending')).toBe(true);
  });
});

describe('relay upload bytes per peer', () => {
  async function relayRoom(options: { relayBytesPerSecond: number; relayBurstBytes: number }) {
    const clock = fakeClock();
    const { daemon, master, clients } = await room(['alice', 'bob', 'carol'], {
      p2p: false,
      now: clock.now,
      ...options,
    });
    const [alice, bob, carol] = [pick(clients, 0), pick(clients, 1), pick(clients, 2)];
    const [file] = await share(master, alice, [offer({ size: 40, chunkSize: 4 })]);
    const [carolFile] = await share(master, carol, [offer({ size: 40, chunkSize: 4 })]);
    if (!file || !carolFile) throw new Error('no file');
    const transferId = randomUUID();
    bob.peer.send({ type: 'REQUEST_CHUNK', transferId, fileId: file.id, start: 0, end: 10 });
    await alice.peer.next('UPLOAD_CHUNK_REQUEST');
    const carolTransfer = randomUUID();
    bob.peer.send({ type: 'REQUEST_CHUNK', transferId: carolTransfer, fileId: carolFile.id, start: 0, end: 10 });
    await carol.peer.next('UPLOAD_CHUNK_REQUEST');
    return { daemon, master, alice, bob, carol, clock, transferId, carolTransfer };
  }
  const body = new Uint8Array([1, 2, 3, 4]);

  it('over the rate: 429 with Retry-After, nothing stored, other peers unaffected; fine again later', async () => {
    const s = await relayRoom({ relayBytesPerSecond: 4, relayBurstBytes: 8 });
    for (const index of [0, 1]) {
      expect(
        (await relay(s.daemon, 'PUT', `/relay/${s.transferId}/${index}`, { privateId: s.alice.privateId, body }))
          .status,
      ).toBe(201);
      expect((await s.bob.peer.next('CHUNK_READY')).index).toBe(index);
    }
    const limited = await relay(s.daemon, 'PUT', `/relay/${s.transferId}/2`, { privateId: s.alice.privateId, body });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(((await limited.json()) as { error: string }).error).toMatch(/too fast/);
    await s.bob.peer.expectNo('CHUNK_READY');
    expect((await health(s.daemon))['relayBytes']).toBe(8);
    // Another owner has its own bucket.
    const carolPut = await relay(s.daemon, 'PUT', `/relay/${s.carolTransfer}/0`, {
      privateId: s.carol.privateId,
      body,
    });
    expect(carolPut.status).toBe(201);
    s.clock.ms += 1000;
    expect(
      (await relay(s.daemon, 'PUT', `/relay/${s.transferId}/2`, { privateId: s.alice.privateId, body })).status,
    ).toBe(201);
  });

  it('Retry-After grows with the deficit', async () => {
    const s = await relayRoom({ relayBytesPerSecond: 1, relayBurstBytes: 4 });
    expect(
      (await relay(s.daemon, 'PUT', `/relay/${s.transferId}/0`, { privateId: s.alice.privateId, body })).status,
    ).toBe(201);
    const limited = await relay(s.daemon, 'PUT', `/relay/${s.transferId}/1`, { privateId: s.alice.privateId, body });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('4');
  });

  it('the default rate does not throttle a normal burst of 1 MiB chunks', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob'], { p2p: false });
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const chunkBytes = 1024 * 1024;
    const [file] = await share(master, alice, [offer({ size: 8 * chunkBytes, chunkSize: chunkBytes })]);
    if (!file) throw new Error('no file');
    const transferId = randomUUID();
    bob.peer.send({ type: 'REQUEST_CHUNK', transferId, fileId: file.id, start: 0, end: 8 });
    await alice.peer.next('UPLOAD_CHUNK_REQUEST');
    const chunk = new Uint8Array(chunkBytes);
    for (let index = 0; index < 8; index += 1) {
      const put = await relay(daemon, 'PUT', `/relay/${transferId}/${index}`, {
        privateId: alice.privateId,
        body: chunk,
      });
      expect(put.status).toBe(201);
      await bob.peer.next('CHUNK_READY');
      expect((await relay(daemon, 'GET', `/relay/${transferId}/${index}`, { privateId: bob.privateId })).status).toBe(
        200,
      );
    }
  });
});

describe('the per-identity message limit still holds for an approved peer', () => {
  it('an approved flooder is answered RATE_LIMITED while its neighbour is served', async () => {
    const { daemon, master } = await room([], { rateBurst: 10, rateMessagesPerSecond: 0.001 });
    const alice = await approvedClient(daemon, master, 'alice');
    const bob = await approvedClient(daemon, master, 'bob');
    for (let i = 0; i < 30; i += 1) alice.peer.send({ type: 'SIGNAL', to: bob.publicId, data: i });
    await alice.peer.next('ERROR', { where: (m) => m.code === 'RATE_LIMITED' });
    bob.peer.send({ type: 'SIGNAL', to: alice.publicId, data: 'fine', reqId: 'b' });
    expect((await alice.peer.next('SIGNAL', { where: (m) => m.data === 'fine' })).from).toBe(bob.publicId);
  });
});
