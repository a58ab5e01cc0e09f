import { chunkCount, type FileInfo, type FromDaemonOf } from '@ferry/common';
import {
  TransferError,
  type CreateHasher,
  type Download,
  type DownloadSnapshot,
  type DownloadStore,
} from '@ferry/common/transfer';
import type { Clock } from '@ferry/common/transfer';
import type { Logger } from '../platform/types';
import type { ViewStore } from '../session/view-store';
import { itemProblem, parseRecords, presentBits, type AppRole } from './download-records';
import { DownloadRelayBusy } from './download-relay-busy';
import { isTerminalPhase, jobFromRecord, newItem, recordOf, type Job, type JobItem } from './download-job';
import type { DownloadsView } from './download-view';
import { DownloadsPublisher } from './downloads-publisher';
import type { FileSaver } from './file-saver';
import { filesInFolder, zipNameFor } from './folder-zip';
import { JobSaving } from './job-saving';
import { RunningHash } from './running-hash';
import { safeFileName } from './safe-file-name';
import type { ChunkStorage, RecordStorage } from './transfer-storage';

/** The transfer engine's side of a download (TransferService's). */
export interface DownloadEngine {
  download(file: FileInfo, transferId: string, store: DownloadStore, storedBits?: Uint8Array): Download;
  remove(transferId: string): void;
}

/** What the manager reads about the room. */
export interface RoomPort {
  selfId(): string | null;
  files(): readonly FileInfo[];
  isOnline(publicId: string): boolean;
  /** Registered and in the room: requests can reach the daemon. */
  isLive(): boolean;
}

export interface DownloadManagerDeps {
  role: AppRole;
  engine: DownloadEngine;
  room: RoomPort;
  chunks: ChunkStorage;
  records: RecordStorage;
  createHasher: CreateHasher;
  saver: FileSaver;
  clock: Clock;
  newId: () => string;
  logger: Logger;
  /** Files of a folder download fetched at once. */
  folderConcurrency?: number;
  /** Progress reaches the view at most this often. */
  viewEveryMs?: number;
}

/**
 * Every download of this tab: starts them, keeps each chunk and the record of which are stored in
 * IndexedDB, resumes them after a reload, checks and saves finished files, and publishes a
 * throttled view for the Downloads list.
 */
export class DownloadManager {
  private readonly jobs: Job[] = [];
  private readonly byTransfer = new Map<string, [Job, JobItem]>();
  /** Checks under way, by transfer: the engine may ask more than once (see finish). */
  private readonly finishing = new Map<string, Promise<void>>();
  private readonly saving: JobSaving;
  private readonly publisher: DownloadsPublisher;
  private readonly relayHeld: DownloadRelayBusy;
  /** Room states come one after another; each attach waits for the one before. */
  private attaching: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DownloadManagerDeps) {
    this.saving = new JobSaving(deps);
    this.relayHeld = new DownloadRelayBusy(deps.clock, () => this.emitNow());
    this.publisher = new DownloadsPublisher(
      deps.clock,
      deps.viewEveryMs ?? 250,
      () => this.jobs,
      () => deps.room.isLive(),
      (jobId) => this.relayHeld.reasonOf(jobId),
    );
  }

  /** What the Downloads list shows. */
  get view(): ViewStore<DownloadsView> {
    return this.publisher.view;
  }

  /** Files with a download under way. */
  get busy(): ViewStore<ReadonlySet<string>> {
    return this.publisher.busy;
  }

  /** Reads stored downloads (before connecting), and deletes chunks nothing refers to. */
  async load(): Promise<void> {
    // Chunk keys first: any chunk listed now belongs to a record that already exists.
    const stored = await this.deps.chunks.stored();
    const entries = await this.deps.records.list();
    const { jobs, unreadable } = parseRecords(entries, this.deps.role);
    const allRoles = parseRecords(entries, this.deps.role === 'client' ? 'master' : 'client').jobs.concat(jobs);
    const referenced = new Set(allRoles.flatMap((job) => job.items.map((item) => item.transferId)));
    for (const [transferId, indices] of stored) {
      if (!referenced.has(transferId)) await this.deps.chunks.deleteChunks(transferId, indices);
    }
    await this.deps.records.delete(unreadable);
    for (const record of jobs) this.add(jobFromRecord(record));
    this.emitNow();
  }

  /** The room is known (ROOM_STATE, the master's ACK): resume what was stored, follow presence. */
  attach(): Promise<void> {
    this.attaching = this.attaching.then(() => this.attachNow());
    return this.attaching;
  }

  private async attachNow(): Promise<void> {
    const selfId = this.deps.room.selfId();
    if (selfId === null) return;
    const files = this.deps.room.files();
    const waiting = this.jobs.filter(
      (job) => job.phase === 'restoring' || (job.phase === 'paused' && job.items.every((i) => !i.download)),
    );
    const stored = waiting.length > 0 ? await this.deps.chunks.stored() : new Map<string, Set<number>>();
    for (const job of waiting) {
      if (job.asker !== selfId) {
        // Another identity's (the daemon restarted, or this browser left): nothing to resume.
        this.drop(job);
        continue;
      }
      const problem = job.items
        .map((item) => (item.isVerified ? null : itemProblem(item.file, files)))
        .find((p) => p !== null);
      if (problem) {
        this.fail(job, new TransferError(problem));
        continue;
      }
      for (const item of job.items) {
        if (!item.isVerified)
          item.have = presentBits(
            item.have,
            stored.get(item.transferId),
            chunkCount(item.file.size, item.file.chunkSize),
          );
      }
      if (job.phase === 'restoring') {
        job.phase = 'active';
        this.advance(job);
      }
    }
    this.followPresence();
    this.emitNow();
  }

  /** Owners' presence as the room says: waiting downloads go on, others wait. */
  followPresence(): void {
    const isLive = this.deps.room.isLive();
    const listed = new Set(this.deps.room.files().map((f) => f.id));
    for (const job of this.jobs) {
      for (const item of job.items) {
        const download = item.download;
        if (!download) continue;
        if (isLive && !listed.has(item.file.id)) download.fileRemoved();
        else if (isLive && this.deps.room.isOnline(item.file.owner)) download.ownerOnline();
        else download.ownerOffline();
      }
    }
    // Our own connection may be what changed: the list says what the downloads wait for.
    this.emitNow();
  }

  /**
   * RELAY_BUSY: the relay refuses the owner's uploads for one of our transfers for now. The
   * download just waits (the owner retries); its line says why. Unknown transfers are ignored.
   */
  relayBusy(message: FromDaemonOf<'RELAY_BUSY'>): void {
    const entry = this.byTransfer.get(message.transferId);
    if (!entry) return;
    const [job, item] = entry;
    if (item.file.id !== message.fileId || isTerminalPhase(job.phase)) return;
    this.relayHeld.note(job.id, message.reason, message.retryAfterMs);
  }

  isBusy(fileId: string): boolean {
    return this.jobs.some((job) => !isTerminalPhase(job.phase) && job.items.some((item) => item.file.id === fileId));
  }

  async downloadFile(file: FileInfo): Promise<void> {
    await this.begin('file', file.name, undefined, [file]);
  }

  /** Everything `owner` shares in `folder` and below, saved as one ZIP. */
  async downloadFolder(owner: string, folder: string): Promise<void> {
    const files = filesInFolder(this.deps.room.files(), owner, folder);
    if (files.length > 0) await this.begin('folder', folder, folder, files);
  }

  pause(jobId: string): void {
    const job = this.find(jobId);
    if (!job || (job.phase !== 'active' && job.phase !== 'restoring')) return;
    job.phase = 'paused';
    for (const item of job.items) item.download?.pause();
    this.persist(job);
    this.emitNow();
  }

  resume(jobId: string): void {
    const job = this.find(jobId);
    if (job?.phase !== 'paused') return;
    job.phase = 'active';
    for (const item of job.items) item.download?.start();
    this.advance(job);
    this.followPresence();
    this.persist(job);
    this.emitNow();
  }

  cancel(jobId: string): void {
    const job = this.find(jobId);
    if (!job || isTerminalPhase(job.phase) || job.phase === 'saving') return;
    this.end(job, 'cancelled', null);
  }

  /** Forgets finished downloads from the list. */
  clearFinished(): void {
    for (let i = this.jobs.length - 1; i >= 0; i--)
      if (isTerminalPhase(this.jobs[i]?.phase ?? 'active')) this.jobs.splice(i, 1);
    this.emitNow();
  }

  /** The person left the room: every download goes, with its stored chunks. */
  cancelAll(): void {
    for (const job of [...this.jobs]) if (!isTerminalPhase(job.phase)) this.end(job, 'cancelled', null);
    this.jobs.length = 0;
    this.emitNow();
  }

  /**
   * The transfer engine's `finish`: every chunk of one file is stored. Download.receiveChunk
   * (common/src/transfer/download.ts) calls it once for each chunk whose write was still pending
   * when the last one landed; every call gets the one check, so a file is saved once.
   */
  finish(download: Download): Promise<void> {
    const running = this.finishing.get(download.transferId);
    if (running) return running;
    const once = this.finishOnce(download);
    this.finishing.set(download.transferId, once);
    return once;
  }

  private async finishOnce(download: Download): Promise<void> {
    const entry = this.byTransfer.get(download.transferId);
    if (!entry) throw new TransferError('NOT_WANTED');
    const [job, item] = entry;
    const hashed = (await item.hash?.take()) ?? null;
    const parts = await this.saving.verify(item, hashed);
    // A folder's files wait, checked, until all are: then they are saved as one ZIP.
    if (job.kind === 'file') await this.saving.saveFile(job, item, parts);
  }

  destroy(): void {
    this.relayHeld.destroy();
    this.publisher.destroy();
    for (const job of this.jobs) for (const item of job.items) item.unsubscribe?.();
  }

  private async begin(kind: Job['kind'], name: string, folder: string | undefined, files: FileInfo[]): Promise<void> {
    const asker = this.deps.room.selfId();
    if (asker === null || files.some((file) => this.isBusy(file.id))) return;
    const job: Job = {
      id: this.deps.newId(),
      role: this.deps.role,
      asker,
      kind,
      name,
      folder,
      owner: files[0]?.owner ?? '',
      items: files.map((file) => newItem(file, this.deps.newId())),
      phase: 'active',
      error: null,
      target: null,
      writes: Promise.resolve(),
      isWriteQueued: false,
    };
    this.add(job);
    this.emitNow();
    // First, while the click still counts as a gesture: browsers show the picker only then.
    const suggested = kind === 'folder' ? zipNameFor(folder ?? name) : safeFileName(name);
    job.target = await this.deps.saver.chooseTarget(suggested).catch(() => null);
    // The record exists before any chunk does, so no chunk is ever an orphan.
    this.persist(job);
    await job.writes;
    if (job.phase === 'active') this.advance(job);
    this.followPresence();
    this.emitNow();
  }

  /** Starts what an active job should be fetching; saves a folder once every file is checked. */
  private advance(job: Job): void {
    if (job.phase !== 'active') return;
    if (job.items.every((item) => item.isVerified)) {
      if (job.kind === 'folder') void this.saveFolder(job);
      return;
    }
    const limit = job.kind === 'folder' ? (this.deps.folderConcurrency ?? 2) : 1;
    let running = job.items.filter((item) => item.download !== null).length;
    for (const item of job.items) {
      if (running >= limit) break;
      if (item.isVerified || item.download) continue;
      this.startItem(job, item);
      running++;
    }
  }

  private startItem(job: Job, item: JobItem): void {
    const hasStored = item.have.some((byte) => byte !== 0);
    item.hash = this.runningHash(item);
    item.download = this.deps.engine.download(
      item.file,
      item.transferId,
      this.storeFor(job, item),
      hasStored ? item.have : undefined,
    );
    item.snapshot = item.download.snapshot();
    item.unsubscribe = item.download.onChange((snapshot) => this.onSnapshot(job, item, snapshot));
  }

  /**
   * Chunks stored before (a download resumed after a reload) are read back from storage as the
   * hash reaches them, during the download (hashing state does not outlive the page).
   */
  private runningHash(item: JobItem): RunningHash {
    const total = chunkCount(item.file.size, item.file.chunkSize);
    const stored: number[] = [];
    for (let index = 0; index < total; index++)
      if (((item.have[index >> 3] ?? 0) & (1 << (index & 7))) !== 0) stored.push(index);
    const readChunk = async (index: number) => {
      const blob = await this.deps.chunks.get(item.transferId, index);
      return blob ? new Uint8Array(await blob.arrayBuffer()) : undefined;
    };
    return new RunningHash(total, { createHasher: this.deps.createHasher, readChunk }, stored);
  }

  private storeFor(job: Job, item: JobItem): DownloadStore {
    return {
      putChunk: async (index, bytes) => {
        try {
          await this.deps.chunks.put(item.transferId, index, bytes);
          item.hash?.add(index, bytes);
        } catch (error) {
          const isFull = error instanceof DOMException && error.name === 'QuotaExceededError';
          // Failing the job cancels its transfers, so the engine drops this chunk.
          this.fail(
            job,
            isFull ? new TransferError('STORAGE_FULL') : new TransferError('STORAGE_FAILED', {}, { cause: error }),
          );
        }
      },
      saveProgress: (have) => {
        item.have = have.slice();
        this.persist(job);
        return Promise.resolve();
      },
      clear: () => {
        item.hash?.reset();
        return this.deps.chunks.deleteTransfers([item.transferId]);
      },
    };
  }

  private onSnapshot(job: Job, item: JobItem, snapshot: DownloadSnapshot): void {
    const previous = item.snapshot?.status;
    const hasNewChunk = snapshot.bytesDone > (item.snapshot?.bytesDone ?? 0);
    item.snapshot = snapshot;
    // A chunk arrived: whatever held the download back let go of it.
    if (hasNewChunk) this.relayHeld.clear(job.id);
    if (!isTerminalPhase(job.phase)) {
      if (snapshot.status === 'complete') this.itemComplete(job, item);
      else if (snapshot.status === 'failed') {
        const error = snapshot.error ?? new TransferError('FINISH_FAILED');
        this.fail(job, job.kind === 'folder' ? error.inFile(item.file.name) : error);
      }
    }
    if (previous !== snapshot.status) this.emitNow();
    else this.emitSoon();
  }

  private itemComplete(job: Job, item: JobItem): void {
    item.isVerified = true;
    this.release(item);
    if (job.kind === 'file') {
      this.end(job, 'saved', null);
      return;
    }
    this.persist(job);
    this.advance(job);
  }

  private async saveFolder(job: Job): Promise<void> {
    job.phase = 'saving';
    this.emitNow();
    try {
      await this.saving.saveFolder(job);
      this.end(job, 'saved', null);
    } catch (error) {
      this.fail(job, new TransferError('SAVE_FAILED', {}, { cause: error }));
    }
  }

  private fail(job: Job, error: TransferError): void {
    if (!isTerminalPhase(job.phase)) this.end(job, 'failed', error);
  }

  /** Ends a job for good: stops its transfers, deletes its chunks and its record. */
  private end(job: Job, phase: 'saved' | 'failed' | 'cancelled', error: TransferError | null): void {
    job.phase = phase;
    job.error = error;
    this.relayHeld.clear(job.id);
    for (const item of job.items) {
      const download = item.download;
      this.release(item);
      // Tells the owner to stop (CANCEL_TRANSFER); a finished transfer has nothing left to stop.
      if (download && download.status !== 'complete' && download.status !== 'cancelled') download.cancel();
    }
    const transferIds = job.items.map((item) => item.transferId);
    job.writes = job.writes
      .then(() => this.deps.records.delete([job.id]))
      .then(() => this.deps.chunks.deleteTransfers(transferIds))
      .catch((e: unknown) => this.deps.logger.warn('could not clean up a download', e));
    this.emitNow();
  }

  /** Forgets a stored job that is not ours to resume, silently. */
  private drop(job: Job): void {
    this.end(job, 'cancelled', null);
    const index = this.jobs.indexOf(job);
    if (index >= 0) this.jobs.splice(index, 1);
  }

  private release(item: JobItem): void {
    item.unsubscribe?.();
    item.unsubscribe = null;
    if (item.download) this.deps.engine.remove(item.transferId);
    item.download = null;
    item.hash?.reset();
    item.hash = null;
    this.byTransfer.delete(item.transferId);
    this.finishing.delete(item.transferId);
  }

  /** Queues one write of the job's record; writes coalesce and never outlive the job. */
  private persist(job: Job): void {
    if (job.isWriteQueued || isTerminalPhase(job.phase)) return;
    job.isWriteQueued = true;
    job.writes = job.writes.then(async () => {
      job.isWriteQueued = false;
      if (isTerminalPhase(job.phase)) return;
      await this.deps.records
        .put(job.id, recordOf(job))
        .catch((e: unknown) => this.deps.logger.warn('could not store a download', e));
    });
  }

  private add(job: Job): void {
    this.jobs.push(job);
    for (const item of job.items) this.byTransfer.set(item.transferId, [job, item]);
  }

  private find(jobId: string): Job | undefined {
    return this.jobs.find((job) => job.id === jobId);
  }

  private emitSoon(): void {
    this.publisher.soon();
  }

  private emitNow(): void {
    this.publisher.now();
  }
}
