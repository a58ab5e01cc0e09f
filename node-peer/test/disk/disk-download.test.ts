import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileInfo } from '@ferry/common';
import { ChunkSet, TransferError } from '@ferry/common/transfer';
import { DiskDownload } from '../../src/disk/disk-download';
import { DiskError } from '../../src/disk/disk-errors';
import { manualClock } from './support/manual-clock';
import { useTempDirs } from './support/temp-dir';

const tempDir = useTempDirs();
const CHUNK = 1024;
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function fileOf(bytes: Uint8Array, extra: Partial<FileInfo> = {}): FileInfo {
  return {
    id: 'file-1',
    owner: 'owner',
    name: 'a.bin',
    size: bytes.length,
    chunkSize: CHUNK,
    sha256: sha(bytes),
    ...extra,
  };
}

const chunkOf = (bytes: Uint8Array, index: number) => bytes.subarray(index * CHUNK, (index + 1) * CHUNK);

/** Puts chunks as the engine does: stored, then the progress bitmap saved. */
async function put(download: DiskDownload, bytes: Uint8Array, indices: number[], have: ChunkSet): Promise<void> {
  for (const index of indices) {
    await download.putChunk(index, chunkOf(bytes, index));
    have.add(index);
    await download.saveProgress(have.bits);
  }
}

const bitsOf = (bits: Uint8Array, total: number) => {
  const set = new ChunkSet(total, bits);
  return Array.from({ length: total }, (_, i) => i).filter((i) => set.has(i));
};

describe('DiskDownload', () => {
  it('writes chunks that arrive out of order into a byte-exact file, and tidies up', async () => {
    const dir = await tempDir();
    const bytes = randomBytes(7 * CHUNK + 300);
    const file = fileOf(bytes, { path: 'trip/day 1/a.bin' });
    const download = await DiskDownload.open({ dir, relPath: 'trip/day 1/a.bin', file });
    expect(bitsOf(download.storedBits, 8)).toEqual([]);
    await put(download, bytes, [3, 1, 7, 0, 2, 6, 5, 4], new ChunkSet(8));
    await download.finish();
    const target = path.join(dir, 'trip', 'day 1', 'a.bin');
    expect(download.targetPath).toBe(target);
    expect(sha(await readFile(target))).toBe(sha(bytes));
    expect(await readdir(path.dirname(target))).toEqual(['a.bin']);
  });

  it('resumes after a kill with the chunks it had saved, and finishes byte-exact', async () => {
    const dir = await tempDir();
    const bytes = randomBytes(6 * CHUNK);
    const file = fileOf(bytes);
    const first = await DiskDownload.open({ dir, relPath: 'a.bin', file, progressIntervalMs: 0 });
    await put(first, bytes, [0, 2, 3], new ChunkSet(6));
    // Killed: never closed, never finished.
    const second = await DiskDownload.open({ dir, relPath: 'a.bin', file, progressIntervalMs: 0 });
    expect(bitsOf(second.storedBits, 6)).toEqual([0, 2, 3]);
    expect([second.resumedChunks, second.droppedChunks]).toEqual([3, 0]);
    await put(second, bytes, [5, 1, 4], new ChunkSet(6, second.storedBits));
    await second.finish();
    expect(sha(await readFile(path.join(dir, 'a.bin')))).toBe(sha(bytes));
  });

  it('drops, on reopening, a stored chunk whose bytes on disk were damaged', async () => {
    const dir = await tempDir();
    const bytes = randomBytes(4 * CHUNK);
    const file = fileOf(bytes);
    const first = await DiskDownload.open({ dir, relPath: 'a.bin', file, progressIntervalMs: 0 });
    await put(first, bytes, [0, 1, 2], new ChunkSet(4));
    await first.close();
    const part = await open(path.join(dir, 'a.bin.ferry-part'), 'r+');
    await part.write(new Uint8Array([(bytes[CHUNK + 10] ?? 0) ^ 1]), 0, 1, CHUNK + 10);
    await part.close();
    const second = await DiskDownload.open({ dir, relPath: 'a.bin', file });
    expect(bitsOf(second.storedBits, 4)).toEqual([0, 2]);
    expect([second.resumedChunks, second.droppedChunks]).toEqual([2, 1]);
    await put(second, bytes, [1, 3], new ChunkSet(4, second.storedBits));
    await second.finish();
    expect(sha(await readFile(path.join(dir, 'a.bin')))).toBe(sha(bytes));
  });

  it('starts again when the partial file belongs to another file', async () => {
    const dir = await tempDir();
    const old = randomBytes(3 * CHUNK);
    const first = await DiskDownload.open({
      dir,
      relPath: 'a.bin',
      file: fileOf(old, { id: 'old' }),
      progressIntervalMs: 0,
    });
    await put(first, old, [0, 1], new ChunkSet(3));
    await first.close();
    const bytes = randomBytes(3 * CHUNK);
    const second = await DiskDownload.open({ dir, relPath: 'a.bin', file: fileOf(bytes, { id: 'new' }) });
    expect(bitsOf(second.storedBits, 3)).toEqual([]);
    await put(second, bytes, [2, 0, 1], new ChunkSet(3));
    await second.finish();
    expect(sha(await readFile(path.join(dir, 'a.bin')))).toBe(sha(bytes));
  });

  it('fails a wrong file with HASH_MISMATCH and leaves nothing behind', async () => {
    const dir = await tempDir();
    const bytes = randomBytes(2 * CHUNK + 5);
    const download = await DiskDownload.open({
      dir,
      relPath: 'a.bin',
      file: fileOf(bytes, { sha256: sha(randomBytes(4)) }),
    });
    await put(download, bytes, [0, 1, 2], new ChunkSet(3));
    const error = await download.finish().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransferError);
    expect((error as TransferError).code).toBe('HASH_MISMATCH');
    expect(await readdir(dir)).toEqual([]);
  });

  it('never overwrites an existing file unless asked', async () => {
    const dir = await tempDir();
    const bytes = randomBytes(CHUNK + 1);
    await writeFile(path.join(dir, 'a.bin'), 'mine');
    const refused = await DiskDownload.open({ dir, relPath: 'a.bin', file: fileOf(bytes) }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DiskError);
    expect((refused as DiskError).code).toBe('TARGET_EXISTS');
    const replacing = await DiskDownload.open({ dir, relPath: 'a.bin', file: fileOf(bytes), overwrite: true });
    await put(replacing, bytes, [0, 1], new ChunkSet(2));
    await replacing.finish();
    expect(sha(await readFile(path.join(dir, 'a.bin')))).toBe(sha(bytes));
  });

  it('does not replace a file that appeared at the target while downloading', async () => {
    const dir = await tempDir();
    const bytes = randomBytes(CHUNK);
    const download = await DiskDownload.open({ dir, relPath: 'a.bin', file: fileOf(bytes) });
    await put(download, bytes, [0], new ChunkSet(1));
    await writeFile(path.join(dir, 'a.bin'), 'mine');
    const error = await download.finish().catch((e: unknown) => e);
    expect((error as TransferError).code).toBe('SAVE_FAILED');
    expect(((error as TransferError).cause as DiskError).code).toBe('TARGET_EXISTS');
    expect(await readFile(path.join(dir, 'a.bin'), 'utf8')).toBe('mine');
  });

  it('writes a zero-byte file', async () => {
    const dir = await tempDir();
    const download = await DiskDownload.open({ dir, relPath: 'empty.txt', file: fileOf(new Uint8Array(0)) });
    expect(download.storedBits).toHaveLength(0);
    await download.finish();
    expect((await readFile(path.join(dir, 'empty.txt'))).length).toBe(0);
    expect(await readdir(dir)).toEqual(['empty.txt']);
  });

  it('writes progress at most once per interval, the rest when the interval ends', async () => {
    const dir = await tempDir();
    const clock = manualClock();
    const bytes = randomBytes(4 * CHUNK);
    const file = fileOf(bytes);
    const download = await DiskDownload.open({ dir, relPath: 'a.bin', file, clock, progressIntervalMs: 1000 });
    const saved = async () => {
      const text = await readFile(path.join(dir, 'a.bin.ferry-part.json'), 'utf8');
      return bitsOf(Buffer.from((JSON.parse(text) as { have: string }).have, 'base64'), 4);
    };
    const have = new ChunkSet(4);
    clock.advance(1000);
    await put(download, bytes, [0], have);
    await put(download, bytes, [1, 2], have);
    expect(await saved()).toEqual([0]);
    clock.advance(1000);
    await download.close();
    expect(await saved()).toEqual([0, 1, 2]);
  });
});
