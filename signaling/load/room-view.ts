import { createHash } from 'node:crypto';
import type { ClientInfo, FileInfo, FromDaemon } from '@ferry/common';

/*
 * What one peer believes the room is, rebuilt from the frames it receives: the file list and the
 * approved people (with whether each is online). The master and every simulated client run the
 * same reducer, so "every peer's view equals the master's" is a comparison of two digests.
 */

/** One file as a canonical string: fixed key order, so equal files are equal strings. */
export type FileKey = string;

export interface RoomView {
  files: Map<string, FileKey>;
  /** Every identity this peer has heard of; only approved ones count in the digest. */
  peers: Map<string, { status: ClientInfo['status']; online: boolean; isMaster: boolean }>;
}

export function emptyView(): RoomView {
  return { files: new Map(), peers: new Map() };
}

/**
 * Interns canonical file strings: a thousand simulated peers holding the same 5,000 files share
 * one string per file instead of a thousand.
 */
export class FileInterner {
  private readonly keys = new Map<string, FileKey>();

  key(file: FileInfo): FileKey {
    const key = JSON.stringify([
      file.id,
      file.owner,
      file.name,
      file.size,
      file.chunkSize,
      file.mime ?? null,
      file.lastModified ?? null,
      file.path ?? null,
      file.sha256 ?? null,
    ]);
    const known = this.keys.get(key);
    if (known !== undefined) return known;
    this.keys.set(key, key);
    return key;
  }

  /** Forgets strings no view holds any more (call between phases to bound the worker's memory). */
  retainOnly(views: Iterable<RoomView>): void {
    const live = new Set<string>();
    for (const view of views) for (const key of view.files.values()) live.add(key);
    for (const key of this.keys.keys()) if (!live.has(key)) this.keys.delete(key);
  }
}

function setPeer(view: RoomView, client: ClientInfo): void {
  view.peers.set(client.publicId, { status: client.status, online: client.online, isMaster: client.isMaster === true });
}

function setOnline(view: RoomView, publicId: string, online: boolean): void {
  const peer = view.peers.get(publicId);
  if (peer) peer.online = online;
}

function setMasterOnline(view: RoomView, online: boolean): void {
  for (const peer of view.peers.values()) if (peer.isMaster) peer.online = online;
}

/** Applies one frame from the daemon. Frames that do not change the room view are ignored. */
export function applyToView(view: RoomView, message: FromDaemon, interner: FileInterner): void {
  switch (message.type) {
    case 'MASTER_APP_REGISTER_ACK':
    case 'ROOM_STATE':
      // A snapshot: whatever the peer knew before is replaced.
      view.files.clear();
      view.peers.clear();
      for (const client of message.clients) setPeer(view, client);
      for (const file of message.files) view.files.set(file.id, interner.key(file));
      if (message.type === 'ROOM_STATE') setMasterOnline(view, message.masterOnline);
      return;
    case 'ROOM_STATE_PAGE':
      // The rest of a paged snapshot, read from the live room: entries add to or replace others.
      for (const client of message.clients ?? []) setPeer(view, client);
      for (const file of message.files ?? []) view.files.set(file.id, interner.key(file));
      return;
    case 'NEW_CLIENT_REGISTERED':
    case 'CLIENT_APPROVED':
      return setPeer(view, message.client);
    case 'CLIENT_DIS_APPROVED': {
      const peer = view.peers.get(message.publicId);
      if (peer) peer.status = 'rejected';
      return;
    }
    case 'CLIENT_LEFT':
      view.peers.delete(message.publicId);
      return;
    case 'CLIENT_DISCONNECTED':
      return setOnline(view, message.publicId, false);
    case 'CLIENT_RECONNECTED':
      return setOnline(view, message.publicId, true);
    case 'MASTER_CONNECTED':
      return setMasterOnline(view, true);
    case 'MASTER_DISCONNECTED':
      return setMasterOnline(view, false);
    case 'FILES_ADDED':
      for (const file of message.files) view.files.set(file.id, interner.key({ ...file, owner: message.owner }));
      return;
    case 'FILE_REMOVED':
      view.files.delete(message.fileId);
      return;
    default:
      return;
  }
}

/** The approved people (publicId and online) in a stable order. */
export function approvedLines(view: RoomView): string[] {
  const lines: string[] = [];
  for (const [publicId, peer] of view.peers)
    if (peer.status === 'approved') lines.push(`${publicId}:${peer.online ? 'on' : 'off'}`);
  return lines.sort();
}

export interface ViewDigest {
  fileCount: number;
  filesDigest: string;
  approvedCount: number;
  approvedDigest: string;
}

export function digestView(view: RoomView): ViewDigest {
  const fileKeys = [...view.files.values()].sort();
  const approved = approvedLines(view);
  return {
    fileCount: fileKeys.length,
    filesDigest: createHash('sha256').update(fileKeys.join('\n')).digest('hex'),
    approvedCount: approved.length,
    approvedDigest: createHash('sha256').update(approved.join('\n')).digest('hex'),
  };
}

/** A view in a form that crosses the IPC channel: file keys by id, and the approved lines. */
export interface SerializedView {
  files: [string, FileKey][];
  approved: string[];
}

export function serializeView(view: RoomView): SerializedView {
  return { files: [...view.files.entries()], approved: approvedLines(view) };
}

/** A short human account of how `view` differs from `reference` (for a failing assertion). */
export function describeDifference(view: SerializedView, reference: SerializedView, limit = 5): string[] {
  const out: string[] = [];
  const mine = new Map(view.files);
  const theirs = new Map(reference.files);
  for (const [id, key] of theirs)
    if (mine.get(id) !== key) out.push(`file ${id}: ${mine.has(id) ? 'differs' : 'missing'}`);
  for (const id of mine.keys()) if (!theirs.has(id)) out.push(`file ${id}: extra`);
  const mineApproved = new Set(view.approved);
  const theirApproved = new Set(reference.approved);
  for (const line of theirApproved) if (!mineApproved.has(line)) out.push(`peer ${line}: missing`);
  for (const line of mineApproved) if (!theirApproved.has(line)) out.push(`peer ${line}: extra`);
  return out.slice(0, limit);
}
