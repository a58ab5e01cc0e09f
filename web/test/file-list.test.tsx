// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import type { FileInfo } from '@ferry/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { groupFiles, type GroupInput } from '../src/files/file-groups';
import { emptyOutbox } from '../src/files/outbox-machine';
import { FileList } from '../src/ui/file-list';
import { offer, person, shared } from '@ferry/common/test/builders';

afterEach(cleanup);

const clients = [person('me', 'Me'), person('ann', 'Ann')];

function actions() {
  return {
    removeFile: vi.fn(),
    dismissRejected: vi.fn(),
    downloadFile: vi.fn(),
    downloadFolder: vi.fn(),
    removeFolder: vi.fn(),
    stopSharingAll: vi.fn(),
  };
}

function renderList(files: FileInfo[], extra: Partial<GroupInput> & { busy?: string[] } = {}) {
  const spy = actions();
  const groups = groupFiles({ clients, selfId: 'me', outbox: emptyOutbox, removing: new Set(), files, ...extra });
  render(<FileList groups={groups} actions={spy} busyFileIds={new Set(extra.busy ?? [])} />);
  return spy;
}

const button = (name: string) => screen.getByRole<HTMLButtonElement>('button', { name });
const folderToggle = (name: string) => screen.getByRole<HTMLButtonElement>('button', { name, expanded: false });
const open = (name: string) => fireEvent.click(folderToggle(name));
const row = (name: string) => screen.getByText(name).closest('li');

describe('the file list', () => {
  const files = [
    shared('f1', 'ann', 'loose.txt'),
    shared('f2', 'ann', 'a.txt', { path: 'trip/a.txt' }),
    shared('f3', 'ann', 'b.txt', { path: 'trip/day1/b.txt' }),
    shared('m1', 'me', 'mine.txt'),
    shared('m2', 'me', 'lost.txt'),
  ];

  it("offers Download on others' files and folders, never on your own", () => {
    const spy = renderList(files);
    fireEvent.click(button('Download loose.txt'));
    fireEvent.click(button('Download folder trip'));
    open('trip');
    fireEvent.click(button('Download folder trip/day1'));
    expect(spy.downloadFile).toHaveBeenCalledWith('f1');
    expect(spy.downloadFolder.mock.calls).toEqual([
      ['ann', 'trip'],
      ['ann', 'trip/day1'],
    ]);
    expect(screen.queryByRole('button', { name: 'Download mine.txt' })).toBeNull();
    expect(button('Remove mine.txt')).toBeTruthy();
  });

  it('shows a folder collapsed, with its count and size, and opens it with its disclosure button', () => {
    renderList(files);
    const toggle = folderToggle('trip');
    expect(toggle.tagName).toBe('BUTTON');
    expect(toggle.getAttribute('aria-controls')).toBeNull();
    expect(row('trip')?.textContent).toContain('2 files · 200 B');
    expect(screen.queryByText('a.txt')).toBeNull();

    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const controlled = document.getElementById(toggle.getAttribute('aria-controls') ?? '');
    expect(controlled?.textContent).toContain('a.txt');
    expect(folderToggle('day1')).toBeTruthy();
    expect(screen.queryByText('b.txt')).toBeNull();

    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByText('a.txt')).toBeNull();
  });

  it('offers a folder that holds only subfolders too', () => {
    const spy = renderList([
      shared('a1', 'ann', 'one.bin', { path: 'album/disc1/one.bin' }),
      shared('a2', 'ann', 'two.bin', { path: 'album/disc2/two.bin' }),
    ]);
    open('album');
    expect(
      screen.getAllByRole('button', { name: /^Download folder/ }).map((b) => b.getAttribute('aria-label')),
    ).toEqual(['Download folder album', 'Download folder album/disc1', 'Download folder album/disc2']);
    fireEvent.click(button('Download folder album'));
    expect(spy.downloadFolder).toHaveBeenCalledWith('ann', 'album');
  });

  it('waits on a file already downloading', () => {
    renderList(files, { busy: ['f1'] });
    open('trip');
    expect(button('Download loose.txt').disabled).toBe(true);
    expect(button('Download a.txt').disabled).toBe(false);
  });

  it('asks to pick again your files this tab lost, and shows files being prepared', () => {
    renderList(files, {
      needsRepick: new Set(['m2']),
      preparing: [{ offer: offer('p1', 'big.iso', { size: 1000 }), bytesDone: 420 }],
    });
    expect(row('lost.txt')?.textContent).toContain('Pick again to share');
    expect(row('mine.txt')?.textContent).not.toContain('Pick again');
    expect(row('big.iso')?.textContent).toContain('Preparing 42%');
    expect(screen.queryByRole('button', { name: 'Download big.iso' })).toBeNull();
  });
});

describe('a folder still being added (issue 12)', () => {
  const batch = { id: 'b', count: 400 };
  const partial = Array.from({ length: 153 }, (_, i) =>
    shared(`f${i}`, 'ann', `${i}.bin`, { path: `many/${i}.bin`, size: 10, batch }),
  );

  it('shows others how much of it is listed, and cannot be downloaded until all of it is', () => {
    const spy = renderList(partial);
    expect(row('many')?.textContent).toContain('Being added (153 of 400)');
    const download = button('Download folder many');
    expect(download.disabled).toBe(true);
    fireEvent.click(download);
    expect(spy.downloadFolder).not.toHaveBeenCalled();

    cleanup();
    const whole = Array.from({ length: 400 }, (_, i) =>
      shared(`f${i}`, 'ann', `${i}.bin`, { path: `many/${i}.bin`, size: 10, batch }),
    );
    renderList(whole);
    expect(row('many')?.textContent).not.toContain('Being added');
    expect(button('Download folder many').disabled).toBe(false);
  });

  it("shows its owner what is still on the way, and counts it in the owner's line", () => {
    const mine = partial.slice(0, 2).map((f) => ({ ...f, owner: 'me', batch: { id: 'b', count: 3 } }));
    renderList(mine, {
      outbox: {
        isConnected: true,
        requests: [
          {
            reqId: 'r',
            offers: [offer('p', 'last.bin', { path: 'many/last.bin', size: 10 })],
            status: { kind: 'held' },
          },
        ],
        rejected: [],
      },
    });
    expect(row('many')?.textContent).toContain('Being added (2 of 3)');
    expect(row('many')?.textContent).toContain('3 files · 30 B');
    expect(screen.getByRole('heading', { name: /^Me/ }).textContent).toContain('3 files · 30 B · 1 being added');
  });
});

describe('your own folders and files', () => {
  const mine = [
    shared('m1', 'me', 'a.txt', { path: 'trip/a.txt' }),
    shared('m2', 'me', 'b.txt', { path: 'trip/b.txt' }),
    shared('m3', 'me', 'notes.txt'),
  ];

  it('removes a whole folder of yours, and never offers to remove others', () => {
    const spy = renderList([...mine, shared('f1', 'ann', 'x', { path: 'theirs/x' })]);
    fireEvent.click(button('Remove folder trip'));
    expect(spy.removeFolder).toHaveBeenCalledWith('trip');
    expect(screen.queryByRole('button', { name: 'Remove folder theirs' })).toBeNull();
  });

  it('says how many files of a folder are still being removed', () => {
    renderList(mine, { removing: new Set(['m1']) });
    expect(row('trip')?.textContent).toContain('Removing… (1 left)');
  });

  it('asks before it stops sharing everything, with the focus on the safe answer', async () => {
    const spy = renderList(mine);
    const ask = button('Stop sharing everything');
    fireEvent.click(ask);
    const question = screen.getByRole('group', { name: 'Stop sharing everything?' });
    expect(question.textContent).toContain('Stop sharing all 3 files?');
    await Promise.resolve();
    expect(document.activeElement).toBe(button('Keep sharing'));

    fireEvent.click(button('Keep sharing'));
    expect(spy.stopSharingAll).not.toHaveBeenCalled();
    expect(screen.queryByRole('group', { name: 'Stop sharing everything?' })).toBeNull();
    await Promise.resolve();
    expect(document.activeElement).toBe(button('Stop sharing everything'));

    fireEvent.click(button('Stop sharing everything'));
    fireEvent.click(button('Stop sharing'));
    expect(spy.stopSharingAll).toHaveBeenCalledTimes(1);
  });

  it('offers nothing to stop when you share nothing', () => {
    renderList([shared('f1', 'ann', 'x')]);
    expect(screen.queryByRole('button', { name: 'Stop sharing everything' })).toBeNull();
  });
});

describe('a long list', () => {
  const many = (count: number, path = 'big') =>
    Array.from({ length: count }, (_, i) =>
      shared(`f${i}`, 'ann', `file-${String(i).padStart(5, '0')}.bin`, {
        path: `${path}/file-${String(i).padStart(5, '0')}.bin`,
      }),
    );

  it('keeps the page small with 10,000 files: a collapsed folder is one row, an open one a page of rows', () => {
    renderList(many(10_000));
    expect(document.querySelectorAll('li')).toHaveLength(1);
    expect(document.querySelectorAll('*').length).toBeLessThan(60);

    open('big');
    expect(document.querySelectorAll('li.file')).toHaveLength(100);
    expect(button('Show 100 more (9900 not shown)')).toBeTruthy();
    expect(document.querySelectorAll('*').length).toBeLessThan(1_500);
  });

  it('shows more a page at a time, and moves the focus to the first row it adds', async () => {
    renderList(many(150));
    open('big');
    fireEvent.click(button('Show 50 more (50 not shown)'));
    expect(document.querySelectorAll('li.file')).toHaveLength(150);
    expect(screen.queryByRole('button', { name: /^Show .* more/ })).toBeNull();
    await Promise.resolve();
    expect(document.activeElement).toBe(button('Download file-00100.bin'));
  });

  it('pages loose files too', () => {
    renderList(many(250).map(({ path: _path, ...loose }) => loose));
    expect(document.querySelectorAll('li.file')).toHaveLength(100);
  });
});
