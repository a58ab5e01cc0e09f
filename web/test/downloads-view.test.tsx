// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DownloadView } from '../src/transfers/download-view';
import { formatTimeLeft, percentDone } from '../src/transfers/download-view';
import { DownloadsSection } from '../src/ui/downloads-section';
import { TransferError } from '@ferry/common/transfer';

afterEach(cleanup);

const MIB = 1024 * 1024;

function view(overrides: Partial<DownloadView> = {}): DownloadView {
  return {
    id: 'd1',
    kind: 'file',
    name: 'movie.mkv',
    owner: 'b',
    state: 'downloading',
    error: null,
    bytesDone: 30 * MIB,
    totalBytes: 120 * MIB,
    bytesPerSecond: 12 * MIB,
    secondsLeft: 7.5,
    route: 'p2p',
    ...overrides,
  };
}

function actions() {
  return { pause: vi.fn(), resume: vi.fn(), cancel: vi.fn(), clearFinished: vi.fn() };
}

function renderList(items: DownloadView[], spy = actions()) {
  render(<DownloadsSection downloads={{ items, busyFileIds: new Set() }} actions={spy} />);
  return spy;
}

const item = (name: string) => {
  const list = screen.getByRole('heading', { name: 'Downloads' }).closest('section');
  if (!list) throw new Error('no Downloads section');
  const found = within(list)
    .getAllByRole('listitem')
    .find((li) => li.textContent?.includes(name));
  if (!found) throw new Error(`no download named ${name}`);
  return found;
};

describe('the Downloads list', () => {
  it('shows nothing until there is a download', () => {
    renderList([]);
    expect(screen.queryByRole('heading', { name: 'Downloads' })).toBeNull();
  });

  it('shows a running download: progress, bytes, speed, time left, route and controls', () => {
    const spy = renderList([view()]);
    const bar = screen.getByRole('progressbar', { name: 'movie.mkv progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('25');
    expect(bar.getAttribute('aria-valuemin')).toBe('0');
    expect(bar.getAttribute('aria-valuemax')).toBe('100');
    const text = item('movie.mkv').textContent ?? '';
    expect(text).toContain('Downloading');
    expect(text).toContain('30 MiB of 120 MiB');
    expect(text).toContain('12 MiB/s');
    expect(text).toContain('8 s left');
    expect(text).toContain('via P2P');
    fireEvent.click(screen.getByRole('button', { name: 'Pause movie.mkv' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel movie.mkv' }));
    expect(spy.pause).toHaveBeenCalledWith('d1');
    expect(spy.cancel).toHaveBeenCalledWith('d1');
    expect(screen.queryByRole('button', { name: 'Resume movie.mkv' })).toBeNull();
  });

  it.each([
    ['paused', null, 'Paused', ['Resume', 'Cancel']],
    ['waiting-owner', null, 'Waiting for the owner', ['Pause', 'Cancel']],
    ['waiting-connection', null, 'Waiting for the connection to the room', ['Pause', 'Cancel']],
    ['needs-repick', null, 'The owner must pick the file again', ['Pause', 'Cancel']],
    ['checking', null, 'Checking', []],
    ['saved', null, 'Saved', []],
    [
      'failed',
      new TransferError('HASH_MISMATCH'),
      'Failed: the file does not match its SHA-256; nothing was saved',
      [],
    ],
    ['cancelled', null, 'Cancelled', []],
  ] as const)('says %s as "%s" with the right buttons', (state, error, text, buttons) => {
    renderList([view({ state, error, bytesPerSecond: 0, secondsLeft: null })]);
    const li = item('movie.mkv');
    expect(li.textContent).toContain(text);
    expect(li.textContent).not.toContain('/s');
    const names = within(li)
      .queryAllByRole('button')
      .map((b) => b.getAttribute('aria-label'));
    expect(names).toEqual(buttons.map((b) => `${b} movie.mkv`));
  });

  it('says which way the bytes came', () => {
    renderList([view({ id: 'a', name: 'a.bin', route: 'relay' }), view({ id: 'b', name: 'b.bin', route: null })]);
    expect(item('a.bin').textContent).toContain('via relay');
    expect(item('b.bin').textContent).not.toContain('via');
  });

  it('before the first chunk, says a direct connection is tried, then that the relay is used', () => {
    renderList([
      view({ id: 'a', name: 'a.bin', bytesDone: 0, route: null, routeHint: 'connecting' }),
      view({ id: 'b', name: 'b.bin', bytesDone: 0, route: null, routeHint: 'relay' }),
      view({ id: 'c', name: 'c.bin', route: 'p2p', routeHint: null }),
    ]);
    expect(item('a.bin').textContent).toContain('Connecting directly…');
    expect(item('b.bin').textContent).toContain('Going through the relay');
    expect(item('c.bin').textContent).toContain('via P2P');
    expect(item('c.bin').textContent).not.toMatch(/Connecting|Going through/);
  });

  it('lists several downloads, and clears finished ones on demand', () => {
    const spy = renderList([view({ id: 'a', name: 'a.bin', state: 'saved' }), view({ id: 'b', name: 'b.bin' })]);
    expect(screen.getAllByRole('progressbar')).toHaveLength(2);
    expect(screen.getByRole('progressbar', { name: 'a.bin progress' }).getAttribute('aria-valuenow')).toBe('25');
    fireEvent.click(screen.getByRole('button', { name: 'Clear finished' }));
    expect(spy.clearFinished).toHaveBeenCalled();
  });

  it('renders names as text', () => {
    renderList([view({ name: '<img src=x onerror=alert(1)>' })]);
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getByRole('progressbar', { name: '<img src=x onerror=alert(1)> progress' })).toBeTruthy();
  });
});

describe('download helpers', () => {
  it('rounds progress down and counts an empty saved file as done', () => {
    expect(percentDone({ bytesDone: 999, totalBytes: 1000, state: 'downloading' })).toBe(99);
    expect(percentDone({ bytesDone: 0, totalBytes: 0, state: 'saved' })).toBe(100);
    expect(percentDone({ bytesDone: 0, totalBytes: 0, state: 'downloading' })).toBe(0);
  });

  it('says the time left in words', () => {
    expect(formatTimeLeft(0.2)).toBe('1 s left');
    expect(formatTimeLeft(59)).toBe('59 s left');
    expect(formatTimeLeft(61)).toBe('2 min left');
    expect(formatTimeLeft(3600)).toBe('1 h left');
    expect(formatTimeLeft(2 * 3600 + 5 * 60)).toBe('2 h 5 min left');
  });
});
