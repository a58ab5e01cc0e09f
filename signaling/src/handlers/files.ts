import type { FileInfo, FileOffer, FromDaemonOf, Rejection, ToDaemonOf } from '@ferry/common';
import { FEATURES, limits, listedFileBytes, utf8ByteCount, worstFilesAddedBytes } from '@ferry/common';
import type { Peer } from '../peers';
import type { Room } from '../room';
import type { MessageContext } from './message-context';

const MIB = 1024 * 1024;

/**
 * Listed bytes of `owner` and of the room once `files` are listed (a listed id of the same owner
 * is replaced, not added; an id repeated in the request counts once).
 */
function listedAfter(
  room: Room,
  owner: string,
  files: readonly FileOffer[],
): { owner: number; room: number; offered: number } {
  const seen = new Map<string, number>();
  for (const offer of files) seen.set(offer.id, listedFileBytes({ ...offer, owner }));
  let delta = 0;
  let offered = 0;
  for (const [id, bytes] of seen) {
    const current = room.files.get(id);
    delta += bytes - (current?.owner === owner ? room.listed.fileBytes(id) : 0);
    offered += bytes;
  }
  return { owner: room.listed.of(owner) + delta, room: room.listed.total + delta, offered };
}

export function handleAddFiles(ctx: MessageContext, peer: Peer, msg: ToDaemonOf<'ADD_FILES'>): void {
  const { room } = ctx;
  const master = room.peers.master;
  if (!master?.session) return ctx.refuse('MASTER_OFFLINE', 'the host is offline; try again when it is back');
  const newCount = msg.files.filter((f) => !peer.fileIds.has(f.id)).length;
  if (peer.fileIds.size + newCount > limits.MAX_FILES_PER_PEER) {
    return ctx.refuse('LIMIT_EXCEEDED', `one person shares at most ${limits.MAX_FILES_PER_PEER} files`);
  }
  if (room.files.size + newCount > limits.MAX_FILES_IN_ROOM) {
    return ctx.refuse('LIMIT_EXCEEDED', `the room holds at most ${limits.MAX_FILES_IN_ROOM} files`);
  }
  // The master answers with `owner` added to every file: a request just under the frame limit
  // would make that answer one the daemon must refuse by closing the master's socket.
  if (worstFilesAddedBytes(msg.reqId, peer.publicId, msg.files) > limits.MAX_FRAME_BYTES) {
    return ctx.refuse('LIMIT_EXCEEDED', 'the answer to this request would not fit in one message; send fewer files');
  }
  const after = listedAfter(room, peer.publicId, msg.files);
  if (after.owner > limits.MAX_LISTED_BYTES_PER_PEER) {
    return ctx.refuse(
      'LIMIT_EXCEEDED',
      `one person's shared list holds at most ${limits.MAX_LISTED_BYTES_PER_PEER / MIB} MiB of names and paths`,
    );
  }
  if (after.room > limits.MAX_LISTED_BYTES_IN_ROOM) {
    return ctx.refuse(
      'LIMIT_EXCEEDED',
      `the room's file list holds at most ${limits.MAX_LISTED_BYTES_IN_ROOM / MIB} MiB of names and paths`,
    );
  }
  // Every listed byte is broadcast to everyone: what one peer may offer per second bounds what
  // it can make the daemon send (adding and removing the same files in a loop included).
  if (!room.listingRate.take(peer, after.offered)) {
    return ctx.refuse('RATE_LIMITED', 'too many files offered at once; Ferry tries again in a moment');
  }
  room.send(master, { type: 'ADD_FILES', reqId: msg.reqId, owner: peer.publicId, files: msg.files });
}

export function handleFilesAdded(ctx: MessageContext, msg: ToDaemonOf<'FILES_ADDED'>): void {
  const { room } = ctx;
  const owner = room.peers.get(msg.owner);
  if (!owner || owner.status !== 'approved') return ctx.refuse('NO_SUCH_PEER', 'no approved peer with that publicId');
  const accepted: FileInfo[] = [];
  const rejected: Rejection[] = [...msg.rejected];
  // Decided first, stored in one transaction, applied and announced last.
  const listed = new Map<string, FileInfo>();
  let ownerCount = owner.fileIds.size;
  let roomCount = room.files.size;
  // The budgets hold here too: the master's own files come this way without an ADD_FILES.
  let ownerBytes = room.listed.of(owner.publicId);
  let roomBytes = room.listed.total;
  for (const offered of msg.files) {
    // The owner is the message's, whatever a file claims; an id held by someone else stays theirs.
    const file: FileInfo = { ...offered, owner: owner.publicId };
    const current = listed.get(file.id) ?? room.files.get(file.id);
    const grows = listedFileBytes(file) - (current ? listedFileBytes(current) : 0);
    if (current && current.owner !== owner.publicId) {
      rejected.push({ id: file.id, reason: 'a file with this id is already shared by someone else' });
    } else if (!current && (ownerCount >= limits.MAX_FILES_PER_PEER || roomCount >= limits.MAX_FILES_IN_ROOM)) {
      rejected.push({ id: file.id, reason: 'file limit reached' });
    } else if (
      ownerBytes + grows > limits.MAX_LISTED_BYTES_PER_PEER ||
      roomBytes + grows > limits.MAX_LISTED_BYTES_IN_ROOM
    ) {
      rejected.push({ id: file.id, reason: 'file list budget reached' });
    } else {
      if (!current) {
        ownerCount++;
        roomCount++;
      }
      ownerBytes += grows;
      roomBytes += grows;
      listed.set(file.id, file);
      accepted.push(file);
    }
  }
  room.putFiles(owner, [...listed.values()]);
  room.broadcastFilesAdded({ type: 'FILES_ADDED', reqId: msg.reqId, owner: owner.publicId, files: accepted, rejected });
}

export function handleRemoveFile(ctx: MessageContext, peer: Peer, msg: ToDaemonOf<'REMOVE_FILE'>): void {
  const { room } = ctx;
  const file = room.files.get(msg.fileId);
  // A direct offer for someone else is answered as an unknown file: its existence does not leak.
  if (!file || !room.canSee(peer, file)) return ctx.refuse('NO_SUCH_FILE', 'no such file');
  if (file.owner !== peer.publicId && !peer.isMaster && file.to !== peer.publicId) {
    return ctx.refuse('FORBIDDEN', 'only its owner, its recipient or the master removes a file');
  }
  const master = room.peers.master;
  if (!master?.session) return ctx.refuse('MASTER_OFFLINE', 'the host is offline; try again when it is back');
  room.send(master, { type: 'REMOVE_FILE', reqId: msg.reqId, owner: file.owner, by: peer.publicId, fileId: file.id });
}

/**
 * REMOVE_FILE for many files. Ids not listed, or not visible to the sender, are skipped: in an
 * honest race they are already gone, and a folder must not fail for it (only when none is left is
 * it NO_SUCH_FILE). One the sender may not remove refuses the whole message: nothing goes.
 */
export function handleRemoveFiles(ctx: MessageContext, peer: Peer, msg: ToDaemonOf<'REMOVE_FILES'>): void {
  const { room } = ctx;
  const byOwner = new Map<string, string[]>();
  for (const fileId of msg.fileIds) {
    const file = room.files.get(fileId);
    if (!file || !room.canSee(peer, file)) continue;
    if (file.owner !== peer.publicId && !peer.isMaster && file.to !== peer.publicId) {
      return ctx.refuse('FORBIDDEN', 'only its owner, its recipient or the master removes a file; nothing was removed');
    }
    const ids = byOwner.get(file.owner);
    if (ids) ids.push(file.id);
    else byOwner.set(file.owner, [file.id]);
  }
  if (byOwner.size === 0) return ctx.refuse('NO_SUCH_FILE', 'none of these files is listed');
  const master = room.peers.master;
  if (!master?.session) return ctx.refuse('MASTER_OFFLINE', 'the host is offline; try again when it is back');
  const forwards = [...byOwner].map(([owner, fileIds]): FromDaemonOf<'REMOVE_FILES'> => ({
    type: 'REMOVE_FILES',
    reqId: msg.reqId,
    owner,
    by: peer.publicId,
    fileIds,
  }));
  // What the master is sent is charged like an offer: asking again and again for files the master
  // has not removed yet must not let one peer flood the master's socket.
  const bytes = forwards.reduce((sum, m) => sum + utf8ByteCount(JSON.stringify(m)), 0);
  if (!room.listingRate.take(peer, bytes)) {
    return ctx.refuse('RATE_LIMITED', 'too many files at once; Ferry tries again in a moment');
  }
  if (master.session.features.has(FEATURES.removeFiles)) {
    for (const forward of forwards) room.send(master, forward);
    return;
  }
  // A master that knows only the contract decides each file as a REMOVE_FILE.
  for (const { reqId, owner, by, fileIds } of forwards) {
    for (const fileId of fileIds) room.send(master, { type: 'REMOVE_FILE', reqId, owner, by, fileId });
  }
}

/** The master's FILES_REMOVED: ids no longer listed are skipped (removed meanwhile); none listed is NO_SUCH_FILE. */
export function handleFilesRemoved(ctx: MessageContext, msg: ToDaemonOf<'FILES_REMOVED'>): void {
  if (ctx.room.removeFiles(msg.fileIds, msg.reqId) === 0) ctx.refuse('NO_SUCH_FILE', 'none of these files is listed');
}

export function handleFileRemoved(ctx: MessageContext, msg: ToDaemonOf<'FILE_REMOVED'>): void {
  const { room } = ctx;
  if (!room.files.has(msg.fileId)) return ctx.refuse('NO_SUCH_FILE', 'no such file');
  room.removeFile(msg.fileId, msg.reqId);
}
