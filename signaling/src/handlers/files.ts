import type { FileInfo, Rejection, ToDaemonOf } from '@ferry/common';
import { limits } from '@ferry/common';
import type { Peer } from '../peers';
import type { MessageContext } from './message-context';

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
  for (const offered of msg.files) {
    // The owner is the message's, whatever a file claims; an id held by someone else stays theirs.
    const file: FileInfo = { ...offered, owner: owner.publicId };
    const current = listed.get(file.id) ?? room.files.get(file.id);
    if (current && current.owner !== owner.publicId) {
      rejected.push({ id: file.id, reason: 'a file with this id is already shared by someone else' });
    } else if (!current && (ownerCount >= limits.MAX_FILES_PER_PEER || roomCount >= limits.MAX_FILES_IN_ROOM)) {
      rejected.push({ id: file.id, reason: 'file limit reached' });
    } else {
      if (!current) {
        ownerCount++;
        roomCount++;
      }
      listed.set(file.id, file);
      accepted.push(file);
    }
  }
  room.putFiles(owner, [...listed.values()]);
  room.broadcastApproved({ type: 'FILES_ADDED', reqId: msg.reqId, owner: owner.publicId, files: accepted, rejected });
}

export function handleRemoveFile(ctx: MessageContext, peer: Peer, msg: ToDaemonOf<'REMOVE_FILE'>): void {
  const { room } = ctx;
  const file = room.files.get(msg.fileId);
  if (!file) return ctx.refuse('NO_SUCH_FILE', 'no such file');
  if (file.owner !== peer.publicId && !peer.isMaster) {
    return ctx.refuse('FORBIDDEN', 'only its owner or the master removes a file');
  }
  const master = room.peers.master;
  if (!master?.session) return ctx.refuse('MASTER_OFFLINE', 'the host is offline; try again when it is back');
  room.send(master, { type: 'REMOVE_FILE', reqId: msg.reqId, owner: file.owner, by: peer.publicId, fileId: file.id });
}

export function handleFileRemoved(ctx: MessageContext, msg: ToDaemonOf<'FILE_REMOVED'>): void {
  const { room } = ctx;
  if (!room.files.has(msg.fileId)) return ctx.refuse('NO_SUCH_FILE', 'no such file');
  room.removeFile(msg.fileId, msg.reqId);
}
