import type { ToDaemonOf } from '@ferry/common';
import { chunkCount } from '@ferry/common';
import type { Peer } from '../peers';
import { MAX_RANGES_PER_TRANSFER } from '../transfer-registry';
import type { MessageContext } from './message-context';

export function handleRequestChunk(ctx: MessageContext, asker: Peer, msg: ToDaemonOf<'REQUEST_CHUNK'>): void {
  const { room } = ctx;
  const file = room.files.get(msg.fileId);
  // A direct offer is fetched by its recipient only; to anyone else it is an unknown file, so
  // that nothing leaks (not even the master, which lists it but is not whom it was sent to).
  const isForSomeoneElse = file?.to !== undefined && file.to !== asker.publicId && file.owner !== asker.publicId;
  if (!file || isForSomeoneElse) return ctx.refuse('NO_SUCH_FILE', 'no such file');
  if (file.owner === asker.publicId) return ctx.refuse('BAD_MESSAGE', 'you own this file');
  // A text post has no bytes to send: its text is in the listing, and its owner serves nothing.
  if (file.text !== undefined)
    return ctx.refuse('BAD_MESSAGE', 'this is a text post: its text is in the list, there is nothing to download');
  if (file.folder !== undefined)
    return ctx.refuse('BAD_MESSAGE', 'this is an empty folder: there is nothing to download');
  const chunks = chunkCount(file.size, file.chunkSize);
  if (msg.end > chunks) {
    return ctx.refuse('BAD_MESSAGE', `the file has ${chunks} chunks; end must be at most ${chunks}`);
  }
  const existing = room.transfers.get(msg.transferId);
  if (existing && (existing.asker !== asker.publicId || existing.fileId !== file.id)) {
    return ctx.refuse('FORBIDDEN', 'this transferId is in use by another transfer');
  }
  if (existing && existing.ranges.length >= MAX_RANGES_PER_TRANSFER) {
    return ctx.refuse('LIMIT_EXCEEDED', 'too many separate ranges on one transfer');
  }
  const owner = room.peers.get(file.owner);
  if (!owner?.session) return ctx.refuse('NO_SUCH_PEER', 'the owner of this file is offline');
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

export function handleCancelTransfer(ctx: MessageContext, peer: Peer, msg: ToDaemonOf<'CANCEL_TRANSFER'>): void {
  const { room } = ctx;
  const transfer = room.transfers.get(msg.transferId);
  if (!transfer) return ctx.refuse('NO_SUCH_TRANSFER', 'no such transfer');
  if (transfer.asker !== peer.publicId && transfer.owner !== peer.publicId) {
    return ctx.refuse('FORBIDDEN', 'this transfer is not yours');
  }
  room.endTransfer(transfer.transferId, peer);
}
