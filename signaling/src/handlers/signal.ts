import type { ToDaemonOf } from '@ferry/common';
import type { Peer } from '../peers';
import type { MessageContext } from './message-context';

/**
 * Relays a SIGNAL, stamped with its sender (a peer's own `from` never survives parsing). It goes
 * through the recipient's bulk lane, within the SIGNAL budget of both sides (signal-budget.ts):
 * over either, or with the recipient's lane full, only the sender hears of it.
 */
export function handleSignal(ctx: MessageContext, from: Peer, msg: ToDaemonOf<'SIGNAL'>): void {
  const { room } = ctx;
  if (msg.to === from.publicId) return ctx.refuse('BAD_MESSAGE', 'a peer does not signal itself');
  const to = room.peers.get(msg.to);
  // Pending, rejected and offline peers look the same as unknown ones: nothing to signal.
  if (!to || to.status !== 'approved' || !to.session) return ctx.refuse('NO_SUCH_PEER', 'no such peer online');
  const frame = Buffer.from(JSON.stringify({ type: 'SIGNAL', from: from.publicId, data: msg.data }));
  if (!room.signalBudget.take(from, to, frame.length)) {
    return ctx.refuse('RATE_LIMITED', 'too much signaling to or from this peer; slow down');
  }
  if (!to.session.sendRelayed(frame)) {
    return ctx.refuse('RATE_LIMITED', 'this peer is not keeping up with signaling; try again shortly');
  }
}
