import { chunkCount, type FileInfo } from '@ferry/common';
import type { Download, DownloadSnapshot, TransferError } from '@ferry/common/transfer';
import type { AppRole, StoredJob } from './download-records';
import type { SaveTarget } from './file-saver';
import type { JobPhase } from './job-machine';
import type { RunningHash } from './running-hash';

/*
 * One download as the person sees it: a file, or a folder (one transfer per file, saved as one
 * ZIP). The engine's Download objects do the transferring; a job adds what the app needs around
 * them: persistence, saving, and the state shown (job-view.ts).
 */

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
  /** A folder's empty folders (their paths as listed), kept in its ZIP; none for a file. */
  readonly emptyFolders: readonly string[];
  readonly owner: string;
  readonly items: JobItem[];
  phase: JobPhase;
  error: TransferError | null;
  target: SaveTarget | null;
  /** Record writes, in order; a deletion waits for them. */
  writes: Promise<void>;
  isWriteQueued: boolean;
}

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

/** A new job, fetching from the start. */
export function newJob(
  fields: Pick<Job, 'id' | 'role' | 'asker' | 'kind' | 'name' | 'folder'> & Partial<Pick<Job, 'emptyFolders'>>,
  files: readonly FileInfo[],
  newId: () => string,
): Job {
  return {
    emptyFolders: [],
    ...fields,
    owner: files[0]?.owner ?? '',
    items: files.map((file) => newItem(file, newId())),
    phase: 'active',
    error: null,
    target: null,
    writes: Promise.resolve(),
    isWriteQueued: false,
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
    emptyFolders: record.emptyFolders ?? [],
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
    ...(job.emptyFolders.length === 0 ? {} : { emptyFolders: [...job.emptyFolders] }),
    items: job.items.map((item) => ({
      file: item.file,
      transferId: item.transferId,
      have: item.have.slice(),
      isVerified: item.isVerified,
    })),
    isPaused: job.phase === 'paused',
  };
}
