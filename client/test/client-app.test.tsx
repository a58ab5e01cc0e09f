// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { person, shared } from '@ferry/common/test/builders';
import { pendingAck, startApp } from './app-harness';
import { fakeFile, flush, until } from '@ferry/web/test/fakes';
import { personCode } from '@ferry/common';

afterEach(cleanup);

const XSS_NAME = '<img src=x onerror=alert(1)>';

const ack = pendingAck;

async function joinedAndApproved() {
  const app = await startApp();
  fireEvent.input(screen.getByLabelText('Your name'), { target: { value: 'Ann' } });
  fireEvent.click(screen.getByRole('button', { name: 'Join' }));
  app.network.last.open();
  app.network.last.receive(ack);
  app.network.last.receive({ type: 'CLIENT_APPROVED', client: person('me', 'Ann') });
  app.network.last.receive({
    type: 'ROOM_STATE',
    clients: [person('h', 'Host', { isMaster: true }), person('me', 'Ann'), person('b', XSS_NAME, { online: false })],
    files: [
      shared('f1', 'b', XSS_NAME, { size: 2048 }),
      shared('f2', 'b', 'a.jpg', { path: 'holiday/a.jpg', size: 3 * 1024 * 1024 }),
    ],
    masterOnline: true,
  });
  await flush();
  return app;
}

describe('ClientApp', () => {
  it('goes from the join screen to waiting to not admitted', async () => {
    const { network } = await startApp();
    fireEvent.input(screen.getByLabelText('Your name'), { target: { value: 'Ann' } });
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    network.last.open();
    network.last.receive(ack);
    await flush();
    expect(screen.getByRole('heading', { name: 'Waiting for the host' })).toBeTruthy();
    network.last.receive({ type: 'CLIENT_DIS_APPROVED', publicId: 'me' });
    await flush();
    expect(screen.getByRole('heading', { name: 'Not admitted' })).toBeTruthy();
  });

  it('says what is wrong with an empty name', async () => {
    await startApp();
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    await flush();
    expect(screen.getByText('Type a name first.')).toBeTruthy();
  });

  it('shows people and files grouped, with names as text', async () => {
    const { session } = await joinedAndApproved();
    const people = screen.getByRole('heading', { name: 'People' }).parentElement;
    if (!people) throw new Error('no people section');
    const items = within(people).getAllByRole('listitem');
    // Each name with its code (person-code.ts), read out as "Ann, code E40C"; everyone but us has
    // a "Send a file to …" picker, its name as text too.
    expect(items.map((li) => li.textContent)).toEqual([
      `Host, code ${personCode('h')}HostonlineSend a file to Host`,
      `Ann, code ${personCode('me')} (you)online`,
      `${XSS_NAME}, code ${personCode('b')}offlineSend a file to ${XSS_NAME}`,
    ]);
    // The hostile name is text: no <img> element was created anywhere.
    expect(document.querySelector('img')).toBeNull();
    const fileItem = screen.getByText(XSS_NAME, { selector: '.file-name' }).closest('li');
    expect(fileItem?.textContent).toContain('2 KiB');
    // A folder is one collapsed row until opened.
    expect(screen.queryByText('a.jpg')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'holiday', expanded: false }));
    expect(screen.getByText('a.jpg').closest('li')?.textContent).toContain('3 MiB');
    // Not ours: no Remove button.
    expect(screen.queryByRole('button', { name: `Remove ${XSS_NAME}` })).toBeNull();
    expect(session.view.room.files).toHaveLength(2);
  });

  it('downloads a file and a folder from the list, and shows them under Downloads', async () => {
    const { network } = await joinedAndApproved();
    expect(screen.queryByRole('heading', { name: 'Downloads' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: `Download ${XSS_NAME}` }));
    await until(() => network.last.sentOfType('REQUEST_CHUNK').length > 0);
    await flush();
    expect(screen.getByRole('heading', { name: 'Downloads' })).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: `${XSS_NAME} progress` }).getAttribute('aria-valuenow')).toBe('0');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: `Download ${XSS_NAME}` }).disabled).toBe(true);
    // The owner is offline in this room: the download waits for them.
    await until(() => screen.queryByText('Waiting for the owner') !== null);
    fireEvent.click(screen.getByRole('button', { name: 'Download folder holiday' }));
    await until(() => screen.queryByRole('progressbar', { name: 'holiday progress' }) !== null);
    fireEvent.click(screen.getByRole('button', { name: 'Pause holiday' }));
    await flush();
    expect(screen.getByRole('button', { name: 'Resume holiday' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: `Cancel ${XSS_NAME}` }));
    await flush();
    expect(screen.getByText('Cancelled')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: `Download ${XSS_NAME}` }).disabled).toBe(false);
  });

  it('keeps the focus on the new download after Download, not on the page body', async () => {
    const { network } = await joinedAndApproved();
    const download = screen.getByRole<HTMLButtonElement>('button', { name: `Download ${XSS_NAME}` });
    download.focus();
    fireEvent.click(download);
    await until(() => network.last.sentOfType('REQUEST_CHUNK').length > 0);
    await until(() => download.disabled);
    const item = screen.getByRole('progressbar', { name: `${XSS_NAME} progress` }).closest('li');
    expect(item).not.toBeNull();
    expect(document.activeElement).toBe(item);
  });

  it('shows sending, then rejected with the reason, and lets you remove your own file', async () => {
    const { session, network } = await joinedAndApproved();
    const input = screen.getByLabelText<HTMLInputElement>('Add files');
    expect(input.type).toBe('file');
    expect(input.multiple).toBe(true);
    expect(screen.getByLabelText<HTMLInputElement>('Add folder').webkitdirectory).toBe(true);
    session.addFiles([{ file: fakeFile('ok.txt', 5) }, { file: fakeFile('dup.txt', 5) }]);
    await flush();
    expect(screen.getByText('ok.txt').closest('li')?.textContent).toMatch(/Preparing \d+%|Sending/);
    await until(() => network.last.sentOfType('ADD_FILES').length > 0);
    await flush();
    expect(screen.getByText('ok.txt').closest('li')?.textContent).toContain('Sending');
    const [request] = network.last.sentOfType('ADD_FILES');
    if (!request) throw new Error('no ADD_FILES');
    const [ok, dup] = request.files;
    network.last.receive({
      type: 'FILES_ADDED',
      reqId: request.reqId,
      owner: 'me',
      files: ok ? [{ ...ok, owner: 'me' }] : [],
      rejected: dup ? [{ id: dup.id, reason: 'the same file is already shared' }] : [],
    });
    await flush();
    expect(screen.getByText('dup.txt').closest('li')?.textContent).toContain(
      'Rejected: the same file is already shared',
    );
    expect(screen.getByText('ok.txt').closest('li')?.textContent).not.toContain('Sending');
    fireEvent.click(screen.getByRole('button', { name: 'Remove ok.txt' }));
    expect(network.last.sentOfType('REMOVE_FILES')).toEqual([expect.objectContaining({ fileIds: [ok?.id] })]);
  });

  it('shows an alert after giving up', async () => {
    const { session, clock, network } = await joinedAndApproved();
    session.addFiles([{ file: fakeFile('lost.txt', 5) }]);
    await until(() => network.last.sentOfType('ADD_FILES').length > 0);
    clock.advance(60_000);
    await flush();
    expect(screen.getByRole('alert').textContent).toContain('The host did not answer');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    await flush();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByText('lost.txt')).toBeNull();
  });

  it('shows the host-offline and reconnecting states in one status line', async () => {
    const { network } = await joinedAndApproved();
    expect(screen.queryByRole('status')).toBeNull();
    network.last.receive({ type: 'MASTER_DISCONNECTED' });
    await flush();
    expect(screen.getByRole('status').textContent).toContain('The host is offline');
    network.last.drop(1006);
    await flush();
    expect(screen.getAllByRole('status')).toHaveLength(1);
    expect(screen.getByRole('status').textContent).toContain('Reconnecting');
    // The room stays on screen while reconnecting.
    expect(screen.getByRole('heading', { name: 'Shared files' })).toBeTruthy();
  });

  it('offers to take the session back after another tab took it', async () => {
    const { network } = await joinedAndApproved();
    network.last.drop(4001);
    await flush();
    fireEvent.click(screen.getByRole('button', { name: 'Use Ferry in this tab' }));
    expect(network.sockets).toHaveLength(2);
  });

  it('shows an empty state that says what to do', async () => {
    const { network } = await joinedAndApproved();
    network.last.receive({ type: 'FILE_REMOVED', fileId: 'f1' });
    network.last.receive({ type: 'FILE_REMOVED', fileId: 'f2' });
    await flush();
    expect(screen.getByText(/No files yet/).textContent).toContain('Add files');
  });
});
