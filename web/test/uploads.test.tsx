// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { person, shared } from '@ferry/common/test/builders';
import { ViewStore } from '../src/session/view-store';
import { UploadsPublisher, uploadsView, type UploadsView } from '../src/transfers/uploads-publisher';
import { FileUploads, UploadsContext } from '../src/ui/file-uploads';
import { UploadsStatus } from '../src/ui/uploads-status';
import { FakeClock } from './fakes';

afterEach(cleanup);

const MIB = 1024 * 1024;
const mine = shared('m1', 'me', 'holiday.bin', { size: 10 * MIB });
const clients = [person('me', 'Me'), person('bob', 'Bob'), person('cleo', '<b>Cleo</b>')];

describe('uploadsView: the owner’s files, who is fetching each', () => {
  it('names each asker, caps nothing it need not, and leaves out transfers that sent everything', () => {
    const view = uploadsView(
      [
        { transferId: 't1', fileId: 'm1', asker: 'bob', bytesServed: 3 * MIB, bytesPerSecond: MIB },
        { transferId: 't2', fileId: 'm1', asker: 'cleo', bytesServed: 10 * MIB, bytesPerSecond: 0 },
        { transferId: 't3', fileId: 'gone', asker: 'bob', bytesServed: 1, bytesPerSecond: 1 },
        { transferId: 't4', fileId: 'm1', asker: 'stranger', bytesServed: 1, bytesPerSecond: 1 },
      ],
      [mine],
      clients,
    );
    expect(view.isAnyoneDownloading).toBe(true);
    expect(view.byFile.get('m1')).toEqual([
      {
        transferId: 't1',
        asker: 'bob',
        askerName: 'Bob',
        bytesServed: 3 * MIB,
        totalBytes: 10 * MIB,
        bytesPerSecond: MIB,
      },
      {
        transferId: 't4',
        asker: 'stranger',
        askerName: 'Someone',
        bytesServed: 1,
        totalBytes: 10 * MIB,
        bytesPerSecond: 1,
      },
    ]);
    expect(view.byFile.has('gone')).toBe(false);
  });

  it('nobody fetching: nothing to keep open', () => {
    expect(uploadsView([], [mine], clients)).toEqual({ byFile: new Map(), isAnyoneDownloading: false });
  });
});

describe('UploadsPublisher (fake clock)', () => {
  function publisher() {
    const clock = new FakeClock();
    const p = new UploadsPublisher(clock, () => ({ ownFiles: [mine], clients }), 500);
    return { clock, p };
  }

  it('publishes what is sent at most every 500 ms, and the speed over the last seconds', () => {
    const { clock, p } = publisher();
    p.served('bob', { transferId: 't1', fileId: 'm1' }, MIB);
    expect(p.view.get().isAnyoneDownloading).toBe(false);
    clock.advance(500);
    expect(p.view.get().byFile.get('m1')?.[0]).toMatchObject({ askerName: 'Bob', bytesServed: MIB });
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      p.served('bob', { transferId: 't1', fileId: 'm1' }, MIB);
    }
    clock.advance(500);
    const row = p.view.get().byFile.get('m1')?.[0];
    expect(row?.bytesServed).toBe(5 * MIB);
    // At 5 s, the window (0, 5 s] holds the 4 chunks sent at 1.5, 2.5, 3.5 and 4.5 s.
    expect(row?.bytesPerSecond).toBeCloseTo((4 * MIB) / 5, 0);
    p.destroy();
  });

  it('a stalled transfer slows to nothing, then leaves the view by itself; an ended one at once', () => {
    const { clock, p } = publisher();
    p.served('bob', { transferId: 't1', fileId: 'm1' }, MIB);
    p.served('cleo', { transferId: 't2', fileId: 'm1' }, MIB);
    clock.advance(500);
    p.ended('t2');
    expect(
      p.view
        .get()
        .byFile.get('m1')
        ?.map((r) => r.asker),
    ).toEqual(['bob']);
    clock.advance(6_000);
    expect(p.view.get().byFile.get('m1')?.[0]?.bytesPerSecond).toBe(0);
    clock.advance(10_000);
    expect(p.view.get()).toEqual({ byFile: new Map(), isAnyoneDownloading: false });
    expect(clock.pending).toBe(0);
    p.destroy();
  });
});

describe('what the owner sees', () => {
  const view: UploadsView = {
    byFile: new Map([
      [
        'm1',
        [
          {
            transferId: 't1',
            asker: 'cleo',
            askerName: '<b>Cleo</b>',
            bytesServed: 3 * MIB,
            totalBytes: 10 * MIB,
            bytesPerSecond: 2 * MIB,
          },
        ],
      ],
    ]),
    isAnyoneDownloading: true,
  };

  it('shows under the file who is downloading it, how far and how fast, names as text', () => {
    render(
      <UploadsContext.Provider value={view}>
        <FileUploads fileId="m1" />
        <FileUploads fileId="other" />
      </UploadsContext.Provider>,
    );
    expect(screen.getByText(/is downloading: 3 Mi?B of 10 Mi?B · 2 Mi?B\/s/)).toBeTruthy();
    expect(document.querySelector('b')).toBeNull();
    expect(screen.getByText('<b>Cleo</b>')).toBeTruthy();
    const bar = screen.getByRole('progressbar', { name: '<b>Cleo</b> downloading progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('30');
    expect(screen.getAllByRole('progressbar')).toHaveLength(1);
  });

  it('asks to keep the tab open, and has the browser ask before closing, only while someone downloads', () => {
    const store = new ViewStore<UploadsView>(view);
    render(<UploadsStatus store={store} />);
    expect(screen.getByRole('status').textContent).toContain('Keep this tab open while people download');
    const closing = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(closing);
    expect(closing.defaultPrevented).toBe(true);
    cleanup();
    render(<UploadsStatus store={new ViewStore<UploadsView>({ byFile: new Map(), isAnyoneDownloading: false })} />);
    expect(screen.queryByRole('status')).toBeNull();
    const closingIdle = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(closingIdle);
    expect(closingIdle.defaultPrevented).toBe(false);
  });
});
