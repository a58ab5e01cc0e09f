import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newItem } from '@ferry/web/transfers/download-job';
import { JobSaving } from '@ferry/web/transfers/job-saving';
import { RunningHash } from '@ferry/web/transfers/running-hash';
import { ChunkStorage } from '@ferry/web/transfers/transfer-storage';
import { CHUNK, CountingKv, makeFile } from './download-harness';
import { RecordingLogger } from '@ferry/web/test/fakes';
import { FakeSaver, nodeHasher, sha256Hex } from '@ferry/web/test/transfer-fakes';

/*
 * The whole-file hash fed while chunks are stored, and the check at the end that finishes it:
 * whatever order chunks come in, the digest is the file's, and bytes hashed during the download
 * are not read back at the end.
 */

const TRANSFER = 't1';

function setup(chunks: number, maxAheadBytes?: number, extra = 0) {
  const bytes = randomBytes(chunks * CHUNK - extra);
  const file = makeFile('f1', bytes);
  const kv = new CountingKv();
  const storage = new ChunkStorage(kv);
  const item = newItem(file, TRANSFER);
  const saving = new JobSaving({
    chunks: storage,
    createHasher: nodeHasher,
    saver: new FakeSaver(),
    logger: new RecordingLogger(),
  });
  const readChunk = async (index: number) => {
    const blob = await storage.get(TRANSFER, index);
    return blob ? new Uint8Array(await blob.arrayBuffer()) : undefined;
  };
  const running = (stored: number[] = []) =>
    new RunningHash(
      chunks,
      { createHasher: nodeHasher, readChunk, ...(maxAheadBytes === undefined ? {} : { maxAheadBytes }) },
      stored,
    );
  const chunk = (index: number) => bytes.subarray(index * CHUNK, (index + 1) * CHUNK);
  /** Stores a chunk as the download manager does: put, then fed to the hash. */
  const store = async (hash: RunningHash | null, index: number) => {
    await storage.put(TRANSFER, index, chunk(index));
    hash?.add(index, chunk(index));
  };
  const joined = async (parts: Blob[]) => new Uint8Array(await new Blob(parts).arrayBuffer());
  return { bytes, file, kv, storage, item, saving, running, store, joined };
}

/** A fixed shuffle (no randomness in which order is tested). */
const scrambled = (count: number) => Array.from({ length: count }, (_, i) => (i * 7 + 3) % count);

describe('running whole-file hash', () => {
  it('hashes chunks stored in order as they come, and the check reads no bytes back', async () => {
    const t = setup(9, undefined, 5);
    const hash = t.running();
    for (let index = 0; index < 9; index++) await t.store(hash, index);
    const hashed = await hash.take();
    expect(hashed?.nextIndex).toBe(9);
    const parts = await t.saving.verify(t.item, hashed);
    expect(t.kv.byteReads).toBe(0);
    expect(sha256Hex(await t.joined(parts))).toBe(t.file.sha256);
  });

  it('hashes chunks stored out of order, holding early ones in memory', async () => {
    const t = setup(11);
    const hash = t.running();
    for (const index of scrambled(11)) await t.store(hash, index);
    const hashed = await hash.take();
    expect(hashed?.nextIndex).toBe(11);
    expect(t.kv.byteReads).toBe(0);
    const parts = await t.saving.verify(t.item, hashed);
    expect(t.kv.byteReads).toBe(0);
    expect(sha256Hex(await t.joined(parts))).toBe(t.file.sha256);
  });

  it('reads back from storage the early chunks over its memory budget, each once', async () => {
    const t = setup(11, 2 * CHUNK);
    const hash = t.running();
    for (const index of [...scrambled(11)].reverse()) await t.store(hash, index);
    const hashed = await hash.take();
    expect(hashed?.nextIndex).toBe(11);
    const readsWhileDownloading = t.kv.byteReads;
    // Two chunks fit in memory, the one at the expected index is hashed at once: the rest are read.
    expect(readsWhileDownloading).toBeGreaterThan(0);
    expect(readsWhileDownloading).toBeLessThanOrEqual(11 - 2);
    const parts = await t.saving.verify(t.item, hashed);
    expect(t.kv.byteReads).toBe(readsWhileDownloading);
    expect(sha256Hex(await t.joined(parts))).toBe(t.file.sha256);
  });

  it('picks up a resumed download by reading the chunks stored before the reload', async () => {
    const t = setup(8, undefined, 100);
    for (const index of [0, 1, 2, 5]) await t.store(null, index);
    const hash = t.running([0, 1, 2, 5]);
    for (const index of [4, 3, 7, 6]) await t.store(hash, index);
    const hashed = await hash.take();
    expect(hashed?.nextIndex).toBe(8);
    expect(t.kv.byteReads).toBe(4);
    const parts = await t.saving.verify(t.item, hashed);
    expect(t.kv.byteReads).toBe(4);
    expect(sha256Hex(await t.joined(parts))).toBe(t.file.sha256);
  });

  it('reads back only the remainder when the hash stopped short', async () => {
    const t = setup(6);
    const hash = t.running();
    for (const index of [0, 1, 2, 4, 5]) await t.store(hash, index);
    await t.store(null, 3); // stored, but never fed (as after a reload)
    const hashed = await hash.take();
    expect(hashed?.nextIndex).toBe(3);
    const parts = await t.saving.verify(t.item, hashed);
    expect(t.kv.byteReads).toBe(3);
    expect(sha256Hex(await t.joined(parts))).toBe(t.file.sha256);
  });

  it('gives up (and the check reads everything back) when a chunk is stored twice', async () => {
    const t = setup(4);
    const hash = t.running();
    for (const index of [0, 1, 1, 2, 3]) await t.store(hash, index);
    expect(await hash.take()).toBeNull();
    const parts = await t.saving.verify(t.item, null);
    expect(t.kv.byteReads).toBe(4);
    expect(sha256Hex(await t.joined(parts))).toBe(t.file.sha256);
  });

  it('gives up when a chunk it must read back is missing, and the check then says so', async () => {
    const t = setup(4, 0);
    const hash = t.running([2]);
    for (const index of [0, 1, 3]) await t.store(hash, index);
    expect(await hash.take()).toBeNull();
    await expect(t.saving.verify(t.item, null)).rejects.toMatchObject({
      code: 'CHUNK_MISSING',
      detail: { chunkIndex: 2 },
    });
  });

  it('hands its state over once', async () => {
    const t = setup(2);
    const hash = t.running();
    for (const index of [0, 1]) await t.store(hash, index);
    expect(await hash.take()).not.toBeNull();
    expect(await hash.take()).toBeNull();
  });

  it('still refuses a file whose whole-file SHA-256 is wrong, and deletes its chunks', async () => {
    const t = setup(5);
    const item = newItem({ ...t.file, sha256: sha256Hex(randomBytes(8)) }, TRANSFER);
    const hash = t.running();
    for (const index of scrambled(5)) await t.store(hash, index);
    const hashed = await hash.take();
    expect(hashed?.nextIndex).toBe(5);
    await expect(t.saving.verify(item, hashed)).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
    expect(t.kv.data.size).toBe(0);
  });
});
