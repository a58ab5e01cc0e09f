import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startErrorMessage } from '../src/start-errors';
import { StoreError } from '../src/store/room-store';
import { closeAll, Peer, registerClient, registerMaster } from './helpers';
import {
  BUILD_TIMEOUT_MS,
  buildDaemonIfStale,
  CliProcess,
  ferryBin,
  killAllCli,
  repoRoot,
} from './support/cli-process';

// The command line is a contract too: `node signaling/bin/ferry.js`, a real process, real signals.

beforeAll(buildDaemonIfStale, BUILD_TIMEOUT_MS);

afterEach(async () => {
  await closeAll();
  await killAllCli();
});

const ARGS = ['--port', '0', '--p2p', 'off', '--host', '127.0.0.1'];

describe('ferry command line', () => {
  it('prints where it listens and both links; serves the protocol; exits 0 on SIGTERM', async () => {
    const cli = new CliProcess([...ARGS, '--master-token', 'T0ken-from-cli-0123456789']);
    const { url, masterLink, joinLink } = await cli.started();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);
    expect(masterLink.hash).toBe('#token=T0ken-from-cli-0123456789');
    expect(masterLink.pathname + masterLink.search).not.toContain('T0ken');
    expect(joinLink.href).not.toContain('T0ken');
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const master = await registerMaster({ url }, { token: 'T0ken-from-cli-0123456789' });
    // The master's invite card shows the same join link the daemon printed.
    expect(master.ack.joinUrl).toBe(joinLink.href);
    const alice = await registerClient({ url }, 'alice');
    expect(alice.ack.p2p).toBe(false);
    expect((await master.peer.next('NEW_CLIENT_REGISTERED')).client.publicId).toBe(alice.publicId);
    expect(await cli.exit('SIGTERM')).toEqual({ code: 0, signal: null });
    await master.peer.closed;
    await alice.peer.closed;
    // privateIds are never logged in full.
    for (const secret of [master.privateId, alice.privateId]) expect(cli.output).not.toContain(secret);
  });

  it('exits 0 on SIGINT with peers connected', async () => {
    const cli = new CliProcess([...ARGS, '--master-token', 'sigint-token-0123456789abc']);
    const { url } = await cli.started();
    const master = await registerMaster({ url }, { token: 'sigint-token-0123456789abc' });
    expect(await cli.exit('SIGINT')).toEqual({ code: 0, signal: null });
    expect(master.peer.isOpen).toBe(false);
  });

  it('makes up a random master token when none is given', async () => {
    const first = new CliProcess(ARGS);
    const second = new CliProcess(ARGS);
    const [a, b] = await Promise.all([first.started(), second.started()]);
    const tokenA = a.masterLink.hash.slice('#token='.length);
    const tokenB = b.masterLink.hash.slice('#token='.length);
    expect(tokenA.length).toBeGreaterThanOrEqual(16);
    expect(tokenA).not.toBe(tokenB);
    const master = await registerMaster({ url: a.url }, { token: decodeURIComponent(tokenA) });
    expect(master.ack.publicId).toBeTruthy();
    const wrong = await Peer.connect({ url: a.url });
    wrong.send({ type: 'MASTER_APP_REGISTER', token: decodeURIComponent(tokenB) });
    expect((await wrong.next('ERROR')).code).toBe('BAD_TOKEN');
    expect((await first.exit('SIGTERM')).code).toBe(0);
    expect((await second.exit('SIGTERM')).code).toBe(0);
  });

  it('serves https and wss with --tls-cert and --tls-key', async () => {
    const fixtures = join(repoRoot, 'signaling', 'test', 'fixtures');
    const cli = new CliProcess([
      ...ARGS,
      '--master-token',
      'tls-token-0123456789abcdef',
      '--tls-cert',
      join(fixtures, 'tls-cert.pem'),
      '--tls-key',
      join(fixtures, 'tls-key.pem'),
    ]);
    const { url, masterLink } = await cli.started();
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(masterLink.protocol).toBe('https:');
    const ca = readFileSync(join(fixtures, 'tls-cert.pem'));
    const peer = await Peer.connect({ url }, 'master', { ca });
    const master = await registerMaster({ url }, { token: 'tls-token-0123456789abcdef', peer });
    expect(master.ack.clients).toHaveLength(1);
    expect((await cli.exit('SIGTERM')).code).toBe(0);
  });

  it('--tls self-signed serves a certificate for its address, and prints its fingerprint', async () => {
    const cli = new CliProcess([...ARGS, '--master-token', 'tls-token-0123456789abcdef', '--tls', 'self-signed']);
    const { url, masterLink } = await cli.started();
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(masterLink.protocol).toBe('https:');
    const printed = /fingerprint: ([0-9A-F:]{95})/.exec(cli.output)?.[1];
    expect(printed).toBeDefined();
    // Fetch the served certificate without trusting it, then trust exactly it: name checks must pass.
    const served = await new Promise<Buffer>((resolve, reject) => {
      const socket = connectTls(
        { host: '127.0.0.1', port: Number(new URL(url).port), rejectUnauthorized: false },
        () => {
          resolve(socket.getPeerCertificate().raw);
          socket.end();
        },
      ).on('error', reject);
    });
    const pem = new X509Certificate(served).toString();
    expect(new X509Certificate(served).fingerprint256).toBe(printed);
    const peer = await Peer.connect({ url }, 'master', { ca: pem });
    const master = await registerMaster({ url }, { token: 'tls-token-0123456789abcdef', peer });
    expect(master.ack.clients).toHaveLength(1);
    expect((await cli.exit('SIGTERM')).code).toBe(0);
  });

  it('passes --ice-servers to the peers', async () => {
    const iceServers = [{ urls: 'stun:stun.example.org:3478' }];
    const cli = new CliProcess([
      ...ARGS,
      '--master-token',
      'ice-token-0123456789abcdef',
      '--ice-servers',
      JSON.stringify(iceServers),
    ]);
    const { url } = await cli.started();
    const alice = await registerClient({ url }, 'alice');
    expect(alice.ack).toMatchObject({ iceServers, p2p: false });
    expect((await cli.exit('SIGTERM')).code).toBe(0);
  });

  it.each([
    ['an unknown flag', ['--bogus']],
    ['a bad --p2p value', ['--p2p', 'maybe']],
    ['bad --ice-servers JSON', ['--ice-servers', '{not json']],
    ['a --tls-cert without --tls-key', ['--tls-cert', ferryBin]],
    ['an unknown --tls mode', ['--tls', 'maybe']],
    ['--tls self-signed with --tls-cert', ['--tls', 'self-signed', '--tls-cert', ferryBin, '--tls-key', ferryBin]],
  ])('refuses %s with a non-zero exit', async (_name, extra) => {
    const cli = new CliProcess(['--port', '0', '--host', '127.0.0.1', ...extra]);
    const { code } = await cli.exited;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(cli.output).not.toMatch(/listening on/);
  });

  it('takes the master token from FERRY_MASTER_TOKEN', async () => {
    const cli = new CliProcess(ARGS, { env: { FERRY_MASTER_TOKEN: 'from-the-env-0123456789abcdef' } });
    const { url, masterLink } = await cli.started();
    expect(masterLink.hash).toBe('#token=from-the-env-0123456789abcdef');
    await registerMaster({ url }, { token: 'from-the-env-0123456789abcdef' });
    expect((await cli.exit('SIGTERM')).code).toBe(0);
  });
});

describe('ferry command line: option values', () => {
  it('takes a master token that starts with a dash', async () => {
    const { parseCli } = await import('../src/cli');
    const token = '-abc0123456789abcdefghij';
    const parsed = parseCli(['--master-token', token, '--port', '0'], {});
    expect(parsed).not.toBe('help');
    if (parsed !== 'help') expect(parsed.options.masterToken).toBe(token);
  });
});

describe('ferry command line: the room database (--data-dir)', () => {
  const folders: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-cli-'));
    folders.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('--data-dir names the folder; without it a fixed port gets a room in the user data folder, port 0 none', async () => {
    const { parseCli } = await import('../src/cli');
    const linux: { platform: NodeJS.Platform; homedir: string } = { platform: 'linux', homedir: '/home/u' };
    const dataDirOf = (argv: string[], env: NodeJS.ProcessEnv = {}, system = linux) => {
      const parsed = parseCli(argv, env, system);
      if (parsed === 'help') throw new Error('help');
      return parsed.options.dataDir;
    };
    expect(dataDirOf(['--data-dir', '/srv/ferry', '--port', '0'])).toBe('/srv/ferry');
    expect(dataDirOf(['--data-dir', '/srv/ferry'])).toBe('/srv/ferry');
    expect(dataDirOf([])).toBe('/home/u/.local/share/ferry/rooms/port-8787');
    expect(dataDirOf(['--port', '9000'], { XDG_DATA_HOME: '/xdg' })).toBe('/xdg/ferry/rooms/port-9000');
    expect(dataDirOf(['--port', '9000'], { XDG_DATA_HOME: 'relative' })).toBe(
      '/home/u/.local/share/ferry/rooms/port-9000',
    );
    expect(dataDirOf(['--port', '0'])).toBeNull();
    expect(dataDirOf([], {}, { platform: 'darwin', homedir: '/Users/u' })).toBe(
      '/Users/u/Library/Application Support/ferry/rooms/port-8787',
    );
    expect(dataDirOf([], { LOCALAPPDATA: '/c/AppData/Local' }, { platform: 'win32', homedir: '/c' })).toBe(
      join('/c/AppData/Local', 'ferry', 'rooms', 'port-8787'),
    );
    expect(() => parseCli(['--data-dir', ''], {}, linux)).toThrow(/--data-dir/);
  });

  it('says where the room is kept; a restart without --master-token prints the same master link', async () => {
    const dataDir = tempDir();
    const first = new CliProcess([...ARGS, '--data-dir', dataDir]);
    const a = await first.started();
    expect(first.output).toContain(`state kept in ${join(dataDir, 'ferry.sqlite')}`);
    const master = await registerMaster(
      { url: a.url },
      { token: decodeURIComponent(a.masterLink.hash.slice('#token='.length)) },
    );
    await first.kill9();
    const second = new CliProcess([...ARGS, '--port', a.masterLink.port, '--data-dir', dataDir]);
    const b = await second.started();
    expect(b.masterLink.href).toBe(a.masterLink.href);
    const back = await registerMaster(
      { url: b.url },
      { token: decodeURIComponent(b.masterLink.hash.slice('#token='.length)), privateId: master.privateId },
    );
    expect(back.publicId).toBe(master.publicId);
    expect((await second.exit('SIGTERM')).code).toBe(0);
    const memory = new CliProcess(ARGS);
    await memory.started();
    expect(memory.output).toMatch(/state kept in memory/);
  });

  it('refuses a second daemon on the same --data-dir with exit code 2; the first keeps serving', async () => {
    const dataDir = tempDir();
    const first = new CliProcess([...ARGS, '--data-dir', dataDir, '--master-token', 'lock-token-0123456789abcde']);
    const { url } = await first.started();
    const second = new CliProcess([...ARGS, '--data-dir', dataDir, '--master-token', 'lock-token-0123456789abcde']);
    expect((await second.exited).code).toBe(2);
    expect(second.output).toMatch(/another Ferry daemon is already using/);
    expect(second.output).toContain(dataDir);
    expect(second.output).not.toMatch(/listening on/);
    await registerMaster({ url }, { token: 'lock-token-0123456789abcde' });
    // kill -9 leaves no stale lock: the OS lets it go with the process.
    await first.kill9();
    const third = new CliProcess([...ARGS, '--data-dir', dataDir, '--master-token', 'lock-token-0123456789abcde']);
    await third.started();
    expect((await third.exit('SIGTERM')).code).toBe(0);
  });
});

/** A plain TCP server holding a port on 127.0.0.1: "another program". */
async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, server };
}

describe('ferry command line: a port in use (issue 12, bug 10)', () => {
  const folders: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-cli-port-'));
    folders.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('another program on the port: exit 2 naming the port, who may hold it, and --port', async () => {
    const { port, server } = await holdPort();
    try {
      const cli = new CliProcess(['--port', String(port), '--host', '127.0.0.1', '--data-dir', tempDir(), '--no-qr']);
      expect((await cli.exited).code).toBe(2);
      expect(cli.output).toContain(`ferry: cannot start: port ${port} on 127.0.0.1 is already in use`);
      expect(cli.output).toMatch(/another Ferry, or another program/);
      expect(cli.output).toMatch(/--port N \(--port 0 takes any free one\)/);
      expect(cli.output).not.toMatch(/EADDRINUSE|listening on|\n\s+at /);
    } finally {
      server.close();
    }
  });

  it("another Ferry on the port, each with the port's own room: exit 2 saying so; the first keeps serving", async () => {
    // XDG_DATA_HOME keeps the default room folder (ferry/rooms/port-N) out of the user's own.
    const env = { XDG_DATA_HOME: tempDir() };
    const { port, server } = await holdPort();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const first = new CliProcess(['--port', String(port), '--host', '127.0.0.1', '--no-qr'], { env });
    const { url } = await first.started();
    const second = new CliProcess(['--port', String(port), '--host', '127.0.0.1', '--no-qr'], { env });
    expect((await second.exited).code).toBe(2);
    expect(second.output).toContain(`ferry: cannot start: another Ferry is already running on port ${port}`);
    expect(second.output).toContain(join(env.XDG_DATA_HOME, 'ferry', 'rooms', `port-${port}`));
    expect(second.output).toMatch(/--port N/);
    expect(second.output).not.toMatch(/listening on/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await first.exit('SIGTERM')).code).toBe(0);
  });

  it('says what to do for each reason the daemon cannot listen', () => {
    const errno = (code: string) => Object.assign(new Error(`listen ${code}`), { code });
    const everywhere = { host: '0.0.0.0', port: 8787, dataDir: '/rooms/port-8787', isDataDirGiven: false };
    expect(startErrorMessage(errno('EADDRINUSE'), everywhere)).toMatch(/^port 8787 is already in use: another Ferry/);
    expect(startErrorMessage(errno('EACCES'), { ...everywhere, port: 80 })).toMatch(
      /^not allowed to listen on port 80 .*--port N/,
    );
    expect(startErrorMessage(errno('EADDRNOTAVAIL'), { ...everywhere, host: '192.0.2.1' })).toMatch(
      /^192\.0\.2\.1 is not an address of this machine: .*--host/,
    );
    const locked = new StoreError('another Ferry daemon is already using /srv/room; ...', 'locked');
    expect(startErrorMessage(locked, everywhere)).toMatch(
      /^another Ferry is already running on port 8787, with this port's room \(\/rooms\/port-8787\)/,
    );
    // A folder named with --data-dir: its own message, which names that folder.
    expect(startErrorMessage(locked, { ...everywhere, isDataDirGiven: true })).toBe(locked.message);
    expect(startErrorMessage(new Error('something else'), everywhere)).toBe('something else');
  });
});
