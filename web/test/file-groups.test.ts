import { describe, expect, it } from 'vitest';
import { groupFiles, type FolderNode } from '../src/files/file-groups';
import { countFiles, fileTypeLabel, formatBytes } from '../src/files/format';
import { emptyOutbox, type OutboxState } from '../src/files/outbox-machine';
import { offer, person, shared } from '@ferry/common/test/builders';

const clients = [person('h', 'Host', { isMaster: true }), person('me', 'Zed'), person('a', 'ann'), person('b', 'Bea')];

/** Each owner as [name, loose files, folders as [path, files, subfolders...]]. */
type Tree = [string, string[], ...Tree[]];
const treeOf = (node: FolderNode): Tree => [
  node.path,
  node.files.map((e) => `${e.kind}:${e.file.name}`),
  ...node.folders.map(treeOf),
];
const names = (groups: ReturnType<typeof groupFiles>) =>
  groups.map((g) => [g.ownerName, g.files.map((e) => `${e.kind}:${e.file.name}`), g.folders.map(treeOf)]);

const base = { clients, selfId: 'me', outbox: emptyOutbox, removing: new Set<string>() };

describe('groupFiles', () => {
  it("groups by owner (you, host, then by name) and each owner's files as a tree of folders", () => {
    const groups = groupFiles({
      ...base,
      files: [
        shared('1', 'b', 'b.txt'),
        shared('2', 'a', 'x.jpg', { path: 'photos/x.jpg' }),
        shared('3', 'a', 'a10.txt'),
        shared('4', 'a', 'a9.txt'),
        shared('5', 'a', 'y.jpg', { path: 'photos/2024/y.jpg' }),
        shared('6', 'h', 'host.pdf'),
        shared('7', 'me', 'mine.txt'),
        shared('8', 'a', 'w.jpg', { path: 'art/w.jpg' }),
        shared('9', 'a', 'z.jpg', { path: 'deep/only/sub/z.jpg' }),
      ],
    });
    expect(names(groups)).toEqual([
      ['Zed', ['shared:mine.txt'], []],
      ['Host', ['shared:host.pdf'], []],
      [
        'ann',
        ['shared:a9.txt', 'shared:a10.txt'],
        [
          ['art', ['shared:w.jpg']],
          ['deep', [], ['deep/only', [], ['deep/only/sub', ['shared:z.jpg']]]],
          ['photos', ['shared:x.jpg'], ['photos/2024', ['shared:y.jpg']]],
        ],
      ],
      ['Bea', ['shared:b.txt'], []],
    ]);
    expect(groups[0]?.isSelf).toBe(true);
    expect(groups[1]?.isHost).toBe(true);
    expect(groups[2]).toMatchObject({ fileCount: 6, totalBytes: 600 });
    // A folder counts everything below it.
    expect(groups[2]?.folders[2]).toMatchObject({ name: 'photos', counts: { shared: 2, sharedBytes: 200 } });
  });

  it('puts your sending, failed and rejected files in your group', () => {
    const outbox: OutboxState = {
      isConnected: true,
      requests: [
        {
          reqId: 'r1',
          offers: [offer('p1', 'pending.txt'), offer('7', 'already-answered.txt')],
          status: { kind: 'sending', tries: 1 },
        },
        { reqId: 'r2', offers: [offer('p2', 'held.txt')], status: { kind: 'held' } },
        { reqId: 'r3', offers: [offer('p3', 'gave-up.txt')], status: { kind: 'failed', message: 'no answer' } },
      ],
      // A recount the host refused names a file that stays listed: not a rejected row.
      rejected: [
        { offer: offer('p4', 'bad.txt'), reason: 'duplicate' },
        { offer: offer('7', 'mine.txt'), reason: 'old host' },
      ],
    };
    const groups = groupFiles({ ...base, outbox, removing: new Set(['7']), files: [shared('7', 'me', 'mine.txt')] });
    expect(groups).toHaveLength(1);
    const entries = groups[0]?.files ?? [];
    expect(entries.map((e) => e.kind + ':' + e.file.name)).toEqual([
      'rejected:bad.txt',
      'failed:gave-up.txt',
      'sending:held.txt',
      'shared:mine.txt',
      'sending:pending.txt',
    ]);
    expect(entries.find((e) => e.file.name === 'held.txt')).toMatchObject({ isHeld: true });
    expect(entries.find((e) => e.file.name === 'mine.txt')).toMatchObject({ isRemoving: true });
    expect(groups[0]?.counts).toMatchObject({ shared: 1, pending: 2, notShared: 2, removing: 1 });
  });

  it('counts your files still waiting to be sent in your header (issue 12, bug 2)', () => {
    // The host was away: one file listed, one held until the host is back. Two rows, two files.
    const outbox: OutboxState = {
      isConnected: true,
      requests: [{ reqId: 'r1', offers: [offer('p1', 'later.txt', { size: 16 })], status: { kind: 'held' } }],
      rejected: [],
    };
    const groups = groupFiles({
      ...base,
      outbox,
      preparing: [{ offer: offer('p2', 'hashing.bin', { size: 1000 }), bytesDone: 10 }],
      files: [shared('1', 'me', 'first.txt', { size: 16 })],
    });
    expect(groups[0]).toMatchObject({ fileCount: 3, totalBytes: 1032, counts: { shared: 1, pending: 2 } });
  });

  it('tells a folder still being added from a whole one, on every level, as everyone sees it', () => {
    const batch = (id: string, count: number) => ({ batch: { id, count } });
    const files = [
      shared('1', 'a', 'one', { path: 'trip/one', ...batch('t', 3) }),
      shared('2', 'a', 'two', { path: 'trip/day1/two', ...batch('t', 3) }),
      shared('3', 'a', 'x', { path: 'album/x', ...batch('al', 1) }),
      // Bob's batch of the same id is another batch.
      shared('4', 'b', 'y', { path: 'trip/y', ...batch('t', 1) }),
    ];
    const groups = groupFiles({ ...base, files });
    const ann = groups.find((g) => g.ownerId === 'a');
    const trip = ann?.folders.find((f) => f.name === 'trip');
    expect(trip?.missing).toEqual({ listed: 2, total: 3 });
    expect(trip?.folders[0]?.missing).toEqual({ listed: 2, total: 3 });
    expect(ann?.folders.find((f) => f.name === 'album')?.missing).toBeNull();
    expect(groups.find((g) => g.ownerId === 'b')?.folders[0]?.missing).toBeNull();

    // The last file arrives, or the owner lowers the count (a recount on one file): whole.
    const whole = groupFiles({
      ...base,
      files: [...files, shared('5', 'a', 'three', { path: 'trip/three', ...batch('t', 3) })],
    });
    expect(whole.find((g) => g.ownerId === 'a')?.folders.find((f) => f.name === 'trip')?.missing).toBeNull();
    const recounted = groupFiles({ ...base, files: files.map((f) => (f.id === '2' ? { ...f, ...batch('t', 2) } : f)) });
    expect(recounted.find((g) => g.ownerId === 'a')?.folders.find((f) => f.name === 'trip')?.missing).toBeNull();
  });

  it('shows an empty folder as a folder with nothing in it, counted apart from files, removed with its folder', () => {
    const inTrip = { batch: { id: 't', count: 3 } };
    const files = [
      shared('1', 'a', 'one', { path: 'trip/one', size: 10, ...inTrip }),
      shared('2', 'a', 'empty', { path: 'trip/empty', size: 0, folder: true, ...inTrip }),
      shared('3', 'a', 'raw', { path: 'trip/day1/raw', size: 0, folder: true, ...inTrip }),
    ];
    const [ann] = groupFiles({ ...base, files, removing: new Set(['2']) });
    const trip = ann?.folders[0];
    expect(trip && treeOf(trip)).toEqual([
      'trip',
      ['shared:one'],
      ['trip/day1', [], ['trip/day1/raw', []]],
      ['trip/empty', []],
    ]);
    expect(trip?.counts).toMatchObject({ shared: 1, sharedBytes: 10, emptyFolders: 2, removing: 1 });
    expect(ann?.fileCount).toBe(1);
    // The folder's batch counts its empty folders: all three are listed, so it is whole.
    expect(trip?.missing).toBeNull();
    expect(groupFiles({ ...base, files: files.slice(0, 2) })[0]?.folders[0]?.missing).toEqual({ listed: 2, total: 3 });
  });

  it('names owners it does not know', () => {
    const groups = groupFiles({ ...base, clients: [], selfId: null, files: [shared('1', 'gone', 'a')] });
    expect(groups[0]?.ownerName).toBe('Someone who left');
  });

  it('groups 10,000 files of one folder in one pass', () => {
    const files = Array.from({ length: 10_000 }, (_, i) =>
      shared(`f${i}`, 'a', `file-${i}.bin`, {
        path: `big/part-${i % 10}/file-${i}.bin`,
        batch: { id: 'big', count: 10_000 },
      }),
    );
    const [group] = groupFiles({ ...base, files });
    expect(group?.folders).toHaveLength(1);
    expect(group?.folders[0]).toMatchObject({ name: 'big', counts: { shared: 10_000 }, missing: null });
    expect(group?.folders[0]?.folders.map((f) => [f.name, f.files.length])).toEqual(
      Array.from({ length: 10 }, (_, i) => [`part-${i}`, 1_000]),
    );
  });
});

describe('formatting', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024 * 1024, '10 MiB'],
    [1024 * 1024 - 1, '1 MiB'],
    [3.25 * 1024 ** 3, '3.3 GiB'],
    [5 * 1024 ** 4, '5 TiB'],
    // Issue 12, bug 6: 200 MiB is 209,715,200 bytes; "200 MB" would be 200,000,000.
    [200 * 1024 ** 2, '200 MiB'],
  ])('formatBytes(%d) = %s', (size, text) => {
    expect(formatBytes(size)).toBe(text);
  });

  it.each([
    ['report.pdf', undefined, 'PDF'],
    ['photo.JPG', 'image/jpeg', 'JPG'],
    ['README', 'text/plain', 'Text'],
    ['.bashrc', undefined, 'File'],
    ['archive.tar.gz', undefined, 'GZ'],
    ['weird.ext<img>', 'application/x', 'File'],
  ])('fileTypeLabel(%s, %s) = %s', (name, mime, label) => {
    expect(fileTypeLabel(name, mime)).toBe(label);
  });

  it('counts files', () => {
    expect(countFiles(1)).toBe('1 file');
    expect(countFiles(0)).toBe('0 files');
  });
});
