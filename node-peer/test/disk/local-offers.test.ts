import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkHashAt } from '../../src/disk/file-hashes';
import { collectLocal } from '../../src/disk/local-tree';
import { offersFor } from '../../src/disk/local-offers';
import { useTempDirs } from './support/temp-dir';

const tempDir = useTempDirs();
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();
const CHUNK = 1000;

function ids() {
  let next = 0;
  return () => `id-${next++}`;
}

describe('offersFor', () => {
  it('batches each folder, makes empty folders entries, and hashes each file and chunk', async () => {
    const root = await tempDir();
    const a = randomBytes(3 * CHUNK + 17);
    const b = randomBytes(CHUNK);
    const c = randomBytes(5);
    await mkdir(path.join(root, 'trip', 'sub'), { recursive: true });
    await mkdir(path.join(root, 'trip', 'empty'));
    await writeFile(path.join(root, 'trip', 'a.bin'), a);
    await writeFile(path.join(root, 'trip', 'sub', 'b.bin'), b);
    await writeFile(path.join(root, 'c.bin'), c);
    await writeFile(path.join(root, 'zero.bin'), '');
    const tree = await collectLocal(['trip', 'c.bin', 'zero.bin'].map((p) => path.join(root, p)));
    const progress: number[] = [];
    const { offers, sources, refused } = await offersFor(tree, {
      newId: ids(),
      chunkSize: CHUNK,
      onProgress: (done, total) => {
        expect(total).toBe(a.length + b.length + c.length);
        progress.push(done);
      },
    });
    expect(refused).toEqual([]);
    expect(progress.at(-1)).toBe(a.length + b.length + c.length);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));

    const byPath = (p: string) => offers.find((o) => (o.path ?? o.name) === p);
    const batch = byPath('trip/a.bin')?.batch;
    expect(batch).toEqual({ id: expect.any(String) as unknown, count: 3 });
    expect(byPath('trip/sub/b.bin')?.batch).toEqual(batch);
    expect(byPath('trip/empty')).toEqual({
      id: expect.any(String) as unknown,
      name: 'empty',
      size: 0,
      chunkSize: CHUNK,
      path: 'trip/empty',
      folder: true,
      batch,
    });
    expect(byPath('c.bin')?.batch).toBeUndefined();
    expect(byPath('c.bin')?.path).toBeUndefined();
    expect(sources.size).toBe(4);

    for (const [name, bytes] of [
      ['trip/a.bin', a],
      ['trip/sub/b.bin', b],
      ['c.bin', c],
      ['zero.bin', new Uint8Array(0)],
    ] as const) {
      const offer = byPath(name);
      const source = sources.get(offer?.id ?? '');
      expect(offer?.sha256).toBe(sha(bytes).toString('hex'));
      expect(source?.sha256).toBe(offer?.sha256);
      expect(offer?.size).toBe(bytes.length);
      const chunks = Math.ceil(bytes.length / CHUNK);
      expect(source?.chunkHashes.length).toBe(chunks * 32);
      for (let i = 0; i < chunks; i++) {
        const expected = sha(bytes.subarray(i * CHUNK, (i + 1) * CHUNK));
        expect(Buffer.from(chunkHashAt(source?.chunkHashes ?? new Uint8Array(), i))).toEqual(expected);
      }
    }
    const file = tree.files.find((f) => f.name === 'a.bin');
    expect(byPath('trip/a.bin')?.lastModified).toBe(Math.floor(file?.mtimeMs ?? -1));
  });

  it('refuses a file that changed after it was listed, and leaves it out of its batch count', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'trip'));
    await writeFile(path.join(root, 'trip', 'a.bin'), 'aaaa');
    await writeFile(path.join(root, 'trip', 'b.bin'), 'bbbb');
    const tree = await collectLocal([path.join(root, 'trip')]);
    await appendFile(path.join(root, 'trip', 'b.bin'), 'more');
    const { offers, sources, refused } = await offersFor(tree, { newId: ids(), chunkSize: CHUNK });
    expect(offers.map((o) => [o.path, o.batch?.count])).toEqual([['trip/a.bin', 1]]);
    expect([...sources.values()].map((s) => s.absPath)).toEqual([path.join(root, 'trip', 'a.bin')]);
    expect(refused).toEqual([{ path: 'trip/b.bin', reason: 'the file changed since it was listed' }]);
  });
});
