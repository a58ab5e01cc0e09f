import type { ToDaemonOf } from '@ferry/common';
import { chunkCount } from '@ferry/common';
import type { Peer } from '../peers';
import type { Room } from '../room';
import { MAX_RANGES_PER_TRANSFER } from '../transfers';
import { requireApproved } from './files';

export function handleRequestChunk(room: Room, asker: Peer, msg: ToDaemonOf<'REQUEST_CHUNK'>): void {
  if (!requireApproved(room, asker, msg.reqId)) return;
  const file = room.files.get(msg.fileId);
  if (!file) return room.error(asker, 'NO_SUCH_FILE', 'no such file', msg.reqId);
  if (file.owner === asker.publicId) return room.error(asker, 'BAD_MESSAGE', 'you own this file', msg.reqId);
  const chunks = chunkCount(file.size, file.chunkSize);
  if (msg.end > chunks) {
    return room.error(asker, 'BAD_MESSAGE', `the file has ${chunks} chunks; end must be at most ${chunks}`, msg.reqId);
  }
  const existing = room.transfers.get(msg.transferId);
  if (existing && (existing.asker !== asker.publicId || existing.fileId !== file.id)) {
    return room.error(asker, 'FORBIDDEN', 'this transferId is in use by another transfer', msg.reqId);
  }
  if (existing && existing.ranges.length >= MAX_RANGES_PER_TRANSFER) {
    return room.error(asker, 'LIMIT_EXCEEDED', 'too many separate ranges on one transfer', msg.reqId);
  }
  const owner = room.peers.get(file.owner);
  if (!owner?.session) return room.error(asker, 'NO_SUCH_PEER', 'the owner of this file is offline', msg.reqId);
  room.transfers.ask(
    {
      transferId: msg.transferId,
      fileId: file.id,
      asker: asker.publicId,
      owner: owner.publicId,
      lastActivityMs: room.options.now(),
    },
    msg.start,
    msg.end,
  );
  room.send(owner, {
    type: 'UPLOAD_CHUNK_REQUEST',
    transferId: msg.transferId,
    fileId: file.id,
    start: msg.start,
    end: msg.end,
    from: asker.publicId,
  });
}

export function handleSignal(room: Room, from: Peer, msg: ToDaemonOf<'SIGNAL'>): void {
  if (!requireApproved(room, from)) return;
  if (msg.to === from.publicId) return room.error(from, 'BAD_MESSAGE', 'a peer does not signal itself');
  const to = room.peers.get(msg.to);
  // Pending, rejected and offline peers look the same as unknown ones: nothing to signal.
  if (!to || to.status !== 'approved' || !to.session) return room.error(from, 'NO_SUCH_PEER', 'no such peer online');
  room.send(to, { type: 'SIGNAL', from: from.publicId, data: msg.data });
}

export function handleCancelTransfer(room: Room, peer: Peer, msg: ToDaemonOf<'CANCEL_TRANSFER'>): void {
  if (!requireApproved(room, peer)) return;
  const transfer = room.transfers.get(msg.transferId);
  if (!transfer) return room.error(peer, 'NO_SUCH_TRANSFER', 'no such transfer');
  if (transfer.asker !== peer.publicId && transfer.owner !== peer.publicId) {
    return room.error(peer, 'FORBIDDEN', 'this transfer is not yours');
  }
  room.endTransfer(transfer.transferId, peer);
}
