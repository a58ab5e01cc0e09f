import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_CODES } from '@ferry/common';
import { parseCli } from '../src/cli';
import { addressKey } from '../src/daemon';
import { hostNameOf } from '../src/host-allow-list';
import { MasterTokenGuard } from '../src/master-token-guard';
import { selfSignedCertificate } from '../src/self-signed';
import {
  approvedClient,
  closeAll,
  health,
  Peer,
  registerClient,
  registerMaster,
  startTestDaemon,
  TOKEN,
  waitFor,
  wsUrl,
  type Daemon,
} from './helpers';
import { CliProcess } from './support/cli-process';

// Issue 11, findings 6-11, 13 and 14: the limits at the door. Each test failed before its fix.

const dirs: string[] = [];
const extraSockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of extraSockets.splice(0)) ws.terminate();
  await closeAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Opens `count` idle sockets from `localAddress`; resolves with how many the daemon let in. */
async function idleSockets(daemon: Daemon, count: number, localAddress: string): Promise<number> {
  const results = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<boolean>((resolve) => {
          const ws = new WebSocket(wsUrl(daemon), { localAddress });
          extraSockets.push(ws);
          ws.once('open', () => resolve(true));
          ws.once('unexpected-response', () => resolve(false));
          ws.once('error', () => resolve(false));
        }),
    ),
  );
  return results.filter(Boolean).length;
}

/** A raw HTTP request; resolves with the status line's code. */
function rawStatus(daemon: Daemon, head: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(daemon.port, '127.0.0.1', () => socket.write(head));
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (match) {
        resolve(Number(match[1]));
        socket.destroy();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(0));
  });
}

describe('finding 6: unregistered sockets cannot lock anyone out', () => {
  it('one address holds at most 64 idle sockets by default (429 past it); others still get in', async () => {
    const daemon = await startTestDaemon();
    expect(await idleSockets(daemon, 70, '127.0.0.2')).toBe(64);
    expect(daemon.unregisteredSockets).toBe(64);
    const master = await registerMaster(daemon);
    expect(master.ack.publicId).toBeTruthy();
  });

  it('idle sockets filling the whole daemon from many addresses still leave the master a way in', async () => {
    const daemon = await startTestDaemon({ maxUnregistered: 128 });
    // Two addresses at their per-address cap fill the daemon's total.
    expect(await idleSockets(daemon, 64, '127.0.0.2')).toBe(64);
    expect(await idleSockets(daemon, 64, '127.0.0.3')).toBe(64);
    expect(daemon.unregisteredSockets).toBe(128);
    const master = await registerMaster(daemon);
    expect(master.ack.clients).toEqual([expect.objectContaining({ isMaster: true })]);
    const guest = await registerClient(daemon, 'guest');
    expect(guest.ack.status).toBe('pending');
  });

  it('a socket that does not register is closed after 10 s by default (1008)', async () => {
    const daemon = await startTestDaemon();
    expect(daemon.room.options.registerTimeoutMs).toBe(10_000);
  });
});

describe('finding 7: pending requests held by ghosts', () => {
  it('a full line of requests whose sockets left does not keep a new guest out', async () => {
    const daemon = await startTestDaemon({ maxPending: 20 });
    const master = await registerMaster(daemon);
    const ghosts = [];
    for (let i = 0; i < 20; i++) ghosts.push(await registerClient(daemon, `ghost ${i}`));
    // A live line is full: the next one is refused.
    const refused = await Peer.connect(daemon, 'refused');
    refused.send({ type: 'CLIENT_REGISTER', name: 'too many', reqId: 'full' });
    expect(await refused.next('ERROR')).toMatchObject({ code: 'LIMIT_EXCEEDED', reqId: 'full' });
    // The ghosts leave; an honest guest gets in at once (not after the 300 s grace period).
    await Promise.all(ghosts.map((g) => g.peer.terminate()));
    await waitFor(async () => (await health(daemon))['online'] === 1, 3_000, 20);
    const honest = await registerClient(daemon, 'honest');
    expect(honest.ack.status).toBe('pending');
    // The master heard that the oldest ghost left.
    const ghost0 = ghosts[0];
    await master.peer.next('CLIENT_LEFT', { where: (m) => m.publicId === ghost0?.publicId });
  });

  it('REJECT_ALL_PENDING turns every pending request away at once; only the master may send it', async () => {
    const daemon = await startTestDaemon();
    const master = await registerMaster(daemon);
    const approved = await approvedClient(daemon, master, 'approved');
    const waiting = [await registerClient(daemon, 'w1'), await registerClient(daemon, 'w2')];
    approved.peer.send({ type: 'REJECT_ALL_PENDING', reqId: 'not-yours' });
    expect(await approved.peer.next('ERROR')).toMatchObject({ code: 'FORBIDDEN', reqId: 'not-yours' });
    master.peer.send({ type: 'REJECT_ALL_PENDING' });
    for (const w of waiting) {
      await w.peer.next('CLIENT_DIS_APPROVED', { where: (m) => m.publicId === w.publicId });
      await master.peer.next('CLIENT_DIS_APPROVED', { where: (m) => m.publicId === w.publicId });
    }
    expect([...daemon.room.peers.all()].filter((p) => p.status === 'pending')).toEqual([]);
    expect(daemon.room.peers.get(approved.publicId)?.status).toBe('approved');
  });
});

describe('finding 8: resumes are charged to the identity', () => {
  it('an approved guest resuming in a loop gets RATE_LIMITED and closed; one honest reconnect is fine', async () => {
    const daemon = await startTestDaemon();
    const master = await registerMaster(daemon);
    const guest = await approvedClient(daemon, master, 'guest');
    // An honest reconnect after a blip.
    await guest.peer.terminate();
    const back = await registerClient(daemon, 'guest', { privateId: guest.privateId });
    expect(back.ack.publicId).toBe(guest.publicId);
    let limited = 0;
    for (let i = 0; i < 30 && limited === 0; i++) {
      const peer = await Peer.connect(daemon, `resume ${i}`);
      peer.send({ type: 'CLIENT_REGISTER', name: 'guest', privateId: guest.privateId, reqId: `r${i}` });
      const answer = await Promise.race([peer.next('CLIENT_REGISTER_ACK'), peer.next('ERROR')]);
      if (answer.type === 'ERROR') {
        expect(answer).toMatchObject({ code: 'RATE_LIMITED', reqId: `r${i}` });
        expect((await peer.closed).code).toBe(CLOSE_CODES.policyViolation);
        limited = i;
      }
    }
    // The burst is 10 resumes (the honest one above counted): refused well before 30.
    expect(limited).toBeGreaterThan(5);
    expect(limited).toBeLessThanOrEqual(10);
  });
});

describe('finding 9: the master token', () => {
  it('a wrong token closes the socket (1008); a right one still works', async () => {
    const daemon = await startTestDaemon();
    const guesser = await Peer.connect(daemon, 'guesser');
    guesser.send({ type: 'MASTER_APP_REGISTER', token: 'wrong', reqId: 'g' });
    expect(await guesser.next('ERROR')).toMatchObject({ code: 'BAD_TOKEN', reqId: 'g' });
    expect((await guesser.closed).code).toBe(CLOSE_CODES.policyViolation);
    expect((await registerMaster(daemon)).ack.publicId).toBeTruthy();
  });

  it('past 5 failures from one address, attempts wait with growing delays, even with the right token', async () => {
    const clock = { ms: 1_000_000, now: () => clock.ms };
    const daemon = await startTestDaemon({ now: clock.now });
    const attempt = async (token: string) => {
      const peer = await Peer.connect(daemon, 'attempt');
      peer.send({ type: 'MASTER_APP_REGISTER', token });
      const answer = await Promise.race([peer.next('MASTER_APP_REGISTER_ACK'), peer.next('ERROR')]);
      await peer.terminate();
      return answer.type === 'ERROR' ? answer.code : 'ACK';
    };
    for (let i = 0; i < 5; i++) expect(await attempt(`wrong-${i}`)).toBe('BAD_TOKEN');
    // The 6th failure starts a 1 s wait; the next, 2 s.
    expect(await attempt('wrong-5')).toBe('BAD_TOKEN');
    expect(await attempt(TOKEN)).toBe('RATE_LIMITED');
    clock.ms += 1_000;
    expect(await attempt('wrong-6')).toBe('BAD_TOKEN');
    clock.ms += 1_000;
    expect(await attempt(TOKEN)).toBe('RATE_LIMITED');
    clock.ms += 1_000;
    // A host who mistyped gets in once the wait is over, and the slate is wiped.
    expect(await attempt(TOKEN)).toBe('ACK');
  });

  it('the wait doubles per failure up to a ceiling of 60 s, and is per address', () => {
    const clock = { ms: 0, now: () => clock.ms };
    const guard = new MasterTokenGuard(5, 60_000, clock.now);
    for (let i = 0; i < 5; i++) guard.failed('a');
    expect(guard.waitMsFor('a')).toBe(0);
    const waits = [];
    for (let i = 0; i < 9; i++) {
      guard.failed('a');
      waits.push(guard.waitMsFor('a'));
      clock.ms += guard.waitMsFor('a');
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(guard.waitMsFor('b')).toBe(0);
    guard.succeeded('a');
    expect(guard.waitMsFor('a')).toBe(0);
  });

  it('a --master-token or FERRY_MASTER_TOKEN under 22 characters is refused unless --weak-token-ok', () => {
    expect(() => parseCli(['--port', '0', '--master-token', 'short'], {})).toThrow(/at least 22/);
    expect(() => parseCli(['--port', '0'], { FERRY_MASTER_TOKEN: '1234' })).toThrow(/FERRY_MASTER_TOKEN is 4/);
    const weak = parseCli(['--port', '0', '--master-token', 'short', '--weak-token-ok'], {});
    expect(weak !== 'help' && weak.options.masterToken).toBe('short');
    const strong = parseCli(['--port', '0', '--master-token', 'a'.repeat(22)], {});
    expect(strong !== 'help' && strong.options.masterToken).toBe('a'.repeat(22));
  });

  it('the daemon exits 2 with a clear message on a short token', async () => {
    const cli = new CliProcess(['--port', '0', '--host', '127.0.0.1', '--no-qr', '--master-token', '1234']);
    expect((await cli.exited).code).toBe(2);
    expect(cli.output).toMatch(/--master-token is 4 characters.*--weak-token-ok/s);
    expect(cli.output).not.toMatch(/listening on/);
  });
});

describe('finding 10: --tls self-signed keeps its folder private', () => {
  it('creates the data folder 0700', async () => {
    if (process.platform === 'win32') return;
    const parent = mkdtempSync(join(tmpdir(), 'ferry-mode-'));
    dirs.push(parent);
    const dir = join(parent, 'rooms', 'port-8787');
    await selfSignedCertificate(['127.0.0.1'], dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});

describe('finding 11: the Host header must name this daemon (DNS rebinding)', () => {
  it('HTTP with a foreign Host gets 421; loopback names and the listening address are served', async () => {
    const daemon = await startTestDaemon();
    const get = (host: string) =>
      rawStatus(daemon, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect(await get('evil.example:8787')).toBe(421);
    expect(await get('evil.example')).toBe(421);
    expect(await get(`127.0.0.1:${daemon.port}`)).toBe(200);
    expect(await get(`localhost:${daemon.port}`)).toBe(200);
    expect(await get(`LOCALHOST.:${daemon.port}`)).toBe(200);
    expect(await get(`[::1]:${daemon.port}`)).toBe(200);
  });

  it('a WebSocket upgrade with a foreign Host (and a matching Origin) is refused with 421', async () => {
    const daemon = await startTestDaemon();
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl(daemon), {
        headers: { Host: 'evil.example:8787', Origin: 'http://evil.example:8787' },
      });
      extraSockets.push(ws);
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
      ws.once('error', () => resolve(0));
    });
    expect(status).toBe(421);
  });

  it('--allow-host adds a name (a reverse proxy); * allows any', async () => {
    const daemon = await startTestDaemon({ allowedHosts: ['ferry.example.org'] });
    const get = (host: string) =>
      rawStatus(daemon, `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect(await get('ferry.example.org')).toBe(200);
    expect(await get('other.example.org')).toBe(421);
    const any = await startTestDaemon({ allowedHosts: ['*'] });
    expect(await rawStatus(any, `GET /healthz HTTP/1.1\r\nHost: whatever.example\r\nConnection: close\r\n\r\n`)).toBe(
      200,
    );
    const parsed = parseCli(['--port', '0', '--allow-host', 'a.example', '--allow-host', 'b.example'], {});
    expect(parsed !== 'help' && parsed.options.allowedHosts).toEqual(['a.example', 'b.example']);
  });

  it('reads a Host header name without port, brackets, case or trailing dot', () => {
    expect(hostNameOf('Example.ORG.:80')).toBe('example.org');
    expect(hostNameOf('[::1]:8787')).toBe('::1');
    expect(hostNameOf('192.168.1.5')).toBe('192.168.1.5');
    expect(hostNameOf(':80')).toBeNull();
  });
});

describe('finding 14: header limits', () => {
  it('a request with 20 KiB of headers gets 431; headers past the 64th are ignored, not refused', async () => {
    const daemon = await startTestDaemon();
    const big = Array.from({ length: 20 }, (_, i) => `X-Filler-${i}: ${'a'.repeat(1000)}\r\n`).join('');
    expect(await rawStatus(daemon, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${big}Connection: close\r\n\r\n`)).toBe(
      431,
    );
    const many = Array.from({ length: 2000 }, (_, i) => `X-${i}: 1\r\n`).join('');
    expect(
      await rawStatus(daemon, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${many}Connection: close\r\n\r\n`),
    ).toBe(200);
  });
});

describe('limits by address key', () => {
  it('IPv4 addresses as they are; IPv6 by their /64', () => {
    expect(addressKey('192.168.1.5')).toBe('192.168.1.5');
    expect(addressKey('::ffff:10.0.0.1')).toBe('::ffff:10.0.0.1');
    expect(addressKey('::1')).toBe('::1');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
