import { describe, expect, it } from 'vitest';
import { groupFiles } from '../src/files/file-groups';
import { countFiles, fileTypeLabel, formatBytes } from '../src/files/format';
import { emptyOutbox, type OutboxState } from '../src/files/outbox-machine';
import { offer, person, shared } from '@ferry/common/test/builders';

const clients = [person('h', 'Host', { isMaster: true }), person('me', 'Zed'), person('a', 'ann'), person('b', 'Bea')];

const names = (groups: ReturnType<typeof groupFiles>) =>
  groups.map((g) => [g.ownerName, g.folders.map((f) => [f.folder, f.entries.map((e) => `${e.kind}:${e.file.name}`)])]);

describe('groupFiles', () => {
  it('groups by owner (you, host, then by name) and by folder (loose first)', () => {
    const groups = groupFiles({
      clients,
      selfId: 'me',
      outbox: emptyOutbox,
      removing: new Set(),
      files: [
        shared('1', 'b', 'b.txt'),
        shared('2', 'a', 'x.jpg', { path: 'photos/x.jpg' }),
        shared('3', 'a', 'a10.txt'),
        shared('4', 'a', 'a9.txt'),
        shared('5', 'a', 'y.jpg', { path: 'photos/2024/y.jpg' }),
        shared('6', 'h', 'host.pdf'),
        shared('7', 'me', 'mine.txt'),
        shared('8', 'a', 'w.jpg', { path: 'art/w.jpg' }),
      ],
    });
    expect(names(groups)).toEqual([
      ['Zed', [['', ['shared:mine.txt']]]],
      ['Host', [['', ['shared:host.pdf']]]],
      [
        'ann',
        [
          ['', ['shared:a9.txt', 'shared:a10.txt']],
          ['art', ['shared:w.jpg']],
          ['photos', ['shared:x.jpg']],
          ['photos/2024', ['shared:y.jpg']],
        ],
      ],
      ['Bea', [['', ['shared:b.txt']]]],
    ]);
    expect(groups[0]?.isSelf).toBe(true);
    expect(groups[1]?.isHost).toBe(true);
    expect(groups[2]).toMatchObject({ fileCount: 5, totalBytes: 500 });
  });

  it('puts your sending, failed and rejected files in your group, not counted as shared', () => {
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
      rejected: [{ offer: offer('p4', 'bad.txt'), reason: 'duplicate' }],
    };
    const groups = groupFiles({
      clients,
      selfId: 'me',
      outbox,
      removing: new Set(['7']),
      files: [shared('7', 'me', 'mine.txt')],
    });
    expect(groups).toHaveLength(1);
    const entries = groups[0]?.folders[0]?.entries ?? [];
    expect(entries.map((e) => e.kind + ':' + e.file.name)).toEqual([
      'rejected:bad.txt',
      'failed:gave-up.txt',
      'sending:held.txt',
      'shared:mine.txt',
      'sending:pending.txt',
    ]);
    expect(entries.find((e) => e.file.name === 'held.txt')).toMatchObject({ isHeld: true });
    expect(entries.find((e) => e.file.name === 'mine.txt')).toMatchObject({ isRemoving: true });
    expect(groups[0]).toMatchObject({ fileCount: 1, totalBytes: 100 });
  });

  it('names owners it does not know', () => {
    const groups = groupFiles({
      clients: [],
      selfId: null,
      outbox: emptyOutbox,
      removing: new Set(),
      files: [shared('1', 'gone', 'a')],
    });
    expect(groups[0]?.ownerName).toBe('Someone who left');
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
