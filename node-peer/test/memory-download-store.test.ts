import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryDownloadStore } from '../src/memory-download-store';

const CHUNK = 1000;
const content = randomBytes(5 * CHUNK + 17);
const chunkAt = (i: number) => content.subarray(i * CHUNK, Math.min(content.length, (i + 1) * CHUNK));
const wholeSha = createHash('sha256').update(content).digest('hex');

describe('MemoryDownloadStore', () => {
  it('gives the whole file SHA-256 whatever order the chunks came in', async () => {
    for (const order of [
      [0, 1, 2, 3, 4, 5],
      [5, 4, 3, 2, 1, 0],
      [1, 0, 3, 5, 2, 4],
    ]) {
      const store = new MemoryDownloadStore(6);
      for (const i of order) await store.putChunk(i, chunkAt(i));
      expect(store.digestHex()).toBe(wholeSha);
      // Asked again (the engine may finish twice), the same answer.
      expect(store.digestHex()).toBe(wholeSha);
      const ordered = store.ordered();
      expect(Array.isArray(ordered) && Buffer.concat(ordered).equals(content)).toBe(true);
    }
  });

  it('names the first missing chunk, and has no digest until it arrives', async () => {
    const store = new MemoryDownloadStore(6);
    for (const i of [0, 1, 3, 4, 5]) await store.putChunk(i, chunkAt(i));
    expect(store.ordered()).toBe(2);
    expect(store.digestHex()).toBeNull();
    await store.putChunk(2, chunkAt(2));
    expect(store.digestHex()).toBe(wholeSha);
  });

  it('starts over after clear', async () => {
    const store = new MemoryDownloadStore(6);
    await store.putChunk(0, new Uint8Array(CHUNK));
    await store.clear();
    for (let i = 0; i < 6; i++) await store.putChunk(i, chunkAt(i));
    expect(store.digestHex()).toBe(wholeSha);
  });
});
