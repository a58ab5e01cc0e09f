import { chunkCount, type FileInfo } from '@ferry/common';
import type { TransferErrorCode } from '@ferry/common/transfer';
import type { Job } from './download-job';

/*
 * What the room says about downloads: whether a stored one may resume (its asker is us, its files
 * still shared as they were, which of its chunks storage really holds), and what a running
 * transfer should do about its owner's presence. Pure: DownloadManager acts on the answers.
 */

/** A job read back from storage that waits for the room to say whether it can go on. */
export const isWaitingForRoom = (job: Job) =>
  job.phase === 'restoring' || (job.phase === 'paused' && job.items.every((item) => !item.download));

export type ResumeDecision =
  /** Another identity's (the daemon restarted, or this browser left): not ours to resume. */
  | { action: 'drop' }
  | { action: 'fail'; code: Extract<TransferErrorCode, 'FILE_NOT_SHARED' | 'FILE_CHANGED'> }
  /** Goes on; `have` is each file's bitmap, keeping only chunks storage holds. */
  | { action: 'resume'; have: Uint8Array[] };

export function resumeDecision(
  job: Job,
  selfId: string,
  listed: readonly FileInfo[],
  stored: ReadonlyMap<string, ReadonlySet<number>>,
): ResumeDecision {
  if (job.asker !== selfId) return { action: 'drop' };
  for (const item of job.items) {
    const code = item.isVerified ? null : itemProblem(item.file, listed);
    if (code) return { action: 'fail', code };
  }
  const have = job.items.map((item) =>
    item.isVerified
      ? item.have
      : presentBits(item.have, stored.get(item.transferId), chunkCount(item.file.size, item.file.chunkSize)),
  );
  return { action: 'resume', have };
}

/** Why a stored download of `wanted` cannot resume against the room's list, or null when it can. */
export function itemProblem(
  wanted: FileInfo,
  listed: readonly FileInfo[],
): Extract<TransferErrorCode, 'FILE_NOT_SHARED' | 'FILE_CHANGED'> | null {
  const file = listed.find((f) => f.id === wanted.id);
  if (!file) return 'FILE_NOT_SHARED';
  const same =
    file.owner === wanted.owner &&
    file.size === wanted.size &&
    file.chunkSize === wanted.chunkSize &&
    file.sha256 === wanted.sha256;
  return same ? null : 'FILE_CHANGED';
}

/**
 * The stored bitmap, keeping only chunks that really are in storage: a bit whose chunk is missing
 * (storage cleared, or a crash between the two writes) is fetched again instead of failing at the end.
 */
export function presentBits(
  have: Uint8Array,
  stored: ReadonlySet<number> | undefined,
  totalChunks: number,
): Uint8Array {
  const bits = new Uint8Array(Math.ceil(totalChunks / 8));
  for (let index = 0; index < totalChunks; index++) {
    const isMarked = ((have[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
    if (isMarked && stored?.has(index)) bits[index >> 3] = (bits[index >> 3] ?? 0) | (1 << (index & 7));
  }
  return bits;
}

/** What the manager reads about the room. */
export interface RoomPort {
  selfId(): string | null;
  files(): readonly FileInfo[];
  isOnline(publicId: string): boolean;
  /** Registered and in the room: requests can reach the daemon. */
  isLive(): boolean;
  /** A data channel to this peer is open (a running download can ask over it without the daemon). */
  hasChannelTo?(publicId: string): boolean;
}

/** The room at one moment, as presenceOf reads it. */
export interface RoomView {
  /** Registered and in the room: requests can reach the daemon. */
  isLive: boolean;
  listed: ReadonlySet<string>;
  isOnline(publicId: string): boolean;
  /** A data channel to this peer is open. */
  hasChannelTo?(publicId: string): boolean;
}

export type PresenceAction = 'file-removed' | 'owner-online' | 'owner-offline';

/**
 * What a running transfer of `file` should hear. While this tab is out of the room (or the daemon
 * lists the owner offline), only a transfer with an open data channel to its owner goes on: it
 * asks over the channel (the engine decides whether it may, TransferService); the rest wait.
 */
export function presenceOf(file: FileInfo, room: RoomView): PresenceAction {
  const hasChannel = room.hasChannelTo?.(file.owner) ?? false;
  if (!room.isLive) return hasChannel ? 'owner-online' : 'owner-offline';
  if (!room.listed.has(file.id)) return 'file-removed';
  return room.isOnline(file.owner) || hasChannel ? 'owner-online' : 'owner-offline';
}
