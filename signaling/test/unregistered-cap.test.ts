import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_CODES, limits } from '@ferry/common';
import { withDefaults } from '../src/options';
import { UnregisteredSockets } from '../src/unregistered-sockets';
import { closeAll, health, Peer, registerClient, startTestDaemon, waitFor, wsUrl, type Daemon } from './helpers';

// Sockets that connect and never register are bounded per remote address and in total (issue 5,
// guarantee 8): past a cap the upgrade is refused before the handshake, and every way a socket
// stops being unregistered (it registers, closes, times out, fails its handshake) frees its slot
// exactly once. Other addresses are loopback source addresses (127.0.0.x), as the load swarm uses.

afterEach(closeAll);

const PER_ADDRESS = limits.MAX_UNREGISTERED_SOCKETS_PER_ADDRESS;
/** Limits by address are the host's choice (`--register-rate N`); these tests turn this one on. */
const PER_ADDRESS_ON = { maxUnregisteredPerAddress: PER_ADDRESS };

/** Sockets opened by `upgrade` (not through Peer.connect, so closeAll does not know them). */
const cleanupsOfThisFile: Peer[] = [];
afterEach(async () => {
  await Promise.all(cleanupsOfThisFile.splice(0).map((peer) => peer.terminate()));
});

interface Refusal {
  status: number;
  retryAfter: string | undefined;
  error: string;
}

/** An upgrade from `localAddress`: the open socket (kept until the test ends), or the HTTP refusal. */
function upgrade(daemon: Daemon, localAddress?: string): Promise<Peer | Refusal> {
  const ws = new WebSocket(wsUrl(daemon), localAddress === undefined ? {} : { localAddress });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      // Peer.connect would open another socket; this one is wrapped for the same cleanup instead.
      const peer = new Peer(ws, `idle ${localAddress ?? '127.0.0.1'}`);
      cleanupsOfThisFile.push(peer);
      resolve(peer);
    });
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error: string };
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], error: body.error });
      });
    });
    ws.once('error', reject);
  });
}

function isPeer(result: Peer | Refusal): result is Peer {
  return result instanceof Peer;
}

async function openIdle(daemon: Daemon, count: number, localAddress?: string): Promise<Peer[]> {
  const results = await Promise.all(Array.from({ length: count }, () => upgrade(daemon, localAddress)));
  const refused = results.filter((r) => !isPeer(r));
  if (refused.length > 0)
    throw new Error(`${refused.length} of ${count} upgrades refused: ${JSON.stringify(refused[0])}`);
  return results.filter(isPeer);
}

/** The daemon frees a slot on its side of a close, a moment after the client sees it. */
async function expectUnregistered(daemon: Daemon, count: number): Promise<void> {
  await waitFor(() => Promise.resolve(daemon.unregisteredSockets === count), 3_000, 10);
}

describe('the unregistered-socket counter', () => {
  it('refuses past either cap (the address first), and a release is counted once', () => {
    const sockets = new UnregisteredSockets(2, 3);
    const evicted: string[] = [];
    const a1 = sockets.admit('a', () => evicted.push('a1'));
    const a2 = sockets.admit('a', () => evicted.push('a2'));
    expect(sockets.admit('a')).toEqual({ isAdmitted: false, reason: 'address-full' });
    const b1 = sockets.admit('b', () => evicted.push('b1'));
    // Full: a newcomer takes the oldest slot of the address holding the most ('a', 2 > 1).
    const c1 = sockets.admit('c', () => evicted.push('c1'));
    expect(c1.isAdmitted).toBe(true);
    expect(evicted).toEqual(['a1']);
    expect(sockets.countOf('a')).toBe(1);
    // Now every address holds 1: no one holds more than a newcomer would, so the daemon is full.
    expect(sockets.admit('d')).toEqual({ isAdmitted: false, reason: 'daemon-full' });
    if (!a1.isAdmitted || !a2.isAdmitted || !b1.isAdmitted || !c1.isAdmitted) throw new Error('not admitted');
    // The evicted socket's own close releases it again: nothing more is freed.
    a1.release();
    a1.release();
    expect(sockets.size).toBe(3);
    a2.release();
    expect(sockets.size).toBe(2);
    expect(sockets.countOf('a')).toBe(0);
    b1.release();
    c1.release();
    expect(sockets.size).toBe(0);
    // Nothing is kept for an address once its sockets are gone.
    expect(sockets.addresses).toBe(0);
  });

  it('the per-address cap is on by default (64), whatever --register-rate says; the total cap always holds', async () => {
    const defaults = withDefaults({}, '/nowhere');
    expect(defaults.maxUnregisteredPerAddress).toBe(64);
    expect(defaults.registerTimeoutMs).toBe(10_000);
    // Registered peers are not limited by address unless the host asks.
    expect(defaults.registerRatePerSecond).toBe(Number.POSITIVE_INFINITY);
    expect(defaults.maxUnregistered).toBe(1024);
    const { parseCli } = await import('../src/cli');
    const options = (argv: string[]) => {
      const parsed = parseCli(['--port', '0', ...argv], {});
      if (parsed === 'help') throw new Error('help');
      return parsed.options;
    };
    // The CLI leaves both caps to the defaults: --register-rate is about registrations only.
    expect(options([]).maxUnregisteredPerAddress).toBeUndefined();
    expect(options(['--register-rate', '0']).maxUnregisteredPerAddress).toBeUndefined();
    expect(options(['--register-rate', '20'])).toMatchObject({ registerRatePerSecond: 20, registerBurst: 60 });
    expect(options(['--register-rate', '20']).maxUnregistered).toBeUndefined();
  });
});

describe('unregistered sockets per remote address', () => {
  it(`holds ${PER_ADDRESS} idle sockets from one address, refuses the next with 429; others and later peers get in`, async () => {
    const daemon = await startTestDaemon(PER_ADDRESS_ON);
    const idle = await openIdle(daemon, PER_ADDRESS);
    expect(daemon.unregisteredSockets).toBe(PER_ADDRESS);
    const refused = await upgrade(daemon);
    expect(refused).toEqual({
      status: 429,
      retryAfter: '1',
      error: expect.stringMatching(/not registered/) as unknown,
    });
    // Another address is not affected.
    const other = await upgrade(daemon, '127.0.0.2');
    expect(isPeer(other)).toBe(true);
    // Two idle sockets leave: an honest peer from the crowded address gets in and registers.
    await Promise.all(idle.slice(0, 2).map((peer) => peer.close()));
    await expectUnregistered(daemon, PER_ADDRESS - 2 + 1);
    const honest = await registerClient(daemon, 'honest');
    expect(honest.ack.status).toBe('pending');
    // And the idle ones are still open: the cap refuses new sockets, it cuts none.
    expect(idle.slice(2).every((peer) => peer.isOpen)).toBe(true);
  });

  it('a socket that registers frees its slot, once: closing it later frees nothing more', async () => {
    const daemon = await startTestDaemon(PER_ADDRESS_ON);
    const idle = await openIdle(daemon, PER_ADDRESS);
    expect(isPeer(await upgrade(daemon))).toBe(false);
    const first = idle[0];
    if (!first) throw new Error('no socket');
    const registered = await registerClient(daemon, 'late', { peer: first });
    expect(registered.ack.status).toBe('pending');
    expect(daemon.unregisteredSockets).toBe(PER_ADDRESS - 1);
    const newcomer = await upgrade(daemon);
    expect(isPeer(newcomer)).toBe(true);
    // Full again. If closing the registered socket freed a second slot, the next upgrade would pass.
    await first.close();
    await waitFor(async () => (await health(daemon))['online'] === 0, 3_000, 20);
    expect(daemon.unregisteredSockets).toBe(PER_ADDRESS);
    expect(await upgrade(daemon)).toMatchObject({ status: 429 });
  });

  it('idle sockets time out (1008), the count returns to 0 and the address is served again', async () => {
    const daemon = await startTestDaemon({ ...PER_ADDRESS_ON, registerTimeoutMs: 300 });
    const idle = await openIdle(daemon, PER_ADDRESS);
    expect(await upgrade(daemon)).toMatchObject({ status: 429 });
    const closes = await Promise.all(idle.map((peer) => peer.closed));
    expect(closes.every((c) => c.code === CLOSE_CODES.policyViolation)).toBe(true);
    await expectUnregistered(daemon, 0);
    const again = await openIdle(daemon, PER_ADDRESS);
    expect(again).toHaveLength(PER_ADDRESS);
    expect((await registerClient(daemon, 'after', { peer: again[0] })).ack.status).toBe('pending');
  });

  it('a failed handshake, a cut socket and a rate-limited register all give their slot back', async () => {
    const daemon = await startTestDaemon({ ...PER_ADDRESS_ON, registerBurst: 1, registerRatePerSecond: 0.001 });
    const { port } = daemon;
    // Upgrades that ws refuses itself (no Sec-WebSocket-Key): 400, and the slot is freed.
    const badHandshakes = Array.from(
      { length: PER_ADDRESS + 8 },
      () =>
        new Promise<string>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.write(
              `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`,
            );
          });
          let answer = '';
          socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
          socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
          socket.on('error', () => undefined);
        }),
    );
    for (const line of await Promise.all(badHandshakes)) expect(line).toMatch(/^HTTP\/1\.1 (400|429)/);
    await expectUnregistered(daemon, 0);
    // Sockets cut without a closing handshake.
    const cut = await openIdle(daemon, PER_ADDRESS);
    await Promise.all(cut.map((peer) => peer.terminate()));
    await expectUnregistered(daemon, 0);
    // The registration rate closes the second register with 1008; its slot comes back too.
    await registerClient(daemon, 'first');
    const limited = await openIdle(daemon, 1);
    limited[0]?.send({ type: 'CLIENT_REGISTER', name: 'second' });
    expect((await limited[0]?.closed)?.code).toBe(CLOSE_CODES.policyViolation);
    await expectUnregistered(daemon, 0);
    expect(await openIdle(daemon, PER_ADDRESS)).toHaveLength(PER_ADDRESS);
  });
});

describe('unregistered sockets in total', () => {
  it('past the total cap a newcomer takes the oldest slot of the fullest address; 503 once all hold as few', async () => {
    const daemon = await startTestDaemon({ maxUnregistered: 12 });
    const crowd = await openIdle(daemon, 6, '127.0.0.9');
    const held: Peer[] = [];
    for (let i = 2; i <= 7; i++) held.push(...(await openIdle(daemon, 1, `127.0.0.${i}`)));
    expect(daemon.unregisteredSockets).toBe(12);
    // The crowded address pays, oldest first, until it holds no more than anyone else.
    for (let i = 0; i < 5; i++) expect(isPeer(await upgrade(daemon, `127.0.0.${20 + i}`))).toBe(true);
    expect((await crowd[0]?.closed)?.code).toBe(1006);
    await expectUnregistered(daemon, 12);
    expect(crowd.slice(5).every((peer) => peer.isOpen)).toBe(true);
    const refused = await upgrade(daemon, '127.0.0.5');
    expect(refused).toEqual({
      status: 503,
      retryAfter: '1',
      error: expect.stringMatching(/not registered/) as unknown,
    });
    expect(await upgrade(daemon, '127.0.0.30')).toMatchObject({ status: 503 });
    // One registers: a slot opens for anyone.
    await registerClient(daemon, 'one', { peer: held[0] });
    expect(isPeer(await upgrade(daemon, '127.0.0.5'))).toBe(true);
    expect(await upgrade(daemon, '127.0.0.6')).toMatchObject({ status: 503 });
    // One leaves: another opens.
    await held[5]?.close();
    await expectUnregistered(daemon, 11);
    expect(isPeer(await upgrade(daemon, '127.0.0.6'))).toBe(true);
  });

  it('with --register-rate 0 one address may hold past its own cap, never past the total', async () => {
    const daemon = await startTestDaemon({
      maxUnregisteredPerAddress: Number.POSITIVE_INFINITY,
      maxUnregistered: PER_ADDRESS + 8,
    });
    expect(await openIdle(daemon, PER_ADDRESS + 8)).toHaveLength(PER_ADDRESS + 8);
    expect(await upgrade(daemon)).toMatchObject({ status: 503 });
  });
});
