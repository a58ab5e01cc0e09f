import { chunkCount, chunkLength, type FileInfo, type RelayBusyReason } from '@ferry/common';
import type { Download, DownloadSnapshot, DownloadStatus, TransferError } from '@ferry/common/transfer';
import type { AppRole, StoredJob } from './download-records';
import type { DownloadState, DownloadView } from './download-view';
import type { SaveTarget } from './file-saver';
import type { RunningHash } from './running-hash';

/*
 * One download as the person sees it: a file, or a folder (one transfer per file, saved as one
 * ZIP). The engine's Download objects do the transferring; a job adds what the app needs around
 * them: persistence, saving, and the state shown.
 */

export type JobPhase =
  /** Read back from storage, waiting for the room to say whether it can go on. */
  | 'restoring'
  | 'active'
  | 'paused'
  /** Every file is checked: writing the archive. */
  | 'saving'
  | 'saved'
  | 'failed'
  | 'cancelled';

export interface JobItem {
  readonly file: FileInfo;
  readonly transferId: string;
  have: Uint8Array;
  isVerified: boolean;
  download: Download | null;
  snapshot: DownloadSnapshot | null;
  unsubscribe: (() => void) | null;
  /** The whole-file SHA-256, fed as chunks are stored (while a transfer runs in this tab). */
  hash: RunningHash | null;
}

export interface Job {
  readonly id: string;
  readonly role: AppRole;
  readonly asker: string;
  readonly kind: 'file' | 'folder';
  readonly name: string;
  readonly folder: string | undefined;
  readonly owner: string;
  readonly items: JobItem[];
  phase: JobPhase;
  error: TransferError | null;
  target: SaveTarget | null;
  /** Record writes, in order; a deletion waits for them. */
  writes: Promise<void>;
  isWriteQueued: boolean;
}

export const isTerminalPhase = (phase: JobPhase) => phase === 'saved' || phase === 'failed' || phase === 'cancelled';

export function newItem(file: FileInfo, transferId: string, have?: Uint8Array, isVerified = false): JobItem {
  return {
    file,
    transferId,
    have: have ?? new Uint8Array(Math.ceil(chunkCount(file.size, file.chunkSize) / 8)),
    isVerified,
    download: null,
    snapshot: null,
    unsubscribe: null,
    hash: null,
  };
}

export function jobFromRecord(record: StoredJob): Job {
  const owner = record.items[0]?.file.owner ?? '';
  return {
    id: record.id,
    role: record.role,
    asker: record.asker,
    kind: record.kind,
    name: record.name,
    folder: record.folder,
    owner,
    items: record.items.map((item) => newItem(item.file, item.transferId, item.have, item.isVerified)),
    phase: record.isPaused ? 'paused' : 'restoring',
    error: null,
    target: null,
    writes: Promise.resolve(),
    isWriteQueued: false,
  };
}

export function recordOf(job: Job): StoredJob {
  return {
    version: 1,
    id: job.id,
    role: job.role,
    asker: job.asker,
    kind: job.kind,
    name: job.name,
    ...(job.folder === undefined ? {} : { folder: job.folder }),
    items: job.items.map((item) => ({
      file: item.file,
      transferId: item.transferId,
      have: item.have.slice(),
      isVerified: item.isVerified,
    })),
    isPaused: job.phase === 'paused',
  };
}

/** Bytes of the chunks marked in a bitmap. */
export function bytesInBits(file: FileInfo, have: Uint8Array): number {
  let bytes = 0;
  const total = chunkCount(file.size, file.chunkSize);
  for (let index = 0; index < total; index++) {
    if (((have[index >> 3] ?? 0) & (1 << (index & 7))) !== 0) bytes += chunkLength(file.size, file.chunkSize, index);
  }
  return bytes;
}

function itemBytes(item: JobItem): number {
  if (item.isVerified) return item.file.size;
  return item.snapshot?.bytesDone ?? bytesInBits(item.file, item.have);
}

/** What the live transfers of an active job add up to. */
function activeState(statuses: readonly DownloadStatus[]): DownloadState {
  if (statuses.includes('running')) return 'downloading';
  if (statuses.includes('needs-repick')) return 'needs-repick';
  if (statuses.includes('waiting-owner')) return 'waiting-owner';
  if (statuses.includes('finishing')) return 'checking';
  return 'downloading';
}

function stateOf(job: Job): DownloadState {
  switch (job.phase) {
    case 'restoring':
      return 'waiting-owner';
    case 'active': {
      const live = job.items.filter((item) => item.download !== null && item.snapshot !== null);
      return activeState(live.map((item) => item.snapshot?.status ?? 'running'));
    }
    case 'saving':
      return 'checking';
    case 'paused':
    case 'saved':
    case 'failed':
    case 'cancelled':
      return job.phase;
  }
}

/**
 * `isConnected`: whether this tab is in the room right now. While it is not, a download waiting
 * for its owner is really waiting for our own connection (the owner may be there all along).
 * `relayBusy`: why the relay holds this download back, if it does; shown only while it is
 * downloading (otherwise its state already says what it waits for).
 */
export function viewOf(job: Job, isConnected = true, relayBusy: RelayBusyReason | null = null): DownloadView {
  const ownState = stateOf(job);
  const state = !isConnected && ownState === 'waiting-owner' ? 'waiting-connection' : ownState;
  let bytesDone = 0;
  let totalBytes = 0;
  let bytesPerSecond = 0;
  let route: DownloadView['route'] = null;
  for (const item of job.items) {
    bytesDone += itemBytes(item);
    totalBytes += item.file.size;
    if (item.snapshot) {
      bytesPerSecond += item.snapshot.bytesPerSecond;
      route = item.snapshot.route ?? route;
    }
  }
  const isMoving = state === 'downloading' && bytesPerSecond > 0;
  return {
    id: job.id,
    kind: job.kind,
    name: job.name,
    state,
    error: job.error,
    bytesDone: job.phase === 'saved' ? totalBytes : bytesDone,
    totalBytes,
    bytesPerSecond: isMoving ? bytesPerSecond : 0,
    secondsLeft: isMoving ? (totalBytes - bytesDone) / bytesPerSecond : null,
    route,
    relayBusy: state === 'downloading' ? relayBusy : null,
  };
}
