// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { person } from '@ferry/common/test/builders';
import type { DownloadView } from '../src/transfers/download-view';
import { personCode } from '@ferry/common';
import { DownloadsSection } from '../src/ui/downloads-section';

// Issue 12: each download says whom it comes from (name and code), and the keyboard's focus stays
// on the download when its controls change or go.

afterEach(cleanup);

function view(overrides: Partial<DownloadView> = {}): DownloadView {
  return {
    id: 'd1',
    kind: 'file',
    name: 'movie.mkv',
    owner: 'bob-id',
    state: 'downloading',
    error: null,
    bytesDone: 10,
    totalBytes: 100,
    bytesPerSecond: 5,
    secondsLeft: 18,
    route: 'p2p',
    ...overrides,
  };
}

const actions = () => ({ pause: vi.fn(), resume: vi.fn(), cancel: vi.fn(), clearFinished: vi.fn() });
const people = [person('bob-id', 'Bob')];

function show(item: DownloadView, spy = actions()) {
  return render(
    <DownloadsSection downloads={{ items: [item], busyFileIds: new Set() }} actions={spy} people={people} />,
  );
}

describe('whom a download comes from', () => {
  it('names the owner with their code', () => {
    show(view());
    expect(screen.getByText(/^from/).textContent).toBe(`from Bob, code ${personCode('bob-id')}`);
  });

  it('says the owner left, still with the code, once they are not in the room', () => {
    show(view({ owner: 'gone-id' }));
    expect(screen.getByText(/^from/).textContent).toBe(`from someone who left, code ${personCode('gone-id')}`);
  });
});

describe('focus on a download', () => {
  it('Pause becomes Resume in the same button, so the focus stays on it', () => {
    const spy = actions();
    const { rerender } = show(view(), spy);
    const pause = screen.getByRole('button', { name: 'Pause movie.mkv' });
    pause.focus();
    fireEvent.click(pause);
    expect(spy.pause).toHaveBeenCalledWith('d1');
    rerender(
      <DownloadsSection downloads={{ items: [view({ state: 'paused' })], busyFileIds: new Set() }} actions={spy} />,
    );
    const resume = screen.getByRole('button', { name: 'Resume movie.mkv' });
    expect(resume).toBe(pause);
    expect(document.activeElement).toBe(resume);
  });

  it('when the focused control goes (the download finished), the focus goes to the download', () => {
    const spy = actions();
    const { rerender } = show(view(), spy);
    const pause = screen.getByRole('button', { name: 'Pause movie.mkv' });
    pause.focus();
    rerender(
      <DownloadsSection downloads={{ items: [view({ state: 'saved' })], busyFileIds: new Set() }} actions={spy} />,
    );
    expect(screen.queryByRole('button', { name: 'Pause movie.mkv' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('progressbar').closest('li'));
  });

  it('does not pull back a focus the person moved elsewhere', () => {
    const spy = actions();
    const outside = document.createElement('button');
    document.body.append(outside);
    const { rerender } = show(view(), spy);
    screen.getByRole('button', { name: 'Pause movie.mkv' }).focus();
    outside.focus();
    rerender(
      <DownloadsSection downloads={{ items: [view({ state: 'saved' })], busyFileIds: new Set() }} actions={spy} />,
    );
    expect(document.activeElement).toBe(outside);
    outside.remove();
  });
});
