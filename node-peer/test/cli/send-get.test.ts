import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN, closeAll, startTestDaemon } from '@ferry/signaling/test/helpers';
import { BUILD_TIMEOUT_MS, buildDaemonIfStale, killAllCli } from '@ferry/signaling/test/support/cli-process';
import { FerryPeer } from '../../src/ferry-peer';
import { cleanupWebrtc } from '../../src/wrtc';
import { PeerCli, removeTempDirs, tempDir } from './support';

/*
 * `ferry send` to `ferry get`, both as real processes, through the real daemon, with a host (a
 * Node peer holding the master token) who lets each in: byte-exact, over P2P and over the relay.
 */

beforeAll(buildDaemonIfStale, BUILD_TIMEOUT_MS);
const peers: FerryPeer[] = [];
afterEach(async () => {
  await killAllCli();
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await closeAll();
  removeTempDirs();
});
afterAll(() => cleanupWebrtc());

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** How many chunks a `.ferry-part.json` record says are stored (0 while there is none). */
function claimedChunks(sidecar: string): number {
  if (!existsSync(sidecar)) return 0;
  try {
    const have = Buffer.from((JSON.parse(readFileSync(sidecar, 'utf8')) as { have: string }).have, 'base64');
    return [...have].reduce((sum, byte) => sum + byte.toString(2).replace(/0/g, '').length, 0);
  } catch {
    return 0; // caught mid-rename
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function roomWithHost(options: { p2p?: boolean } = {}) {
  const daemon = await startTestDaemon({ p2p: options.p2p ?? true });
  const host = await FerryPeer.connect({ url: daemon.url, masterToken: TOKEN });
  peers.push(host);
  return { url: `${daemon.url}/`, host };
}

/** Lets `cli` in once it says it waits; returns its publicId. */
async function admit(host: FerryPeer, cli: PeerCli): Promise<string> {
  const { publicId } = await cli.event('waiting');
  await host.approve(publicId);
  await cli.event('admitted');
  return publicId;
}

function writeTree(root: string, files: Record<string, number>): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const [path, size] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    const bytes = randomBytes(size);
    writeFileSync(join(root, path), bytes);
    hashes.set(path, sha(bytes));
  }
  return hashes;
}

describe.each([
  ['P2P', true],
  ['the relay', false],
])('ferry send to ferry get over %s', (_name, p2p) => {
  it('a folder arrives byte-exact at its paths under -o, its empty folder too; exit 0', async () => {
    const { url, host } = await roomWithHost({ p2p });
    const source = tempDir('ferry-send-');
    const hashes = writeTree(source, { 'trip/a.bin': 3 * 1024 * 1024 + 7, 'trip/day1/b.bin': 100_000, 'loose.txt': 0 });
    mkdirSync(join(source, 'trip', 'empty'));
    const sender = new PeerCli(['send', url, join(source, 'trip'), join(source, 'loose.txt'), '--name', 'nas']);
    await admit(host, sender);
    const shared = await sender.event('shared');
    expect(shared.files.map((f) => f.path ?? f.name).sort()).toEqual(['loose.txt', 'trip/a.bin', 'trip/day1/b.bin']);

    const out = tempDir('ferry-get-');
    const lister = new PeerCli(['get', url, '--list']);
    await admit(host, lister);
    const listed = await lister.event('listed');
    expect(listed.files.map((f) => [f.path ?? f.name, f.kind, f.ownerName]).sort()).toEqual([
      ['loose.txt', 'file', 'nas'],
      ['trip/a.bin', 'file', 'nas'],
      ['trip/day1/b.bin', 'file', 'nas'],
      ['trip/empty', 'folder', 'nas'],
    ]);
    expect(await lister.code()).toBe(0);

    // The same identity (its config folder): no second approval.
    const getter = new PeerCli(['get', url, '--all', '-o', out], lister.configDir);
    expect((await getter.event('admitted')).resumed).toBe(true);
    expect(await getter.code()).toBe(0);
    expect(getter.events().some((e) => e.event === 'waiting')).toBe(false);
    for (const [path, hash] of hashes) expect(sha(readFileSync(join(out, path))), path).toBe(hash);
    expect(statSync(join(out, 'trip', 'empty')).isDirectory()).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['loose.txt', 'trip']);
    const done = getter.events().filter((e) => e.event === 'download-done');
    expect(done).toHaveLength(3);
    const routes = new Set(getter.events().flatMap((e) => (e.event === 'progress' ? [e.route] : [])));
    expect(routes.has(p2p ? 'relay' : 'p2p')).toBe(false);

    // The sender saw who fetched what.
    await sender.event('serving', (e) => e.name === 'trip/a.bin');
    sender.process.signal('SIGINT');
    expect(await sender.code()).toBe(0);
  });
});

describe('ferry get resumes', () => {
  it('after SIGKILL mid-file, from its bitmap; a chunk corrupted on disk meanwhile is fetched again', async () => {
    const { url, host } = await roomWithHost();
    const source = tempDir('ferry-send-');
    const hashes = writeTree(source, { 'big.bin': 96 * 1024 * 1024 });
    const sender = new PeerCli(['send', url, join(source, 'big.bin')]);
    await admit(host, sender);
    await sender.event('shared');

    const out = tempDir('ferry-get-');
    const first = new PeerCli(['get', url, '--file', 'big.bin', '-o', out]);
    await admit(host, first);
    await first.event('progress', (e) => e.bytesDone >= 8 * 1024 * 1024);
    // Killed once its record says some chunks are on disk (it is written at most once a second).
    await until(() => claimedChunks(join(out, 'big.bin.ferry-part.json')) > 0, 'chunks in the progress record');
    await first.process.kill9();
    expect(first.events().some((e) => e.event === 'download-done')).toBe(false);
    const partial = readdirSync(out).find((name) => name.endsWith('.ferry-part'));
    expect(partial, `files: ${readdirSync(out).join(', ')}`).toBeDefined();
    // One byte of the first chunk changes on disk: its stored hash no longer matches.
    const part = join(out, partial ?? '');
    const bytes = readFileSync(part);
    bytes[10] = (bytes[10] ?? 0) ^ 0xff;
    writeFileSync(part, bytes);

    const second = new PeerCli(['get', url, '--file', 'big.bin', '-o', out], first.configDir);
    const started = await second.event('download-started');
    expect(started.resumedBytes).toBeGreaterThan(0);
    expect(started.damagedChunks).toBe(1);
    expect(started.resumedBytes).toBeLessThan(96 * 1024 * 1024);
    expect(await second.code()).toBe(0);
    expect(sha(readFileSync(join(out, 'big.bin')))).toBe(hashes.get('big.bin'));
    expect(readdirSync(out)).toEqual(['big.bin']);
  });

  it('never overwrites a file that is there without --overwrite (exit 1, named)', async () => {
    const { url, host } = await roomWithHost();
    const source = tempDir('ferry-send-');
    writeTree(source, { 'a.txt': 10 });
    const sender = new PeerCli(['send', url, join(source, 'a.txt')]);
    await admit(host, sender);
    await sender.event('shared');
    const out = tempDir('ferry-get-');
    writeFileSync(join(out, 'a.txt'), 'mine');
    const getter = new PeerCli(['get', url, '--file', 'a.txt', '-o', out]);
    await admit(host, getter);
    expect(await getter.code()).toBe(1);
    expect((await getter.event('download-failed')).name).toBe('a.txt');
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('mine');
    const again = new PeerCli(['get', url, '--file', 'a.txt', '-o', out, '--overwrite'], getter.configDir);
    expect(await again.code()).toBe(0);
    expect(readFileSync(join(out, 'a.txt')).length).toBe(10);
  });
});

describe('ferry send', () => {
  it('stops sharing a file that changed on disk, says so, and everyone sees it go', async () => {
    const { url, host } = await roomWithHost();
    const source = tempDir('ferry-send-');
    writeTree(source, { 'log.txt': 2 * 1024 * 1024 });
    const sender = new PeerCli(['send', url, join(source, 'log.txt')]);
    await admit(host, sender);
    const [shared] = (await sender.event('shared')).files;
    appendFileSync(join(source, 'log.txt'), 'one more line\n');
    const getter = new PeerCli(['get', url, '--file', 'log.txt', '-o', tempDir('ferry-get-')]);
    await admit(host, getter);
    expect(await getter.code()).toBe(1);
    expect((await sender.event('unshared')).reason).toMatch(/changed on disk/);
    await until(() => !host.files.some((f) => f.id === shared?.fileId), 'the room forgetting the file');
  });
});

describe('ferry get exit codes', () => {
  it('2 for a bad command line, 4 for a room nobody answers at, 3 when the host says no', async () => {
    const bad = new PeerCli(['get', 'http://127.0.0.1:1/']);
    expect(await bad.code()).toBe(2);
    expect(bad.process.output).toMatch(/say what to get/);

    const unreachable = new PeerCli(['get', 'http://127.0.0.1:1/', '--list']);
    expect(await unreachable.code()).toBe(4);
    expect((await unreachable.event('exit')).message).toMatch(/cannot reach the room/);

    const { url, host } = await roomWithHost();
    const refused = new PeerCli(['get', url, '--list']);
    const { publicId } = await refused.event('waiting');
    host.send({ type: 'DIS_APPROVE_CLIENT', publicId });
    expect(await refused.code()).toBe(3);
    expect((await refused.event('exit')).message).toMatch(/did not let you in/);

    // --forget: a new person, asking again.
    const again = new PeerCli(['get', url, '--list', '--forget'], refused.configDir);
    expect((await again.event('waiting')).publicId).not.toBe(publicId);
  });
});

describe('a hostile sender', () => {
  it('cannot make ferry get write outside -o DIR', async () => {
    const { url, host } = await roomWithHost();
    // Names and paths a browser or ferry send never offers, straight on the wire; this host lists
    // whatever it is given (the daemon checks only the schema), so the getter alone must hold.
    const hostile = await FerryPeer.connect({ url, name: 'mallory' });
    peers.push(hostile);
    await host.approve(hostile.publicId);
    host.acceptEverything = true;
    const evil = [
      '../../escape-1.txt',
      '/tmp/escape-2.txt',
      'C:\\escape-3.txt',
      'ok/../../escape-4.txt',
      'CON',
      'dir/NUL.txt',
    ];
    for (const path of evil) await hostile.share('x.txt', new TextEncoder().encode(path), { path });
    const out = join(tempDir('ferry-get-'), 'inside');
    const getter = new PeerCli(['get', url, '--all', '-o', out]);
    await admit(host, getter);
    await getter.code();
    const written: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else written.push(relative(out, path));
      }
    };
    walk(join(out, '..'));
    expect(written.length).toBeGreaterThan(0);
    expect(written.filter((path) => path.startsWith('..'))).toEqual([]);
    for (const n of [1, 2, 3, 4]) expect(existsSync(`/tmp/escape-${n}.txt`), `escape-${n}`).toBe(false);
  });
});
