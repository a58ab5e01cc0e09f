import { CLOSE_CODES } from '@ferry/common';
import type { Peer } from '../peers';
import type { MessageContext } from './message-context';

/**
 * END_ROOM: the host ends the room. Every guest (pending, approved or rejected, online or not) and
 * every file is forgotten, durably, before anyone hears of it; transfers and relay chunks go. Each
 * online guest gets ROOM_ENDED and its socket closes with 4003; the master gets ROOM_ENDED with its
 * reqId and stays, so the daemon goes on with a fresh room that new join requests reach at once.
 * Nothing else is announced: no CLIENT_LEFT or FILE_REMOVED, everyone who would hear them is gone.
 */
export function handleEndRoom(ctx: MessageContext, master: Peer): void {
  const { room } = ctx;
  room.store.clearRoom();
  const fileCount = room.files.size;
  for (const fileId of room.files.keys()) room.listed.remove(fileId);
  room.files.clear();
  master.fileIds.clear();
  for (const transfer of room.transfers.where(() => true)) room.transfers.delete(transfer.transferId);
  room.relay.clear();
  const guests = room.peers.forgetGuests();
  const ended = JSON.stringify({ type: 'ROOM_ENDED' });
  for (const guest of guests) {
    const session = guest.session;
    guest.session = null;
    if (!session) continue;
    // Detached first, so its close announces nothing.
    session.peer = null;
    session.sendText(ended);
    session.close(CLOSE_CODES.roomEnded, 'the host ended the room');
  }
  room.send(master, ctx.reqId === undefined ? { type: 'ROOM_ENDED' } : { type: 'ROOM_ENDED', reqId: ctx.reqId });
  room.options.logger.info(`master ended the room: ${guests.length} guest(s) and ${fileCount} file(s) forgotten`);
}
