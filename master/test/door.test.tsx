// @vitest-environment happy-dom
import type { FromDaemon } from '@ferry/common';
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { MasterSession } from '../src/master-session';
import { addressWithoutToken } from '../src/token';
import { MasterApp } from '../src/ui/master-app';
import { person } from '@ferry/common/test/builders';
import { fakeDeps, flush } from '@ferry/web/test/fakes';

// Issue 11, findings 7 and 13, as the host sees them.

afterEach(cleanup);

describe('Reject all (finding 7)', () => {
  it('appears with two or more requests and sends one REJECT_ALL_PENDING', async () => {
    const fakes = fakeDeps();
    const session = new MasterSession({ ...fakes.deps, token: 'T' });
    render(<MasterApp session={session} joinLink="http://192.168.1.2:8790/" />);
    await session.init();
    await flush();
    fakes.network.last.open();
    const ack: FromDaemon = {
      type: 'MASTER_APP_REGISTER_ACK',
      publicId: 'host',
      privateId: 'secret',
      clients: [
        person('host', 'Host', { isMaster: true }),
        person('cat', 'Cat', { status: 'pending' }),
        person('eve', 'Eve', { status: 'pending', online: false }),
      ],
      files: [],
    };
    fakes.network.last.receive(ack);
    await flush();
    fireEvent.click(screen.getByRole('button', { name: 'Reject all 2 join requests' }));
    expect(fakes.network.last.sentOfType('REJECT_ALL_PENDING')).toHaveLength(1);
  });
});

describe('the token leaves the address bar (finding 13)', () => {
  it('drops only the token from the fragment', () => {
    expect(addressWithoutToken('http://10.0.0.2:8787/master#token=abc')).toBe('http://10.0.0.2:8787/master');
    expect(addressWithoutToken('http://h/master?x=1#token=abc&y=2')).toBe('http://h/master?x=1#y=2');
    expect(addressWithoutToken('http://h/master')).toBeNull();
    expect(addressWithoutToken('http://h/master#y=2')).toBeNull();
  });
});
