// @vitest-environment happy-dom
import type { FromDaemon } from '@ferry/common';
import { cleanup, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { RELAY_BUSY_FORGET_MS } from '@ferry/web/transfers/relay-busy';
import { ClientApp } from '../src/ui/client-app';
import { destroySessions, downloadingF1, lastView, serve } from './download-harness';
import { flush, until } from '@ferry/web/test/fakes';

// Issue 5, guarantee 8, the asker's side: the daemon says the relay refuses the owner's uploads
// of our transfer for now (RELAY_BUSY); the download's line says so calmly, and the notice goes
// as soon as a chunk arrives, or by itself once refusals stop coming.

afterEach(() => {
  cleanup();
  destroySessions();
});

const BUSY =
  /The relay is busy right now, so this download waits a little\. Ferry retries by itself; nothing is lost\./;
const BUSY_RATE = /The relay is busy right now \(the owner is sending through it as fast as it allows\)/;

/** A guest downloading a 3-chunk file from Ann, on screen, with its first request sent. */
async function downloading() {
  const fakes = await downloadingF1((session) => render(<ClientApp session={session} />));
  const { request } = fakes;
  const busy = (overrides: Partial<Extract<FromDaemon, { type: 'RELAY_BUSY' }>> = {}): FromDaemon => ({
    type: 'RELAY_BUSY',
    transferId: request.transferId,
    fileId: 'f1',
    reason: 'full',
    retryAfterMs: 0,
    ...overrides,
  });
  /** The download's line in the Downloads list (the file list has a row of the same name). */
  const item = () => {
    const found = screen.getByRole('progressbar', { name: 'f1.bin progress' }).closest('li');
    if (!found) throw new Error('no download listed');
    return found;
  };
  return { ...fakes, busy, item };
}

describe("the asker's download while the relay refuses the owner's uploads", () => {
  it('shows the notice on that download, still downloading, and drops it when a chunk arrives', async () => {
    const d = await downloading();
    d.socket.receive(d.busy());
    await flush();
    expect(within(d.item()).getByRole('status').textContent).toMatch(BUSY);
    expect(d.item().textContent).toContain('Downloading');
    expect(lastView(d.session)?.relayBusy).toBe('full');

    serve(d, d.socket, new Map([['f1', d.bytes]]), 1);
    await until(() => lastView(d.session)?.relayBusy === null);
    await flush();
    expect(within(d.item()).queryByRole('status')).toBeNull();
    expect(d.item().textContent).toContain('Downloading');
  });

  it('says when it is the owner’s byte rate', async () => {
    const d = await downloading();
    d.socket.receive(d.busy({ reason: 'rate', retryAfterMs: 2_000 }));
    await flush();
    expect(within(d.item()).getByRole('status').textContent).toMatch(BUSY_RATE);
  });

  it('forgets the notice once the suggested wait and the quiet period pass with no new one', async () => {
    const d = await downloading();
    d.socket.receive(d.busy({ reason: 'rate', retryAfterMs: 3_000 }));
    await flush();
    d.clock.advance(3_000 + RELAY_BUSY_FORGET_MS - 1);
    await flush();
    // A new notice starts the wait again.
    d.socket.receive(d.busy({ reason: 'rate', retryAfterMs: 3_000 }));
    d.clock.advance(3_000 + RELAY_BUSY_FORGET_MS - 1);
    await flush();
    expect(lastView(d.session)?.relayBusy).toBe('rate');
    d.clock.advance(1);
    await flush();
    expect(lastView(d.session)?.relayBusy).toBeNull();
    expect(within(d.item()).queryByRole('status')).toBeNull();
  });

  it('ignores a notice for a transfer it does not have, or about another file, or malformed', async () => {
    const d = await downloading();
    d.socket.receive(d.busy({ transferId: 'someone-elses-transfer' }));
    d.socket.receive(d.busy({ fileId: 'f2' }));
    d.socket.receive(JSON.stringify({ ...d.busy(), reason: 'on-fire' }));
    d.socket.receive(JSON.stringify({ ...d.busy(), retryAfterMs: -1 }));
    await flush();
    expect(lastView(d.session)?.relayBusy).toBeNull();
    expect(screen.queryByText(BUSY)).toBeNull();
    expect(d.item().textContent).toContain('Downloading');
  });

  it('shows no notice on a paused download', async () => {
    const d = await downloading();
    d.socket.receive(d.busy());
    await flush();
    const id = lastView(d.session)?.id ?? '';
    d.session.transfers.downloads.pause(id);
    await flush();
    expect(lastView(d.session)?.state).toBe('paused');
    expect(screen.queryByText(BUSY)).toBeNull();
  });
});
