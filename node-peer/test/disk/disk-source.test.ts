import { randomBytes } from 'node:crypto';
import { appendFile, open, rename, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskSource, type SourceChange } from '../../src/disk/disk-source';
import { collectLocal } from '../../src/disk/local-tree';
import { offersFor, type SharedSource } from '../../src/disk/local-offers';
import { manualClock } from './support/manual-clock';
import { useTempDirs } from './support/temp-dir';

const tempDir = useTempDirs();
const CHUNK = 4096;

/** A whole second, so that setting it again keeps mtimeMs exactly. */
const MTIME_S = 1_700_000_000;

async function shared(bytes: Uint8Array, name = 'big.bin'): Promise<{ source: SharedSource; absPath: string }> {
  const dir = await tempDir();
  const absPath = path.join(dir, name);
  await writeFile(absPath, bytes);
  await utimes(absPath, MTIME_S, MTIME_S);
  const { sources } = await offersFor(await collectLocal([absPath]), { newId: () => 'f1', chunkSize: CHUNK });
  const source = sources.get('f1');
  if (!source) throw new Error('not offered');
  return { source, absPath };
}

function watching() {
  const changes: [string, SourceChange][] = [];
  return { changes, onChanged: (fileId: string, change: SourceChange) => changes.push([fileId, change]) };
}

describe('DiskSource', () => {
  it('reads exactly each chunk of a multi-chunk file, the last one short', async () => {
    const bytes = randomBytes(5 * CHUNK + 123);
    const { source } = await shared(bytes);
    const disk = new DiskSource([source]);
    // Out of order and concurrently, as several askers would.
    const reads = await Promise.all([5, 0, 3, 1, 4, 2].map(async (i) => [i, await disk.readChunk('f1', i)] as const));
    for (const [i, got] of reads)
      expect(Buffer.from(got as Uint8Array)).toEqual(bytes.subarray(i * CHUNK, (i + 1) * CHUNK));
    expect((await disk.readChunk('f1', 5)) as Uint8Array).toHaveLength(123);
    expect(await disk.readChunk('f1', 6)).toBe('gone');
    expect(await disk.readChunk('unknown', 0)).toBe('gone');
    expect(disk.openFiles).toBe(1);
    await disk.close();
    expect(disk.openFiles).toBe(0);
    expect(await disk.readChunk('f1', 0)).toBe('gone');
  });

  it.each([
    ['appended to', (p: string) => appendFile(p, 'more'), 'modified'],
    ['touched', (p: string) => utimes(p, new Date(), new Date(Date.now() + 60_000)), 'modified'],
    ['deleted', (p: string) => rm(p), 'deleted'],
    [
      'replaced by another file',
      (p: string) => writeFile(`${p}.new`, 'x').then(() => rename(`${p}.new`, p)),
      'replaced',
    ],
  ] as const)('answers gone for a file %s after it was offered, telling once', async (_what, change, expected) => {
    const bytes = randomBytes(3 * CHUNK);
    const { source, absPath } = await shared(bytes);
    const { changes, onChanged } = watching();
    const disk = new DiskSource([source], { onChanged });
    expect(await disk.readChunk('f1', 0)).toBeInstanceOf(Uint8Array);
    await change(absPath);
    expect(await disk.readChunk('f1', 1)).toBe('gone');
    expect(await disk.readChunk('f1', 2)).toBe('gone');
    expect(changes).toEqual([['f1', expected]]);
    expect(disk.has('f1')).toBe(false);
    await disk.close();
  });

  it('catches bytes rewritten in place with the size and mtime kept', async () => {
    const bytes = randomBytes(2 * CHUNK);
    const { source, absPath } = await shared(bytes);
    const { changes, onChanged } = watching();
    const disk = new DiskSource([source], { onChanged });
    const tampered = Buffer.from(bytes);
    tampered[CHUNK + 7] = (tampered[CHUNK + 7] ?? 0) ^ 0xff;
    const handle = await open(absPath, 'r+');
    await handle.write(tampered, CHUNK, CHUNK, CHUNK);
    await handle.close();
    await utimes(absPath, MTIME_S, MTIME_S);
    expect(await disk.readChunk('f1', 0)).toBeInstanceOf(Uint8Array);
    expect(await disk.readChunk('f1', 1)).toBe('gone');
    expect(changes).toEqual([['f1', 'modified']]);
    await disk.close();
  });

  it('closes files left idle, and keeps at most maxOpenFiles open', async () => {
    const clock = manualClock();
    const files = await Promise.all([0, 1, 2].map((i) => shared(randomBytes(CHUNK), `f${i}.bin`)));
    const sources = files.map(({ source }, i) => ({ ...source, fileId: `f${i}` }));
    const disk = new DiskSource(sources, { clock, idleCloseMs: 1000, maxOpenFiles: 2 });
    for (const id of ['f0', 'f1', 'f2']) expect(await disk.readChunk(id, 0)).toBeInstanceOf(Uint8Array);
    expect(disk.openFiles).toBe(2);
    clock.advance(999);
    expect(disk.openFiles).toBe(2);
    clock.advance(1);
    expect(disk.openFiles).toBe(0);
    // Reopened on demand.
    expect(await disk.readChunk('f0', 0)).toBeInstanceOf(Uint8Array);
    expect(disk.openFiles).toBe(1);
    await disk.close();
  });
});
