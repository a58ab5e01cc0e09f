import { TransferError, type DownloadStore } from '@ferry/common/transfer';
import type { Logger } from '../platform/types';
import { jobFromRecord, recordOf, type Job, type JobItem } from './download-job';
import { parseRecords, type AppRole } from './download-records';
import { isTerminalPhase } from './job-machine';
import type { ChunkStorage, RecordStorage } from './transfer-storage';

export interface JobStorageDeps {
  role: AppRole;
  chunks: ChunkStorage;
  records: RecordStorage;
  logger: Logger;
}

/**
 * Jobs in IndexedDB: one record per job (written before any of its chunks, so no chunk is ever an
 * orphan) and each chunk as a Blob. Record writes of a job go one after another and coalesce;
 * ending a job deletes its record and chunks after them.
 */
export class JobStorage {
  constructor(private readonly deps: JobStorageDeps) {}

  /** This app's stored jobs; deletes records nobody can read and chunks no record refers to. */
  async load(): Promise<Job[]> {
    // Chunk keys first: any chunk listed now belongs to a record that already exists.
    const stored = await this.deps.chunks.stored();
    const entries = await this.deps.records.list();
    const { jobs, unreadable } = parseRecords(entries, this.deps.role);
    // The other app's records (same origin, same databases) keep their chunks too.
    const others = parseRecords(entries, this.deps.role === 'client' ? 'master' : 'client').jobs;
    const referenced = new Set(jobs.concat(others).flatMap((job) => job.items.map((item) => item.transferId)));
    for (const [transferId, indices] of stored) {
      if (!referenced.has(transferId)) await this.deps.chunks.deleteChunks(transferId, indices);
    }
    await this.deps.records.delete(unreadable);
    return jobs.map(jobFromRecord);
  }

  /** Which chunks storage holds, by transfer. */
  storedChunks(): Promise<Map<string, Set<number>>> {
    return this.deps.chunks.stored();
  }

  /** Queues one write of the job's record; writes coalesce and never outlive the job. */
  persist(job: Job): void {
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

  /** Deletes the job's record and chunks, after the writes already queued. */
  erase(job: Job): void {
    const transferIds = job.items.map((item) => item.transferId);
    job.writes = job.writes
      .then(() => this.deps.records.delete([job.id]))
      .then(() => this.deps.chunks.deleteTransfers(transferIds))
      .catch((e: unknown) => this.deps.logger.warn('could not clean up a download', e));
  }

  /**
   * The engine's store for one file of a job: each chunk is stored, then fed to the file's
   * running hash. A chunk that cannot be stored goes to `onFailure` (failing the job cancels its
   * transfers, so the engine drops that chunk).
   */
  downloadStore(job: Job, item: JobItem, onFailure: (error: TransferError) => void): DownloadStore {
    return {
      putChunk: async (index, bytes) => {
        try {
          await this.deps.chunks.put(item.transferId, index, bytes);
          item.hash?.add(index, bytes);
        } catch (error) {
          const isFull = error instanceof DOMException && error.name === 'QuotaExceededError';
          onFailure(
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
}
