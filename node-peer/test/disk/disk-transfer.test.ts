import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { randomId, type ReadChunk } from '@ferry/common/transfer';
import type { Daemon } from '@ferry/signaling/daemon';
import { startDaemon } from '@ferry/signaling/daemon';
import { DiskDownload } from '../../src/disk/disk-download';
import { DiskSource } from '../../src/disk/disk-source';
import { collectLocal } from '../../src/disk/local-tree';
import { offersFor } from '../../src/disk/local-offers';
import type { FileInfo } from '@ferry/common';
import { FerryPeer } from '../../src/ferry-peer';
import { cleanupWebrtc } from '../../src/wrtc';
import { completed, offer } from './support/transfer-steps';
import { useTempDirs } from './support/temp-dir';

/*
 * The disk layer under the real engine: the real daemon, real WebRTC (node-datachannel), an owner
 * serving files from disk (DiskSource) and an asker writing them to disk (DiskDownload).
 */

const MIB = 1024 * 1024;
const TOKEN = 'node-disk-token-0123456789';
const tempDir = useTempDirs();
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let daemon: Daemon | null = null;
const peers: FerryPeer[] = [];
const sources: DiskSource[] = [];

/** A room whose owner serves what `shareFromDisk` gives it, from disk, counting the chunks it reads. */
async function room() {
  daemon = await startDaemon({ masterToken: TOKEN, p2p: true, host: '127.0.0.1', port: 0 });
  const reads = { count: 0 };
  let serve: ReadChunk = () => Promise.resolve('gone');
  const master = await FerryPeer.connect({ url: daemon.url, masterToken: TOKEN });
  const owner = await FerryPeer.connect({
    url: daemon.url,
    name: 'owner',
    readChunk: (fileId, index) => {
      reads.count++;
      return serve(fileId, index);
    },
  });
  const asker = await FerryPeer.connect({ url: daemon.url, name: 'asker' });
  peers.push(master, owner, asker);
  await master.approve(owner.publicId);
  await master.approve(asker.publicId);
  /** The owner shares `paths` from disk as `ferry send` does. */
  const shareFromDisk = async (paths: string[]) => {
    const tree = await collectLocal(paths);
    const { offers, sources: shared } = await offersFor(tree, { newId: randomId, chunkSize: MIB });
    const source = new DiskSource(shared.values());
    sources.push(source);
    serve = source.readChunk;
    return offer(owner, offers);
  };
  return { asker, reads, shareFromDisk };
}

/** The asker fetches `file` into `store`, finished (checked, moved into place) by the store. */
const fetchInto = (asker: FerryPeer, file: FileInfo, store: DiskDownload) =>
  asker.startDownload(file, store, () => store.finish(), store.storedBits);

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await daemon?.close();
  daemon = null;
});
afterAll(() => cleanupWebrtc());

describe('disk to disk through the real engine', () => {
  it('moves a 64 MiB file in 1 MiB chunks byte-exact, then resumes one paused half-way', async () => {
    const { asker, reads, shareFromDisk } = await room();
    const from = await tempDir();
    const bytes = randomBytes(64 * MIB);
    await writeFile(path.join(from, 'big.bin'), bytes);
    const files = await shareFromDisk([path.join(from, 'big.bin')]);
    const file = files[0];
    if (!file) throw new Error('not listed');

    const whole = await tempDir();
    const started = performance.now();
    const store = await DiskDownload.open({ dir: whole, relPath: file.name, file });
    await completed(fetchInto(asker, file, store));
    const seconds = (performance.now() - started) / 1000;
    expect(sha(await readFile(path.join(whole, 'big.bin')))).toBe(sha(bytes));
    expect(await readdir(whole)).toEqual(['big.bin']);
    console.log(`64 MiB disk to disk over P2P: ${(64 / seconds).toFixed(1)} MiB/s`);

    // Paused after some chunks, the store closed (the program ends), then opened again.
    const resumed = await tempDir();
    reads.count = 0;
    const first = await DiskDownload.open({ dir: resumed, relPath: file.name, file });
    const download = fetchInto(asker, file, first);
    await new Promise<void>((resolve) => {
      const off = download.onChange((s) => {
        if (s.chunksDone < 20) return;
        off();
        download.pause();
        resolve();
      });
    });
    await first.close();
    const readBefore = reads.count;
    const second = await DiskDownload.open({ dir: resumed, relPath: file.name, file });
    expect(second.resumedChunks).toBeGreaterThanOrEqual(20);
    expect(second.droppedChunks).toBe(0);
    await completed(fetchInto(asker, file, second));
    expect(sha(await readFile(path.join(resumed, 'big.bin')))).toBe(sha(bytes));
    // Only what was missing was asked for again (give or take a window the owner had queued at the pause).
    expect(reads.count - readBefore).toBeGreaterThanOrEqual(64 - second.resumedChunks);
    expect(reads.count - readBefore).toBeLessThanOrEqual(64 - second.resumedChunks + 8);
  }, 120_000);
});
