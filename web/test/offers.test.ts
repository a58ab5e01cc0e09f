import { limits } from '@ferry/common';
import { describe, expect, it } from 'vitest';
import {
  collectDropped,
  type DirectoryEntryLike,
  type EntryLike,
  type FileEntryLike,
} from '../src/files/dropped-entries';
import { prepareOffers } from '../src/files/offers';
import { fakeFile, sequentialIds } from './fakes';

describe('prepareOffers', () => {
  it('gives each file an id, the default chunk size and its folder path', () => {
    const { batches, refused, blobs } = prepareOffers(
      [{ file: fakeFile('a.txt', 3, 'text/plain') }, { file: fakeFile('b.jpg', 5), path: 'photos/b.jpg' }],
      sequentialIds('f'),
    );
    expect(refused).toEqual([]);
    expect(batches).toEqual([
      [
        {
          id: 'f-1',
          name: 'a.txt',
          size: 3,
          chunkSize: limits.DEFAULT_CHUNK_BYTES,
          mime: 'text/plain',
          lastModified: 1_700_000_000_000,
        },
        {
          id: 'f-2',
          name: 'b.jpg',
          size: 5,
          chunkSize: limits.DEFAULT_CHUNK_BYTES,
          lastModified: 1_700_000_000_000,
          path: 'photos/b.jpg',
          batch: { id: 'f-3', count: 1 },
        },
      ],
    ]);
    expect([...blobs.keys()]).toEqual(['f-1', 'f-2']);
  });

  it('makes each folder one batch of the files it offers, so others can tell when it is all there', () => {
    const { batches, refused } = prepareOffers(
      [
        { file: fakeFile('a', 1), path: 'trip/a' },
        { file: fakeFile('b', 1), path: 'trip/day1/b' },
        { file: fakeFile('x'.repeat(300), 1), path: `trip/${'x'.repeat(300)}` },
        { file: fakeFile('c', 1), path: 'album/c' },
        { file: fakeFile('loose', 1) },
      ],
      sequentialIds('f'),
    );
    expect(refused.map((r) => r.offer.name.length)).toEqual([300]);
    const offers = batches.flat();
    const batchOf = (name: string) => offers.find((o) => o.name === name)?.batch;
    // The file no message can carry is not counted: the batch is whole with the two others.
    expect(batchOf('a')).toEqual({ id: 'f-6', count: 2 });
    expect(batchOf('b')).toEqual({ id: 'f-6', count: 2 });
    expect(batchOf('c')).toEqual({ id: 'f-7', count: 1 });
    expect(batchOf('loose')).toBeUndefined();
  });

  it("offers a drop's empty folders as folder entries of their folders' batches, with nothing to hash", () => {
    const { batches, folders, refused, blobs } = prepareOffers(
      [{ file: fakeFile('a', 1), path: 'trip/a' }],
      sequentialIds('f'),
      undefined,
      ['trip/empty', 'blank', 'trip/bad\u200b'],
    );
    expect(refused.map((r) => r.reason)).toEqual(['name has invisible formatting characters']);
    expect(folders).toEqual([
      {
        id: 'f-1',
        name: 'empty',
        size: 0,
        chunkSize: limits.DEFAULT_CHUNK_BYTES,
        path: 'trip/empty',
        folder: true,
        batch: { id: 'f-5', count: 2 },
      },
      {
        id: 'f-2',
        name: 'blank',
        size: 0,
        chunkSize: limits.DEFAULT_CHUNK_BYTES,
        path: 'blank',
        folder: true,
        batch: { id: 'f-6', count: 1 },
      },
    ]);
    // The folder's file counts its empty folder in the batch: the room waits for both.
    expect(batches.flat().map((o) => [o.path, o.batch])).toEqual([['trip/a', { id: 'f-5', count: 2 }]]);
    expect([...blobs.keys()]).toEqual(['f-4']);
  });

  it('splits large picks into messages the protocol accepts', () => {
    const picked = Array.from({ length: limits.MAX_FILES_PER_MESSAGE + 3 }, (_, i) => ({ file: fakeFile(`f${i}`, 0) }));
    const { batches } = prepareOffers(picked, sequentialIds());
    expect(batches.map((b) => b.length)).toEqual([limits.MAX_FILES_PER_MESSAGE, 3]);
  });

  it('refuses locally what no message could carry', () => {
    const { batches, refused, blobs } = prepareOffers([{ file: fakeFile('x'.repeat(300), 1) }], sequentialIds());
    expect(batches).toEqual([]);
    expect(refused.map((r) => r.reason)).toEqual(['name is longer than 255 characters']);
    expect(blobs.size).toBe(0);
  });

  it("refuses locally a name the wire's text rules refuse, and leaves out a type it would not carry", () => {
    const odd = fakeFile('ok.txt', 1, 'text/plain; charset=utf-8');
    const { batches, refused } = prepareOffers(
      [{ file: fakeFile('a\ud800.txt', 1) }, { file: fakeFile('b\u200b.txt', 1) }, { file: odd }],
      sequentialIds(),
    );
    expect(refused.map((r) => r.reason)).toEqual([
      'name has a broken character (a lone surrogate)',
      'name has invisible formatting characters',
    ]);
    expect(batches.flat()).toHaveLength(1);
    expect(batches[0]?.[0]?.mime).toBeUndefined();
  });
});

function fileEntry(fullPath: string): FileEntryLike {
  const name = fullPath.split('/').at(-1) ?? '';
  return { isFile: true, isDirectory: false, name, fullPath, file: (ok) => ok(fakeFile(name, 1) as File) };
}

function dirEntry(fullPath: string, children: EntryLike[], pageSize = 2): DirectoryEntryLike {
  return {
    isFile: false,
    isDirectory: true,
    name: fullPath.split('/').at(-1) ?? '',
    fullPath,
    createReader() {
      let offset = 0;
      return {
        readEntries(ok) {
          const page = children.slice(offset, offset + pageSize);
          offset += page.length;
          ok(page);
        },
      };
    },
  };
}

describe('collectDropped', () => {
  it('walks dropped folders page by page and keeps folder-relative paths', async () => {
    const { files: picked, emptyFolders } = await collectDropped([
      fileEntry('/loose.txt'),
      dirEntry('/photos', [
        fileEntry('/photos/a.jpg'),
        fileEntry('/photos/b.jpg'),
        dirEntry('/photos/2024', [fileEntry('/photos/2024/c.jpg')]),
      ]),
    ]);
    expect(emptyFolders).toEqual([]);
    expect(picked.map((p) => [p.file.name, p.path])).toEqual([
      ['loose.txt', undefined],
      ['a.jpg', 'photos/a.jpg'],
      ['b.jpg', 'photos/b.jpg'],
      ['c.jpg', 'photos/2024/c.jpg'],
    ]);
  });

  it('stops at the file limit', async () => {
    const many = Array.from({ length: 10 }, (_, i) => fileEntry(`/d/${i}`));
    const { files } = await collectDropped([dirEntry('/d', many, 3)], 4);
    expect(files).toHaveLength(4);
  });

  it('keeps the empty folders of a dropped folder, nested or dropped alone', async () => {
    const dropped = await collectDropped([
      dirEntry('/trip', [
        fileEntry('/trip/a.jpg'),
        dirEntry('/trip/empty', []),
        dirEntry('/trip/day1', [dirEntry('/trip/day1/raw', [])]),
      ]),
      dirEntry('/blank', []),
    ]);
    expect(dropped.files.map((p) => p.path)).toEqual(['trip/a.jpg']);
    // A folder holding only an empty folder is not empty itself: the inner one carries its path.
    expect(dropped.emptyFolders).toEqual(['trip/empty', 'trip/day1/raw', 'blank']);
  });

  it('counts empty folders towards the limit', async () => {
    const empties = Array.from({ length: 10 }, (_, i) => dirEntry(`/d/${i}`, []));
    const { emptyFolders } = await collectDropped([dirEntry('/d', empties)], 4);
    expect(emptyFolders).toHaveLength(4);
  });
});
