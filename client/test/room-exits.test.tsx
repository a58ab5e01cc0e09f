// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@ferry/common';
import { person, shared } from '@ferry/common/test/builders';
import { personCode } from '@ferry/common';
import { fakeDeps, flush, until } from '@ferry/web/test/fakes';
import { ClientSession } from '../src/session/client-session';
import { ClientApp } from '../src/ui/client-app';
import { pendingAck, startApp } from './app-harness';

// Issue 12: telling "removed" from "not admitted", the waiting guest's code, leaving the room,
// and the host ending it.

afterEach(cleanup);

const IDENTITY_KEY = 'ferry.client.identity';

async function waiting() {
  const app = await startApp();
  fireEvent.input(screen.getByLabelText('Your name'), { target: { value: 'Ann' } });
  fireEvent.click(screen.getByRole('button', { name: 'Join' }));
  app.network.last.open();
  app.network.last.receive(pendingAck);
  await flush();
  return app;
}

async function inTheRoom() {
  const app = await waiting();
  app.network.last.receive({ type: 'CLIENT_APPROVED', client: person('me', 'Ann') });
  app.network.last.receive({
    type: 'ROOM_STATE',
    clients: [person('h', 'Host', { isMaster: true }), person('me', 'Ann'), person('b', 'Bob')],
    files: [shared('f1', 'b', 'notes.txt', { size: 2048 })],
    masterOnline: true,
  });
  await flush();
  return app;
}

describe('the waiting screen', () => {
  it('shows the code the host sees beside the request', async () => {
    await waiting();
    expect(screen.getByText(/Tell the host your code:/).textContent).toContain(`your code: ${personCode('me')}`);
  });
});

describe('not admitted, or removed', () => {
  it('says the host did not let you in when the request was turned away', async () => {
    const { network } = await waiting();
    network.last.receive({ type: 'CLIENT_DIS_APPROVED', publicId: 'me' });
    await flush();
    expect(screen.getByRole('heading', { name: 'Not admitted' })).toBeTruthy();
    expect(screen.getByText(/did not let you into this room/)).toBeTruthy();
    expect(screen.queryByText(/removed you/)).toBeNull();
  });

  it('says the host removed you when you had been let in', async () => {
    const { network } = await inTheRoom();
    network.last.receive({ type: 'CLIENT_DIS_APPROVED', publicId: 'me' });
    await flush();
    expect(screen.getByRole('heading', { name: 'Removed from the room' })).toBeTruthy();
    expect(screen.getByText(/The host removed you from this room/)).toBeTruthy();
    expect(screen.queryByText(/did not let you into this room/)).toBeNull();
  });

  it('still says removed after a reload, when the daemon only says "rejected"', async () => {
    const first = await inTheRoom();
    await until(() => (first.storage.data.get(IDENTITY_KEY) as { admittedAs?: string }).admittedAs === 'me');
    cleanup();
    // The same browser storage, a new tab: the identity resumes as rejected.
    const fakes = fakeDeps({ storage: first.storage });
    const session = new ClientSession(fakes.deps);
    render(<ClientApp session={session} />);
    await session.init();
    fakes.network.last.open();
    fakes.network.last.receive({ ...pendingAck, status: 'rejected' });
    await flush();
    expect(screen.getByRole('heading', { name: 'Removed from the room' })).toBeTruthy();
  });

  it('a new identity under the same browser is not taken for the removed one', async () => {
    const first = await inTheRoom();
    await until(() => (first.storage.data.get(IDENTITY_KEY) as { admittedAs?: string }).admittedAs === 'me');
    cleanup();
    const fakes = fakeDeps({ storage: first.storage });
    const session = new ClientSession(fakes.deps);
    render(<ClientApp session={session} />);
    await session.init();
    fakes.network.last.open();
    // The daemon forgot the secret (a restart after the room ended): a new, pending identity.
    fakes.network.last.receive({ ...pendingAck, publicId: 'new-me', privateId: 's2' });
    fakes.network.last.receive({ type: 'CLIENT_DIS_APPROVED', publicId: 'new-me' });
    await flush();
    expect(screen.getByRole('heading', { name: 'Not admitted' })).toBeTruthy();
  });
});

describe('Leave room', () => {
  it('asks first; Stay changes nothing and gives the focus back', async () => {
    const { network } = await inTheRoom();
    const leave = screen.getByRole('button', { name: 'Leave room' });
    fireEvent.click(leave);
    await flush();
    const confirm = screen.getByRole('button', { name: 'Leave the room' });
    expect(document.activeElement).toBe(confirm);
    expect(screen.getByText(/this browser forgets you/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Stay' }));
    await flush();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Leave room' }));
    expect(network.last.sentOfType('LEAVE')).toEqual([]);
  });

  it('once confirmed: tells the daemon, forgets the identity here, and shows the join form', async () => {
    const { network, storage } = await inTheRoom();
    expect(storage.data.has(IDENTITY_KEY)).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Leave room' }));
    await flush();
    fireEvent.click(screen.getByRole('button', { name: 'Leave the room' }));
    await flush();
    expect(network.last.sentOfType('LEAVE')).toHaveLength(1);
    expect(network.last.isClosed).toBe(true);
    expect(storage.data.has(IDENTITY_KEY)).toBe(false);
    expect(screen.getByLabelText('Your name')).toBeTruthy();
  });
});

describe('the host ends the room', () => {
  it('says so, forgets the identity here, does not reconnect, and offers to ask again', async () => {
    const { network, storage, clock } = await inTheRoom();
    const sockets = network.sockets.length;
    network.last.receive({ type: 'ROOM_ENDED' });
    network.last.drop(CLOSE_CODES.roomEnded);
    await flush();
    expect(screen.getByRole('heading', { name: 'The host ended this room' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Shared files' })).toBeNull();
    expect(storage.data.has(IDENTITY_KEY)).toBe(false);
    clock.advance(60_000);
    await flush();
    expect(network.sockets.length).toBe(sockets);
    fireEvent.click(screen.getByRole('button', { name: 'Ask to join again' }));
    await flush();
    expect(screen.getByLabelText<HTMLInputElement>('Your name').value).toBe('Ann');
  });

  it('a close with 4003 alone (the message lost) still stops the reconnects', async () => {
    const { network, clock } = await inTheRoom();
    const sockets = network.sockets.length;
    network.last.drop(CLOSE_CODES.roomEnded);
    clock.advance(60_000);
    await flush();
    expect(network.sockets.length).toBe(sockets);
  });
});
