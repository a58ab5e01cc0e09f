import type { FileInfo } from '@ferry/common';
import { TransferError, type Download, type DownloadSnapshot, type DownloadStore } from '@ferry/common/transfer';
import type { Job, JobItem } from './download-job';
import { isTerminalPhase, type JobEvent } from './job-machine';
import { presenceOf, type RoomView } from './job-room';
import type { JobSaving } from './job-saving';
import type { JobStorage } from './job-storage';

/** The transfer engine's side of a download (TransferService's). */
export interface DownloadEngine {
  download(file: FileInfo, transferId: string, store: DownloadStore, storedBits?: Uint8Array): Download;
  remove(transferId: string): void;
}

export interface JobTransfersDeps {
  engine: DownloadEngine;
  storage: JobStorage;
  saving: JobSaving;
  /** Files of a folder download fetched at once. */
  folderConcurrency: number;
  /** What a transfer's news (or a chunk that could not be stored) means for its job. */
  onEvent(job: Job, event: JobEvent): void;
  /** A new chunk of `job` is stored. */
  onChunk(job: Job): void;
  /** A transfer moved on; `isNewStatus` when its status changed, not just its progress. */
  onUpdate(isNewStatus: boolean): void;
}

/**
 * The engine's side of jobs: one Download per file being fetched, started with its stored bitmap,
 * its store and its running hash, told what the room says, and let go of when its file is checked
 * or its job ends; what each transfer reports becomes events of its job. Finds the job and file of
 * a transferId.
 */
export class JobTransfers {
  private readonly byTransfer = new Map<string, [Job, JobItem]>();

  constructor(private readonly deps: JobTransfersDeps) {}

  track(job: Job): void {
    for (const item of job.items) this.byTransfer.set(item.transferId, [job, item]);
  }

  /** The job and file of a transfer still under way. */
  entry(transferId: string): [Job, JobItem] | undefined {
    return this.byTransfer.get(transferId);
  }

  /** Starts the files of `job` not yet fetched: one at a time, a few for a folder. */
  fill(job: Job): void {
    const limit = job.kind === 'folder' ? this.deps.folderConcurrency : 1;
    let running = job.items.filter((item) => item.download !== null).length;
    for (const item of job.items) {
      if (running >= limit) break;
      if (item.isVerified || item.download) continue;
      this.start(job, item);
      running++;
    }
  }

  /** Each running transfer hears whether its file is still shared and its owner there. */
  followPresence(jobs: readonly Job[], room: RoomView): void {
    for (const job of jobs) {
      for (const { download } of job.items) {
        if (!download) continue;
        const action = presenceOf(download.file, room);
        if (action === 'file-removed') download.fileRemoved();
        else if (action === 'owner-online') download.ownerOnline();
        else download.ownerOffline();
      }
    }
  }

  /** Lets go of one file's transfer (checked, or its job ended). */
  release(item: JobItem): void {
    item.unsubscribe?.();
    item.unsubscribe = null;
    if (item.download) this.deps.engine.remove(item.transferId);
    item.download = null;
    item.hash?.reset();
    item.hash = null;
    this.byTransfer.delete(item.transferId);
    this.deps.saving.forget(item.transferId);
  }

  /** The job is over: its transfers stop, and owners still sending are told to stop. */
  stop(job: Job): void {
    for (const item of job.items) {
      const download = item.download;
      this.release(item);
      // CANCEL_TRANSFER; a finished transfer has nothing left to stop.
      if (download && download.status !== 'complete' && download.status !== 'cancelled') download.cancel();
    }
  }

  /** The page goes: no more snapshots. */
  destroy(jobs: readonly Job[]): void {
    for (const job of jobs) for (const item of job.items) item.unsubscribe?.();
  }

  private start(job: Job, item: JobItem): void {
    const hasStored = item.have.some((byte) => byte !== 0);
    item.hash = this.deps.saving.runningHash(item);
    const store = this.deps.storage.downloadStore(job, item, (error) =>
      this.deps.onEvent(job, { type: 'failed', error }),
    );
    item.download = this.deps.engine.download(item.file, item.transferId, store, hasStored ? item.have : undefined);
    item.snapshot = item.download.snapshot();
    item.unsubscribe = item.download.onChange((snapshot) => this.onSnapshot(job, item, snapshot));
  }

  private onSnapshot(job: Job, item: JobItem, snapshot: DownloadSnapshot): void {
    const previous = item.snapshot;
    item.snapshot = snapshot;
    if (snapshot.bytesDone > (previous?.bytesDone ?? 0)) this.deps.onChunk(job);
    if (!isTerminalPhase(job.phase)) {
      if (snapshot.status === 'complete') {
        item.isVerified = true;
        this.release(item);
        this.deps.onEvent(job, { type: 'file-verified' });
      } else if (snapshot.status === 'failed') {
        const error = snapshot.error ?? new TransferError('FINISH_FAILED');
        this.deps.onEvent(job, { type: 'failed', error: job.kind === 'folder' ? error.inFile(item.file.name) : error });
      }
    }
    this.deps.onUpdate(previous?.status !== snapshot.status);
  }
}
