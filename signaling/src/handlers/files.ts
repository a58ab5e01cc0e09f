import type { FileInfo, Rejection, ToDaemonOf } from '@ferry/common';
import { limits } from '@ferry/common';
import type { Peer } from '../peers';
import type { Room } from '../room';

/** Room actions need approval; a pending or rejected peer gets NOT_APPROVED. */
export function requireApproved(room: Room, peer: Peer, reqId?: string): boolean {
  if (peer.status === 'approved') return true;
  room.error(peer, 'NOT_APPROVED', 'the host has not admitted you to the room', reqId);
  return false;
}

/** Master-only answers: a peer not admitted gets NOT_APPROVED, an admitted one FORBIDDEN. */
export function requireMaster(room: Room, peer: Peer, what: string, reqId?: string): boolean {
  if (peer.isMaster) return true;
  if (!requireApproved(room, peer, reqId)) return false;
  room.error(peer, 'FORBIDDEN', `only the master sends ${what}`, reqId);
  return false;
}

export function handleAddFiles(room: Room, peer: Peer, msg: ToDaemonOf<'ADD_FILES'>): void {
  if (!requireApproved(room, peer, msg.reqId)) return;
  const master = room.peers.master;
  if (!master?.session)
    return room.error(peer, 'MASTER_OFFLINE', 'the host is offline; try again when it is back', msg.reqId);
  const newCount = msg.files.filter((f) => !peer.fileIds.has(f.id)).length;
  if (peer.fileIds.size + newCount > limits.MAX_FILES_PER_PEER) {
    return room.error(
      peer,
      'LIMIT_EXCEEDED',
      `one person shares at most ${limits.MAX_FILES_PER_PEER} files`,
      msg.reqId,
    );
  }
  if (room.files.size + newCount > limits.MAX_FILES_IN_ROOM) {
    return room.error(peer, 'LIMIT_EXCEEDED', `the room holds at most ${limits.MAX_FILES_IN_ROOM} files`, msg.reqId);
  }
  room.send(master, { type: 'ADD_FILES', reqId: msg.reqId, owner: peer.publicId, files: msg.files });
}

export function handleFilesAdded(room: Room, peer: Peer, msg: ToDaemonOf<'FILES_ADDED'>): void {
  if (!requireMaster(room, peer, 'FILES_ADDED', msg.reqId)) return;
  const owner = room.peers.get(msg.owner);
  if (!owner || owner.status !== 'approved')
    return room.error(peer, 'NO_SUCH_PEER', 'no approved peer with that publicId', msg.reqId);
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

export function handleRemoveFile(room: Room, peer: Peer, msg: ToDaemonOf<'REMOVE_FILE'>): void {
  if (!requireApproved(room, peer, msg.reqId)) return;
  const file = room.files.get(msg.fileId);
  if (!file) return room.error(peer, 'NO_SUCH_FILE', 'no such file', msg.reqId);
  if (file.owner !== peer.publicId && !peer.isMaster) {
    return room.error(peer, 'FORBIDDEN', 'only its owner or the master removes a file', msg.reqId);
  }
  const master = room.peers.master;
  if (!master?.session)
    return room.error(peer, 'MASTER_OFFLINE', 'the host is offline; try again when it is back', msg.reqId);
  room.send(master, { type: 'REMOVE_FILE', reqId: msg.reqId, owner: file.owner, by: peer.publicId, fileId: file.id });
}

export function handleFileRemoved(room: Room, peer: Peer, msg: ToDaemonOf<'FILE_REMOVED'>): void {
  if (!requireMaster(room, peer, 'FILE_REMOVED', msg.reqId)) return;
  if (!room.files.has(msg.fileId)) return room.error(peer, 'NO_SUCH_FILE', 'no such file', msg.reqId);
  room.removeFile(msg.fileId, msg.reqId);
}
