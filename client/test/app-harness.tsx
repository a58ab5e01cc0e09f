import type { FromDaemonOf } from '@ferry/common';
import { render } from '@testing-library/preact';
import { ClientSession } from '../src/session/client-session';
import { ClientApp } from '../src/ui/client-app';
import { fakeDeps, flush } from '@ferry/web/test/fakes';

/** The daemon's answer to a first registration: a new person, waiting for the host. */
export const pendingAck: FromDaemonOf<'CLIENT_REGISTER_ACK'> = {
  type: 'CLIENT_REGISTER_ACK',
  publicId: 'me',
  privateId: 's',
  status: 'pending',
  iceServers: [],
  p2p: true,
  masterOnline: true,
};

/** The client app on screen over fakes, its session started. */
export async function startApp() {
  const fakes = fakeDeps();
  const session = new ClientSession(fakes.deps);
  render(<ClientApp session={session} />);
  await session.init();
  await flush();
  return { ...fakes, session };
}
