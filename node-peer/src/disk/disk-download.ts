import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { chunkCount, chunkLength, type FileInfo } from '@ferry/common';
import {
  ChunkSet,
  systemClock,
  TransferError,
  type Cancel,
  type Clock,
  type DownloadStore,
} from '@ferry/common/transfer';
import { DiskError } from './disk-errors';
import { chunkHashAt, readExactly } from './file-hashes';
import { emptyPartState, isSameFile, readPartState, writePartState, type PartState } from './part-sidecar';
import { prepareOutputPath } from './safe-path';

const DIGEST_BYTES = 32;
const PART_SUFFIX = '.ferry-part';
const SIDECAR_SUFFIX = '.ferry-part.json';
const NO_FOLLOW_RW = constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);

export interface DiskDownloadOptions {
  /** The output folder; created if missing. */
  dir: string;
  /** Where in `dir`: the FileInfo's path, or its name for a loose file (made safe: safe-path.ts). */
  relPath: string;
  file: FileInfo;
  /** Replace a file already at the target; otherwise finishing or opening throws TARGET_EXISTS. */
  overwrite?: boolean;
  /** Progress reaches the sidecar at most this often; a kill loses at most this much (fetched again). */
  progressIntervalMs?: number;
  /** A chunk could not be written (disk full...): the engine cannot hear it from putChunk, the CLI can. */
  onFailure?: (error: TransferError) => void;
  clock?: Clock;
}

function isErrno(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException | undefined)?.code ?? '');
}

function storageError(error: unknown): TransferError {
  return isErrno(error, 'ENOSPC', 'EDQUOT')
    ? new TransferError('STORAGE_FULL', {}, { cause: error })
    : new TransferError('STORAGE_FAILED', {}, { cause: error });
}

async function writeExactly(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, position + written);
    written += bytesWritten;
  }
}

/**
 * One download written straight to disk (the engine's DownloadStore): chunks land at their offsets
 * in `<target>.ferry-part`, and `<target>.ferry-part.json` (part-sidecar.ts) says which, with each
 * one's SHA-256. Reopened after a kill, the chunks it claims are read back and re-checked; only
 * those still intact are given to the engine as `storedBits`. The whole file's SHA-256 is fed as
 * chunks arrive in order (those that came early are read back once the gap fills), so finishing
 * checks the file without a second full pass, then moves it into place.
 */
export class DiskDownload implements DownloadStore {
  readonly storedBits: Uint8Array;
  /** Chunks found intact on disk when opened, and chunks claimed but damaged (fetched again). */
  readonly resumedChunks: number;
  readonly droppedChunks: number;
  private readonly stored: ChunkSet;
  private readonly whole: Hash = createHash('sha256');
  /** Chunks 0..hashedChunks-1 have been fed to `whole`. */
  private hashedChunks = 0;
  /** putChunk's writes, in order: the running hash and finish() wait on it. */
  private work: Promise<void> = Promise.resolve();
  private saving: Promise<void> = Promise.resolve();
  private lastSavedMs = Number.NEGATIVE_INFINITY;
  private cancelSave: Cancel | null = null;
  private failure: TransferError | null = null;
  private state: 'open' | 'finished' | 'cleared' | 'closed' = 'open';
  private readonly clock: Clock;

  private constructor(
    readonly targetPath: string,
    private readonly handle: FileHandle,
    private readonly part: PartState,
    private readonly options: DiskDownloadOptions,
    resumed: { kept: number; dropped: number; hashedChunks: number; whole: Hash },
  ) {
    this.clock = options.clock ?? systemClock;
    this.stored = new ChunkSet(chunkCount(part.size, part.chunkSize), part.have);
    this.storedBits = this.stored.bits.slice();
    this.resumedChunks = resumed.kept;
    this.droppedChunks = resumed.dropped;
    this.hashedChunks = resumed.hashedChunks;
    this.whole = resumed.whole;
  }

  get partPath(): string {
    return this.targetPath + PART_SUFFIX;
  }

  get sidecarPath(): string {
    return this.targetPath + SIDECAR_SUFFIX;
  }

  /**
   * Opens (or resumes) the download of `file` into `dir`. Throws DiskError TARGET_EXISTS when the
   * target is there and `overwrite` is not set, and the codes of safe-path.ts for a bad place.
   */
  static async open(options: DiskDownloadOptions): Promise<DiskDownload> {
    const { file } = options;
    const targetPath = await prepareOutputPath(options.dir, options.relPath);
    if (!options.overwrite && (await lstat(targetPath).catch(() => null)) !== null)
      throw new DiskError('TARGET_EXISTS', targetPath);
    const stored = await readPartState(targetPath + SIDECAR_SUFFIX);
    const isResume = stored !== null && isSameFile(stored, file);
    const handle = await open(targetPath + PART_SUFFIX, NO_FOLLOW_RW, 0o644);
    try {
      // A partial file of another file (or of no known file) is started again from nothing.
      if (!isResume) await handle.truncate(0);
      const part = isResume ? { ...stored, fileId: file.id } : emptyPartState(file);
      const resumed = await recheck(handle, part);
      const download = new DiskDownload(targetPath, handle, part, options, resumed);
      await writePartState(download.sidecarPath, part);
      download.lastSavedMs = download.clock.now();
      return download;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  putChunk(index: number, bytes: Uint8Array): Promise<void> {
    return this.enqueue(async () => {
      if (this.state !== 'open' || this.failure) return;
      try {
        await writeExactly(this.handle, bytes, index * this.part.chunkSize);
      } catch (error) {
        // Reported, not thrown: the engine does not catch a store's rejection (the browsers' store
        // does the same). The chunk is not counted, so finish() cannot pass over it.
        this.failure = storageError(error);
        this.options.onFailure?.(this.failure);
        return;
      }
      this.part.chunkHashes.set(createHash('sha256').update(bytes).digest(), index * DIGEST_BYTES);
      this.stored.add(index);
      if (index === this.hashedChunks) {
        this.whole.update(bytes);
        this.hashedChunks++;
      }
      await this.feedStoredInOrder();
    });
  }

  saveProgress(have: Uint8Array): Promise<void> {
    if (this.state !== 'open') return Promise.resolve();
    // Only chunks this store wrote and hashed are claimed, whatever the engine counts.
    for (let i = 0; i < this.part.have.length; i++) this.part.have[i] = (have[i] ?? 0) & (this.stored.bits[i] ?? 0);
    const dueInMs = this.lastSavedMs + (this.options.progressIntervalMs ?? 1000) - this.clock.now();
    if (dueInMs <= 0) return this.checkpoint();
    this.cancelSave ??= this.clock.after(dueInMs, () => {
      this.cancelSave = null;
      void this.checkpoint().catch(() => undefined);
    });
    return Promise.resolve();
  }

  /** Cancelled: the partial file and its sidecar go. */
  async clear(): Promise<void> {
    if (this.state === 'finished') return;
    this.state = 'cleared';
    await this.release();
    await rm(this.partPath, { force: true });
    await rm(this.sidecarPath, { force: true });
  }

  /** Paused or the program ends: progress saved, file closed; `open` resumes it later. */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    await this.work;
    await this.checkpoint().catch(() => undefined);
    this.state = 'closed';
    await this.release();
  }

  /**
   * Every chunk is stored: checks the whole file against `file.sha256`, then moves it into place
   * and removes the sidecar. A wrong file is removed and throws HASH_MISMATCH.
   */
  async finish(): Promise<void> {
    await this.work;
    if (this.failure) throw this.failure;
    if (this.state !== 'open') throw new TransferError('NOT_WANTED');
    const missing = this.stored.nextMissing(0);
    if (missing >= 0) throw new TransferError('CHUNK_MISSING', { chunkIndex: missing });
    await this.feedStoredInOrder();
    const expected = this.options.file.sha256;
    if (expected === undefined) throw new TransferError('NO_FILE_HASH');
    if (this.whole.digest('hex') !== expected) {
      await this.clear();
      throw new TransferError('HASH_MISMATCH');
    }
    try {
      await this.handle.datasync();
      this.state = 'finished';
      await this.release();
      await this.moveIntoPlace();
      await rm(this.sidecarPath, { force: true });
      await syncFolder(path.dirname(this.targetPath));
    } catch (error) {
      // The partial file stays, checked, for another try (with overwrite, for TARGET_EXISTS).
      throw new TransferError('SAVE_FAILED', {}, { cause: error });
    }
  }

  private async moveIntoPlace(): Promise<void> {
    if (this.options.overwrite) return rename(this.partPath, this.targetPath);
    // link() fails if the target appeared meanwhile, where rename() would silently replace it.
    try {
      await link(this.partPath, this.targetPath);
    } catch (error) {
      if (isErrno(error, 'EEXIST')) throw new DiskError('TARGET_EXISTS', this.targetPath, { cause: error });
      // A file system without hard links (FAT, some network shares): check, then rename.
      if ((await lstat(this.targetPath).catch(() => null)) !== null)
        throw new DiskError('TARGET_EXISTS', this.targetPath);
      return rename(this.partPath, this.targetPath);
    }
    await rm(this.partPath);
  }

  private async checkpoint(): Promise<void> {
    this.lastSavedMs = this.clock.now();
    this.cancelSave?.();
    this.cancelSave = null;
    const snapshot: PartState = {
      ...this.part,
      have: this.part.have.slice(),
      chunkHashes: this.part.chunkHashes.slice(),
    };
    const next = this.saving.then(async () => {
      if (this.state !== 'open') return;
      // The chunks the sidecar claims reach the disk before it does: a power cut costs no refetch.
      await this.handle.datasync();
      await writePartState(this.sidecarPath, snapshot);
    });
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** Feeds the running hash with chunks that arrived before their turn, read back from disk. */
  private async feedStoredInOrder(): Promise<void> {
    const total = this.stored.total;
    let buffer: Uint8Array | null = null;
    while (this.hashedChunks < total && this.stored.has(this.hashedChunks)) {
      const index = this.hashedChunks;
      const length = chunkLength(this.part.size, this.part.chunkSize, index);
      buffer ??= new Uint8Array(this.part.chunkSize);
      this.whole.update(await readExactly(this.handle, buffer, length, index * this.part.chunkSize));
      this.hashedChunks++;
    }
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.work.then(task);
    this.work = next.catch(() => undefined);
    return next;
  }

  private async release(): Promise<void> {
    this.cancelSave?.();
    this.cancelSave = null;
    await this.work;
    await this.saving;
    await this.handle.close().catch(() => undefined);
  }
}

/**
 * Reads back every chunk `part` claims and keeps those whose bytes still match their stored
 * SHA-256 (a partial file damaged or cut short loses only those chunks), feeding the whole-file
 * hash with the intact chunks from the start while they run unbroken.
 */
async function recheck(handle: FileHandle, part: PartState) {
  const have = new ChunkSet(chunkCount(part.size, part.chunkSize), part.have);
  const whole = createHash('sha256');
  const buffer = new Uint8Array(Math.min(part.chunkSize, part.size));
  let kept = 0;
  let dropped = 0;
  let hashedChunks = 0;
  for (let index = 0; index < have.total; index++) {
    if (!have.has(index)) continue;
    const length = chunkLength(part.size, part.chunkSize, index);
    const bytes = await readExactly(handle, buffer, length, index * part.chunkSize).catch(() => null);
    const digest = bytes && createHash('sha256').update(bytes).digest();
    if (bytes && digest?.equals(chunkHashAt(part.chunkHashes, index))) {
      kept++;
      if (index === hashedChunks) {
        whole.update(bytes);
        hashedChunks++;
      }
    } else {
      dropped++;
      have.delete(index);
      part.chunkHashes.fill(0, index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES);
    }
  }
  part.have = have.bits;
  return { kept, dropped, hashedChunks, whole };
}

/** Makes a rename in `folder` durable; a platform that cannot open folders (Windows) skips it. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => null);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}
