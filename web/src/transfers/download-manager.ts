import { hasBytes, isFolderEntry, safeFileName, type FileInfo, type FromDaemonOf } from '@ferry/common';
import { TransferError, type Clock, type CreateHasher, type Download, type DownloadPath } from '@ferry/common/transfer';
import type { Logger } from '../platform/types';
import type { ViewStore } from '../session/view-store';
import { newJob, type Job } from './download-job';
import type { AppRole } from './download-records';
import { DownloadRelayBusy } from './download-relay-busy';
import type { DownloadsView } from './download-view';
import { DownloadsPublisher } from './downloads-publisher';
import type { FileSaver } from './file-saver';
import { batchProgress, missingBatches } from '../files/folder-batches';
import { filesInFolder, zipNameFor } from './folder-zip';
import { isTerminalPhase, transition, type JobEffect, type JobEvent } from './job-machine';
import { isWaitingForRoom, resumeDecision, type RoomPort } from './job-room';
import { JobSaving } from './job-saving';
import { JobStorage } from './job-storage';
import { JobTransfers, type DownloadEngine } from './job-transfers';
import type { ChunkStorage, RecordStorage } from './transfer-storage';

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
  /** How the bytes from `owner` will come, for downloads with no chunk yet. */
  pathFrom?(owner: string): DownloadPath;
  /** Files of a folder download fetched at once. */
  folderConcurrency?: number;
  /** Progress reaches the view at most this often. */
  viewEveryMs?: number;
}

/**
 * Every download of this tab, as jobs (a file, or a folder saved as one ZIP). A thin coordinator:
 * job-machine.ts says what each event does to a job and job-room.ts what the room allows; this
 * class carries that out with job-transfers.ts (the engine's Downloads), job-storage.ts (records
 * and chunks in IndexedDB), job-saving.ts (checking and saving) and the publisher (the list).
 */
export class DownloadManager {
  private readonly jobs: Job[] = [];
  private readonly storage: JobStorage;
  private readonly saving: JobSaving;
  private readonly transfers: JobTransfers;
  private readonly publisher: DownloadsPublisher;
  private readonly relayHeld: DownloadRelayBusy;
  /** Room states come one after another; each attach waits for the one before. */
  private attaching: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DownloadManagerDeps) {
    this.storage = new JobStorage(deps);
    this.saving = new JobSaving(deps);
    this.transfers = new JobTransfers({
      engine: deps.engine,
      storage: this.storage,
      saving: this.saving,
      folderConcurrency: deps.folderConcurrency ?? 2,
      onEvent: (job, event) => this.dispatch(job, event),
      // A chunk arrived: whatever held the download back let go of it.
      onChunk: (job) => this.relayHeld.clear(job.id),
      onUpdate: (isNewStatus) => (isNewStatus ? this.publisher.now() : this.publisher.soon()),
    });
    this.relayHeld = new DownloadRelayBusy(deps.clock, () => this.publisher.now());
    this.publisher = new DownloadsPublisher(
      deps.clock,
      deps.viewEveryMs ?? 250,
      () => this.jobs,
      () => deps.room.isLive(),
      (jobId) => this.relayHeld.reasonOf(jobId),
      (owner) => deps.pathFrom?.(owner) ?? 'connecting',
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

  /** A connection to a peer opened, closed or failed: what downloads with no chunk yet say may change. */
  linksChanged(): void {
    this.publisher.now();
  }

  /** Reads stored downloads (before connecting), and deletes chunks nothing refers to. */
  async load(): Promise<void> {
    for (const job of await this.storage.load()) this.add(job);
    this.publisher.now();
  }

  /** The room is known (ROOM_STATE, the master's ACK): resume what was stored, follow presence. */
  attach(): Promise<void> {
    this.attaching = this.attaching.then(() => this.attachNow());
    return this.attaching;
  }

  private async attachNow(): Promise<void> {
    const selfId = this.deps.room.selfId();
    if (selfId === null) return;
    const waiting = this.jobs.filter(isWaitingForRoom);
    const stored = waiting.length > 0 ? await this.storage.storedChunks() : new Map<string, Set<number>>();
    for (const job of waiting) {
      const decision = resumeDecision(job, selfId, this.deps.room.files(), stored);
      if (decision.action === 'drop') this.drop(job);
      else if (decision.action === 'fail')
        this.dispatch(job, { type: 'failed', error: new TransferError(decision.code) });
      else {
        job.items.forEach((item, i) => (item.have = decision.have[i] ?? item.have));
        this.dispatch(job, { type: 'room-ready' });
      }
    }
    this.followPresence();
  }

  /** Owners' presence as the room says: waiting downloads go on, others wait. */
  followPresence(): void {
    const { room } = this.deps;
    this.transfers.followPresence(this.jobs, {
      isLive: room.isLive(),
      listed: new Set(room.files().map((f) => f.id)),
      isOnline: (publicId) => room.isOnline(publicId),
      hasChannelTo: (publicId) => room.hasChannelTo?.(publicId) ?? false,
    });
    // Our own connection may be what changed: the list says what the downloads wait for.
    this.publisher.now();
  }

  /**
   * RELAY_BUSY: the relay refuses the owner's uploads for one of our transfers for now. The
   * download just waits (the owner retries); its line says why. Unknown transfers are ignored.
   */
  relayBusy(message: FromDaemonOf<'RELAY_BUSY'>): void {
    const [job, item] = this.transfers.entry(message.transferId) ?? [];
    if (!job || item?.file.id !== message.fileId || isTerminalPhase(job.phase)) return;
    this.relayHeld.note(job.id, message.reason, message.retryAfterMs);
  }

  isBusy(fileId: string): boolean {
    return this.jobs.some((job) => !isTerminalPhase(job.phase) && job.items.some((item) => item.file.id === fileId));
  }

  async downloadFile(file: FileInfo): Promise<void> {
    await this.begin('file', file.name, undefined, [file]);
  }

  /**
   * Everything `owner` shares in `folder` and below, saved as one ZIP. Refused while a folder
   * shared there is still being added (some of its batch is not listed yet): the ZIP would miss
   * files the owner shared, and still be saved. The list shows such a folder as being added.
   */
  async downloadFolder(owner: string, folder: string): Promise<void> {
    const listed = this.deps.room.files();
    const entries = filesInFolder(listed, owner, folder);
    const files = entries.filter(hasBytes);
    if (files.length === 0) return;
    const missing = missingBatches(entries, batchProgress(listed));
    if (missing !== null) {
      this.deps.logger.warn(`not downloading ${folder}: ${missing.listed} of its ${missing.total} files are listed`);
      return;
    }
    const emptyFolders = entries.flatMap((entry) => (isFolderEntry(entry) && entry.path ? [entry.path] : []));
    await this.begin('folder', folder, folder, files, emptyFolders);
  }

  pause(jobId: string): void {
    this.dispatchTo(jobId, { type: 'pause' });
  }

  resume(jobId: string): void {
    this.dispatchTo(jobId, { type: 'resume' });
  }

  cancel(jobId: string): void {
    this.dispatchTo(jobId, { type: 'cancel' });
  }

  /** Forgets finished downloads from the list. */
  clearFinished(): void {
    for (let i = this.jobs.length - 1; i >= 0; i--)
      if (isTerminalPhase(this.jobs[i]?.phase ?? 'active')) this.jobs.splice(i, 1);
    this.publisher.now();
  }

  /** The person left the room: every download goes, with its stored chunks. */
  cancelAll(): void {
    for (const job of [...this.jobs]) this.dispatch(job, { type: 'discard' });
    this.jobs.length = 0;
    this.publisher.now();
  }

  /** The transfer engine's `finish`: every chunk of one file is stored (JobSaving.finish). */
  finish(download: Download): Promise<void> {
    const entry = this.transfers.entry(download.transferId);
    if (!entry) return Promise.reject(new TransferError('NOT_WANTED'));
    return this.saving.finish(...entry);
  }

  destroy(): void {
    this.relayHeld.destroy();
    this.publisher.destroy();
    this.transfers.destroy(this.jobs);
  }

  private async begin(
    kind: Job['kind'],
    name: string,
    folder: string | undefined,
    files: FileInfo[],
    emptyFolders: string[] = [],
  ): Promise<void> {
    const asker = this.deps.room.selfId();
    if (asker === null || files.some((file) => this.isBusy(file.id))) return;
    const { role, newId } = this.deps;
    const job = newJob({ id: newId(), role, asker, kind, name, folder, emptyFolders }, files, newId);
    this.add(job);
    this.publisher.now();
    // First, while the click still counts as a gesture: browsers show the picker only then.
    const suggested = kind === 'folder' ? zipNameFor(folder ?? name) : safeFileName(name);
    job.target = await this.deps.saver.chooseTarget(suggested).catch(() => null);
    // The record exists before any chunk does, so no chunk is ever an orphan.
    this.storage.persist(job);
    await job.writes;
    this.fetch(job);
    this.followPresence();
  }

  private dispatchTo(jobId: string, event: JobEvent): void {
    const job = this.jobs.find((j) => j.id === jobId);
    if (job) this.dispatch(job, event);
  }

  /** Moves a job on by its machine (job-machine.ts) and carries out what that asks. */
  private dispatch(job: Job, event: JobEvent): void {
    const { state, effects } = transition(job, event);
    const hasChanged = state.phase !== job.phase;
    job.phase = state.phase;
    job.error = state.error;
    for (const effect of effects) this.run(job, effect);
    if (hasChanged) this.publisher.now();
  }

  private run(job: Job, effect: JobEffect): void {
    switch (effect) {
      case 'pause-transfers':
        for (const item of job.items) item.download?.pause();
        return;
      case 'start-transfers':
        for (const item of job.items) item.download?.start();
        return;
      case 'fetch':
        return this.fetch(job);
      case 'follow-presence':
        return this.followPresence();
      case 'save-folder':
        void this.saveFolder(job);
        return;
      case 'persist':
        return this.storage.persist(job);
      case 'end':
        return this.end(job);
    }
  }

  /** Starts what an active job should be fetching; reports a folder whose files are all checked. */
  private fetch(job: Job): void {
    if (job.phase !== 'active') return;
    if (job.items.every((item) => item.isVerified)) this.dispatch(job, { type: 'all-verified' });
    else this.transfers.fill(job);
  }

  private async saveFolder(job: Job): Promise<void> {
    try {
      await this.saving.saveFolder(job);
      this.dispatch(job, { type: 'saved' });
    } catch (error) {
      this.dispatch(job, { type: 'failed', error: new TransferError('SAVE_FAILED', {}, { cause: error }) });
    }
  }

  /** A job is over for good: its transfers stop, its chunks and record go. */
  private end(job: Job): void {
    this.relayHeld.clear(job.id);
    this.transfers.stop(job);
    this.storage.erase(job);
  }

  /** Forgets a stored job that is not ours to resume, silently. */
  private drop(job: Job): void {
    this.dispatch(job, { type: 'discard' });
    const index = this.jobs.indexOf(job);
    if (index >= 0) this.jobs.splice(index, 1);
  }

  private add(job: Job): void {
    this.jobs.push(job);
    this.transfers.track(job);
  }
}
