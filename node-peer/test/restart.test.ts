import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Download } from '@ferry/common/transfer';
import {
  BUILD_TIMEOUT_MS,
  buildDaemonIfStale,
  CliProcess,
  killAllCli,
} from '@ferry/signaling/test/support/cli-process';
import { FerryPeer } from '../src/ferry-peer';
import { cleanupWebrtc } from '../src/wrtc';

/*
 * Guarantee 1 of issue 5 with the real command: the daemon is killed with SIGKILL in the middle of a
 * download and started again on the same port and --data-dir. Every peer reconnects by itself with
 * its privateId, keeps its identity, approval and files, and the download finishes byte-exact.
 */

const START_TIMEOUT_MS = 20_000;
const CHUNK = 256 * 1024;
const FILE_BYTES = 16 * 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(buildDaemonIfStale, BUILD_TIMEOUT_MS);

/** The real daemon as a child process, on 127.0.0.1 and without the QR code. */
const startDaemon = (args: string[]) =>
  new CliProcess(['--host', '127.0.0.1', '--no-qr', ...args], { startTimeoutMs: START_TIMEOUT_MS });

const peers: FerryPeer[] = [];
const folders: string[] = [];

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await killAllCli();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(() => cleanupWebrtc());

/** Resolves when `condition` holds (checked on every progress event of the download). */
function downloadOf(peer: FerryPeer, fileId: string): Download {
  const download = [...peer.service.downloads.values()].find((d) => d.file.id === fileId);
  if (!download) throw new Error('no such download');
  return download;
}

function untilProgress(download: Download, condition: (d: Download) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!condition(download)) return;
      off();
      resolve();
    };
    const off = download.onChange(check);
    check();
  });
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each([
  ['P2P', []],
  ['the relay (--p2p off)', ['--p2p', 'off']],
])('kill -9 mid-download over %s', (name, extraArgs) => {
  it('every peer comes back as itself and the download completes byte-exact', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ferry-restart-'));
    folders.push(dataDir);
    // No --master-token: the one made up at first start must be kept for the master to return.
    const first = startDaemon(['--port', '0', '--data-dir', dataDir, ...extraArgs]);
    const { url, port, masterToken: token } = await first.started();
    expect(first.output).toContain(`state kept in ${join(dataDir, 'ferry.sqlite')}`);

    const master = await FerryPeer.connect({ url, masterToken: token, chunkSize: CHUNK });
    const owner = await FerryPeer.connect({ url, name: 'owner', chunkSize: CHUNK });
    const asker = await FerryPeer.connect({ url, name: 'asker', chunkSize: CHUNK });
    peers.push(master, owner, asker);
    await master.approve(owner.publicId);
    await master.approve(asker.publicId);
    const ids = { master: master.publicId, owner: owner.publicId, asker: asker.publicId };

    const bytes = randomBytes(FILE_BYTES);
    const file = await owner.share('big.bin', bytes);
    const done = asker.download(file);
    const download = downloadOf(asker, file.id);
    // Killed once bytes flow: far more is left than one window of requests, so the rest needs
    // the restarted daemon.
    await untilProgress(download, (d) => d.have.count >= 2);
    await first.kill9();
    expect(download.status).not.toBe('complete');
    const chunksAtKill = download.have.count;

    const second = startDaemon(['--port', String(port), '--data-dir', dataDir, ...extraArgs]);
    const restarted = await second.started();
    const restartedAtMs = Date.now();
    expect(restarted.url).toBe(url);
    expect(restarted.masterToken).toBe(token);

    await until(() => master.reconnects >= 1 && owner.reconnects >= 1 && asker.reconnects >= 1, 'all three reconnect');
    expect({ master: master.publicId, owner: owner.publicId, asker: asker.publicId }).toEqual(ids);

    const { bytes: got } = await done;
    expect(got.length).toBe(FILE_BYTES);
    expect(sha(got)).toBe(sha(bytes));
    expect(download.snapshot().route).toBe(name === 'P2P' ? 'p2p' : 'relay');
    console.log(
      `${name}: ${chunksAtKill}/${download.totalChunks} chunks stored at kill -9; complete ${Date.now() - restartedAtMs} ms after the restart`,
    );

    // The restarted daemon carried the rest, and still lists the file under its owner.
    const health = (await (await fetch(`${url}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ peers: 3, online: 3, files: 1, transfers: 1, masterOnline: true });
    expect(asker.files).toEqual([file]);
  }, 90_000);
});
