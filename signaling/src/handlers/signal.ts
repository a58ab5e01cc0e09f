import type { ToDaemonOf } from '@ferry/common';
import type { Peer } from '../peers';
import type { MessageContext } from './message-context';

/** Relays a SIGNAL, stamped with its sender (a peer's own `from` never survives parsing). */
export function handleSignal(ctx: MessageContext, from: Peer, msg: ToDaemonOf<'SIGNAL'>): void {
  const { room } = ctx;
  if (msg.to === from.publicId) return ctx.refuse('BAD_MESSAGE', 'a peer does not signal itself');
  const to = room.peers.get(msg.to);
  // Pending, rejected and offline peers look the same as unknown ones: nothing to signal.
  if (!to || to.status !== 'approved' || !to.session) return ctx.refuse('NO_SUCH_PEER', 'no such peer online');
  room.send(to, { type: 'SIGNAL', from: from.publicId, data: msg.data });
}
