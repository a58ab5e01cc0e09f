// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { person } from '@ferry/common/test/builders';
import { pendingAck, startApp } from './app-harness';
import { fakeFile, flush, until } from '@ferry/web/test/fakes';

// Issue 5, guarantee 8: every limit the daemon enforces on a guest is a readable message where the
// guest acted, never a silent failure.

afterEach(cleanup);

const ack = pendingAck;

function typeAndJoin(name: string): void {
  fireEvent.input(screen.getByLabelText('Your name'), { target: { value: name } });
  fireEvent.click(screen.getByRole('button', { name: 'Join' }));
}

async function inTheRoom() {
  const app = await startApp();
  typeAndJoin('Ann');
  app.network.last.open();
  app.network.last.receive({ ...ack, status: 'approved' });
  app.network.last.receive({
    type: 'ROOM_STATE',
    clients: [person('h', 'Host', { isMaster: true }), person('me', 'Ann')],
    files: [],
    masterOnline: true,
  });
  await flush();
  return app;
}

describe('a join the daemon refuses', () => {
  it.each([
    [
      'too many people are waiting to join; try again later',
      'The room cannot take you in right now: too many people are waiting to join; try again later.',
    ],
    ['the room is full', 'The room cannot take you in right now: the room is full.'],
  ])('over a limit ("%s"): back on the join form, name kept, with the reason', async (daemonText, shown) => {
    const { network } = await startApp();
    typeAndJoin('Ann');
    network.last.open();
    network.last.receive({ type: 'ERROR', code: 'LIMIT_EXCEEDED', message: daemonText });
    await flush();
    expect(screen.getByRole('heading', { name: 'Join the room' })).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>('Your name').value).toBe('Ann');
    const error = screen.getByText(shown);
    expect(error.id).toBe('join-error');
    expect(screen.getByLabelText('Your name').getAttribute('aria-describedby')).toBe('join-error');
    // It stopped: no socket left open, no retry behind the person's back.
    expect(network.last.isClosed).toBe(true);
    const sockets = network.sockets.length;

    // Joining again is the person's call, and it clears the message.
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(network.sockets).toHaveLength(sockets + 1);
    network.last.open();
    expect(network.last.sentOfType('CLIENT_REGISTER')).toEqual([
      { type: 'CLIENT_REGISTER', name: 'Ann', features: ['remove-files'] },
    ]);
    network.last.receive(ack);
    await flush();
    expect(screen.getByRole('heading', { name: 'Waiting for the host' })).toBeTruthy();
    expect(screen.queryByText(shown)).toBeNull();
  });

  it('turned down by the rate limit: says the room is busy, then tries again by itself', async () => {
    const { network, clock } = await startApp();
    typeAndJoin('Ann');
    network.last.open();
    network.last.receive({ type: 'ERROR', code: 'RATE_LIMITED', message: 'too many messages; slow down' });
    await flush();
    expect(screen.getByRole('heading', { name: 'Connecting…' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toMatch(
      /^The room is busy: too many people are connecting at once\. This page tries again by itself/,
    );
    // No "Reconnecting" banner on top of it, no button to press.
    expect(screen.queryByText(/Reconnecting/)).toBeNull();
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(network.last.isClosed).toBe(true);

    const sockets = network.sockets.length;
    clock.advance(15_000);
    expect(network.sockets).toHaveLength(sockets + 1);
    network.last.open();
    expect(network.last.sentOfType('CLIENT_REGISTER')).toEqual([
      { type: 'CLIENT_REGISTER', name: 'Ann', features: ['remove-files'] },
    ]);
    network.last.receive(ack);
    await flush();
    expect(screen.getByRole('heading', { name: 'Waiting for the host' })).toBeTruthy();
    expect(screen.queryByText(/The room is busy/)).toBeNull();
  });
});

describe('files the daemon refuses', () => {
  it.each([
    [
      'one person shares at most 10000 files',
      'The room cannot take more files: one person shares at most 10000 files (1 file)',
    ],
    [
      'the room holds at most 100000 files',
      'The room cannot take more files: the room holds at most 100000 files (1 file)',
    ],
  ])('over a cap ("%s"): an alert in Shared files, with Try again and Dismiss', async (daemonText, shown) => {
    const { session, network } = await inTheRoom();
    session.addFiles([{ file: fakeFile('one-too-many.txt', 5) }]);
    await until(() => network.last.sentOfType('ADD_FILES').length === 1);
    const [sentFiles] = network.last.sentOfType('ADD_FILES');
    network.last.receive({ type: 'ERROR', code: 'LIMIT_EXCEEDED', message: daemonText, reqId: sentFiles?.reqId ?? '' });
    await flush();
    const section = screen.getByRole('heading', { name: 'Shared files' }).closest('section');
    if (!section) throw new Error('no Shared files section');
    const alert = within(section).getByRole('alert');
    expect(alert.textContent).toContain(shown);
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
    fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    await flush();
    expect(within(section).queryByRole('alert')).toBeNull();
  });

  it('any other refusal of a removal shows its reason in Shared files', async () => {
    const { session, network } = await inTheRoom();
    session.addFiles([{ file: fakeFile('mine.txt', 5) }]);
    await until(() => network.last.sentOfType('ADD_FILES').length === 1);
    const [offer] = network.last.sentOfType('ADD_FILES');
    const file = offer?.files[0];
    if (!offer || !file) throw new Error('no offer sent');
    network.last.receive({
      type: 'FILES_ADDED',
      reqId: offer.reqId,
      owner: 'me',
      files: [{ ...file, owner: 'me' }],
      rejected: [],
    });
    await flush();
    fireEvent.click(screen.getByRole('button', { name: 'Remove mine.txt' }));
    const [removal] = network.last.sentOfType('REMOVE_FILES');
    network.last.receive({
      type: 'ERROR',
      code: 'MASTER_OFFLINE',
      message: 'the host is offline; try again when it is back',
      reqId: removal?.reqId ?? '',
    });
    await flush();
    expect(
      screen.getByText('The file could not be removed: the host is offline; try again when it is back'),
    ).toBeTruthy();
  });
});
