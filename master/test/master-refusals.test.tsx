// @vitest-environment happy-dom
import type { FromDaemon } from '@ferry/common';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { MasterSession } from '../src/master-session';
import { MasterApp } from '../src/ui/master-app';
import { person } from '@ferry/common/test/builders';
import { fakeDeps, flush } from '@ferry/web/test/fakes';
import { personLabel } from '@ferry/common';

// Issue 5, guarantee 8, on the host's page: a refusal of what the host clicked is told beside the
// people it was about, naming them.

afterEach(cleanup);

// Notices name people with their code: two people may share a name.
const CAT = personLabel('Cat', 'cat');
const ANN = personLabel('Ann', 'ann');

const ack: FromDaemon = {
  type: 'MASTER_APP_REGISTER_ACK',
  publicId: 'host',
  privateId: 'secret',
  clients: [
    person('host', 'Host', { isMaster: true }),
    person('ann', 'Ann'),
    person('cat', 'Cat', { status: 'pending' }),
  ],
  files: [],
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

describe('MasterApp refusals', () => {
  it.each([
    ['NO_SUCH_PEER', 'no such client', `Could not let ${CAT} in: no such client`],
    [
      'RATE_LIMITED',
      'too many messages; slow down',
      `Could not let ${CAT} in: too many actions at once; wait a moment and try again`,
    ],
  ] as const)('an approval refused with %s is an alert naming the person', async (code, message, shown) => {
    const { network } = await connectedMaster();
    fireEvent.click(screen.getByRole('button', { name: 'Approve Cat' }));
    const [sent] = network.last.sentOfType('APPROVE_CLIENT');
    network.last.receive({ type: 'ERROR', code, message, reqId: sent?.reqId ?? '' });
    await flush();
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(shown);
    // Not in Shared files: beside the people.
    const files = screen.getByRole('heading', { name: 'Shared files' }).closest('section');
    expect(files?.contains(alert)).toBe(false);
    fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    await flush();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('a removal refused names who could not be removed', async () => {
    const { network } = await connectedMaster();
    fireEvent.click(screen.getByRole('button', { name: 'Remove Ann' }));
    const [sent] = network.last.sentOfType('DIS_APPROVE_CLIENT');
    network.last.receive({ type: 'ERROR', code: 'NO_SUCH_PEER', message: 'no such client', reqId: sent?.reqId ?? '' });
    await flush();
    expect(screen.getByRole('alert').textContent).toContain(`Could not remove ${ANN}: no such client`);
  });

  it('a click while the room is out of reach is told at once, not lost', async () => {
    const { network } = await connectedMaster();
    network.last.drop(1006);
    await flush();
    fireEvent.click(screen.getByRole('button', { name: 'Reject Cat' }));
    await flush();
    expect(screen.getByRole('alert').textContent).toContain(
      `Could not turn away ${CAT}: the room is out of reach. Try again once it is back.`,
    );
  });

  it('a confirmed approval leaves nothing to report', async () => {
    const { network } = await connectedMaster();
    fireEvent.click(screen.getByRole('button', { name: 'Approve Cat' }));
    const [sent] = network.last.sentOfType('APPROVE_CLIENT');
    network.last.receive({ type: 'CLIENT_APPROVED', client: person('cat', 'Cat'), reqId: sent?.reqId ?? '' });
    // A late error under the same reqId (it cannot come, but if it did) is not pinned on Cat.
    network.last.receive({ type: 'ERROR', code: 'NO_SUCH_PEER', message: 'no such client', reqId: sent?.reqId ?? '' });
    await flush();
    expect(screen.queryByText(/Could not let Cat in/)).toBeNull();
  });

  it('an error about an answer the page gave a guest on its own is not pinned on the host', async () => {
    const { network, logger } = await connectedMaster();
    network.last.receive({
      type: 'ADD_FILES',
      reqId: 'r-ann',
      owner: 'ann',
      files: [{ id: 'n1', name: 'x.txt', size: 1, chunkSize: 1024 }],
    });
    network.last.receive({
      type: 'ERROR',
      code: 'NO_SUCH_PEER',
      message: 'no approved peer with that publicId',
      reqId: 'r-ann',
    });
    await flush();
    expect(screen.queryByText(/no approved peer/)).toBeNull();
    expect(logger.warnings.some((w) => w.includes('NO_SUCH_PEER'))).toBe(true);
  });

  it('a register turned down by the rate limit says the room is busy and tries again by itself', async () => {
    const fakes = fakeDeps();
    const session = new MasterSession({ ...fakes.deps, token: 'T' });
    render(<MasterApp session={session} joinLink="http://192.168.1.2:8790/" />);
    await session.init();
    fakes.network.last.open();
    fakes.network.last.receive({ type: 'ERROR', code: 'RATE_LIMITED', message: 'too many messages; slow down' });
    await flush();
    expect(screen.getByRole('status').textContent).toMatch(/^The room is busy/);
    const sockets = fakes.network.sockets.length;
    fakes.clock.advance(15_000);
    expect(fakes.network.sockets).toHaveLength(sockets + 1);
    fakes.network.last.open();
    fakes.network.last.receive(ack);
    await flush();
    expect(screen.queryByText(/The room is busy/)).toBeNull();
    expect(screen.getByRole('heading', { name: /Join requests/ })).toBeTruthy();
  });
});
