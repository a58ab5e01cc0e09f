// @vitest-environment happy-dom
import type { FromDaemon } from '@ferry/common';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { person, shared } from '@ferry/common/test/builders';
import { personCode } from '@ferry/common';
import { fakeDeps, flush } from '@ferry/web/test/fakes';
import { MasterSession } from '../src/master-session';
import { MasterApp } from '../src/ui/master-app';

// Issue 12: people told apart by their code where the host decides, and "End room".

afterEach(cleanup);

const ack: FromDaemon = {
  type: 'MASTER_APP_REGISTER_ACK',
  publicId: 'host',
  privateId: 'secret',
  clients: [
    person('host', 'Host', { isMaster: true }),
    person('ann', 'Ann'),
    // Two requests that read alike: only their codes tell them apart.
    person('alice-1', 'Alice', { status: 'pending' }),
    person('alice-2', 'Alice\u00a0', { status: 'pending' }),
  ],
  files: [shared('f1', 'ann', 'a.txt'), shared('f2', 'host', 'mine.txt')],
};

async function connectedMaster() {
  const fakes = fakeDeps();
  const session = new MasterSession({ ...fakes.deps, token: 'T' });
  render(<MasterApp session={session} joinLink="http://192.168.1.2:8790/" />);
  await session.init();
  fakes.network.last.open();
  fakes.network.last.receive(ack);
  await flush();
  return { ...fakes, session };
}

const section = (heading: RegExp | string) => {
  const found = screen.getByRole('heading', { name: heading }).closest('section');
  if (!found) throw new Error(`no section ${String(heading)}`);
  return found;
};

describe('telling people apart', () => {
  it('shows each join request with its code, and the Approve button is described by it', async () => {
    await connectedMaster();
    const requests = within(section(/^Join requests/)).getAllByRole('listitem');
    const codes = [personCode('alice-1'), personCode('alice-2')];
    expect(codes[0]).not.toBe(codes[1]);
    expect(requests.map((li) => li.textContent)).toEqual([
      expect.stringContaining(`Alice, code ${codes[0]}`),
      expect.stringContaining(`code ${codes[1]}`),
    ]);
    // Both read "Approve Alice" (the daemon refuses only names that fold to the same text).
    const [approve] = screen.getAllByRole('button', { name: 'Approve Alice' });
    if (!approve) throw new Error('no Approve button');
    const describedBy = approve.getAttribute('aria-describedby') ?? '';
    expect(document.getElementById(describedBy)?.textContent).toBe(`Alice, code ${codes[0]}`);
  });

  it('shows the owner of each file group with their code', async () => {
    await connectedMaster();
    const owner = within(section('Shared files')).getByRole('region', { name: 'Files of Ann' });
    expect(owner.textContent).toContain(`Ann, code ${personCode('ann')}`);
  });
});

describe('End room', () => {
  it('asks first, then sends END_ROOM; ROOM_ENDED leaves the host alone in an empty room', async () => {
    const { network } = await connectedMaster();
    fireEvent.click(screen.getByRole('button', { name: 'End room' }));
    await flush();
    expect(screen.getByText(/End this room for everyone\?/)).toBeTruthy();
    expect(network.last.sentOfType('END_ROOM')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'End the room for everyone' }));
    await flush();
    expect(network.last.sentOfType('END_ROOM')).toHaveLength(1);
    network.last.receive({ type: 'ROOM_ENDED' });
    await flush();
    expect(screen.getByText('You ended the room: everyone was let out. New join requests show up above.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Approve Alice' })).toBeNull();
    expect(screen.queryByText('a.txt')).toBeNull();
    expect(screen.queryByText('mine.txt')).toBeNull();
    expect(
      within(section('People'))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([expect.stringMatching(/^Host, code /)]);
    // The fresh room works: a new request shows up.
    network.last.receive({ type: 'NEW_CLIENT_REGISTERED', client: person('zoe', 'Zoe', { status: 'pending' }) });
    await flush();
    expect(screen.getByRole('button', { name: 'Approve Zoe' })).toBeTruthy();
  });

  it('Keep the room changes nothing', async () => {
    const { network } = await connectedMaster();
    fireEvent.click(screen.getByRole('button', { name: 'End room' }));
    await flush();
    fireEvent.click(screen.getByRole('button', { name: 'Keep the room' }));
    await flush();
    expect(network.last.sentOfType('END_ROOM')).toEqual([]);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'End room' }));
    expect(screen.getByText('a.txt')).toBeTruthy();
  });
});
