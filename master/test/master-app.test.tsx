// @vitest-environment happy-dom
import type { FromDaemon } from '@ferry/common';
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { MasterSession } from '../src/master-session';
import { MasterApp } from '../src/ui/master-app';
import { person, shared } from '@ferry/common/test/builders';
import { fakeDeps, flush, until } from '@ferry/web/test/fakes';

afterEach(cleanup);

const ack: FromDaemon = {
  type: 'MASTER_APP_REGISTER_ACK',
  publicId: 'host',
  privateId: 'secret',
  clients: [
    person('host', 'Host', { isMaster: true }),
    person('ann', 'Ann'),
    person('cat', 'Cat', { status: 'pending' }),
    person('dan', 'Dan', { status: 'rejected', online: false }),
  ],
  files: [shared('f1', 'ann', 'a.txt')],
};

async function startMaster(token: string | null = 'T') {
  const fakes = fakeDeps();
  const session = new MasterSession({ ...fakes.deps, token });
  render(<MasterApp session={session} joinLink="http://192.168.1.2:8790/" />);
  await session.init();
  await flush();
  return { ...fakes, session };
}

describe('MasterApp', () => {
  it('shows the join link, its QR code, requests, people and files', async () => {
    const { network } = await startMaster();
    network.last.open();
    network.last.receive(ack);
    await flush();
    expect(screen.getByLabelText('Join link').textContent).toBe('http://192.168.1.2:8790/');
    // The QR encoder arrives as its own chunk, a moment after the card.
    const qr = await screen.findByAltText<HTMLImageElement>('QR code of the join link');
    expect(qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml,/);
    expect(screen.getByRole('heading', { name: /Join requests/ })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Approve Cat' }));
    expect(network.last.sentOfType('APPROVE_CLIENT')).toEqual([expect.objectContaining({ publicId: 'cat' })]);
    fireEvent.click(screen.getByRole('button', { name: 'Reject Cat' }));
    expect(network.last.sentOfType('DIS_APPROVE_CLIENT')).toEqual([expect.objectContaining({ publicId: 'cat' })]);
    expect(screen.getByRole('button', { name: 'Remove Ann' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Remove Host' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Not admitted' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Approve Dan' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Shared files' })).toBeTruthy();
    expect(screen.getByText('a.txt')).toBeTruthy();
    expect(screen.getByLabelText('Add files')).toBeTruthy();
  });

  it('says when nobody is waiting', async () => {
    const { network } = await startMaster();
    network.last.open();
    network.last.receive({ ...ack, clients: [person('host', 'Host', { isMaster: true })] });
    await flush();
    expect(screen.getByText(/No one is waiting/)).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Not admitted' })).toBeNull();
  });

  it('moves a request into People when the daemon confirms the approval', async () => {
    const { network } = await startMaster();
    network.last.open();
    network.last.receive(ack);
    network.last.receive({ type: 'CLIENT_APPROVED', client: person('cat', 'Cat') });
    await flush();
    expect(screen.queryByRole('button', { name: 'Approve Cat' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Remove Cat' })).toBeTruthy();
  });

  it('says the token is not valid', async () => {
    const { network } = await startMaster('wrong');
    network.last.open();
    network.last.receive({ type: 'ERROR', code: 'BAD_TOKEN', message: 'bad token' });
    await flush();
    expect(screen.getByRole('alert').textContent).toContain('The master token is not valid');
  });

  it("downloads a guest's file like a guest does, and offers no download of its own files", async () => {
    const { network } = await startMaster();
    network.last.open();
    network.last.receive({
      ...ack,
      p2p: false,
      files: [shared('f1', 'ann', 'a.txt'), shared('h1', 'host', 'mine.txt')],
    });
    await flush();
    expect(screen.queryByRole('button', { name: 'Download mine.txt' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Download a.txt' }));
    await until(() => network.last.sentOfType('REQUEST_CHUNK').length > 0);
    await flush();
    expect(network.last.sentOfType('REQUEST_CHUNK')[0]).toMatchObject({ fileId: 'f1', start: 0, end: 1 });
    expect(screen.getByRole('heading', { name: 'Downloads' })).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'a.txt progress' })).toBeTruthy();
  });

  it('asks the host to pick its own files again after a reload', async () => {
    const { network } = await startMaster();
    network.last.open();
    network.last.receive({ ...ack, files: [shared('h1', 'host', 'mine.txt')] });
    await flush();
    expect(screen.getByText('mine.txt').closest('li')?.textContent).toContain('Pick again to share');
  });
});
