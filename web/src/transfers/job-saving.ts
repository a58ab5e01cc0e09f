import { chunkCount, safeFileName } from '@ferry/common';
import { TransferError, type CreateHasher } from '@ferry/common/transfer';
import type { Logger } from '../platform/types';
import type { Job, JobItem } from './download-job';
import type { FileSaver, SaveTarget } from './file-saver';
import { zipFolderPaths, zipNameFor, zipPaths, zipStream } from './folder-zip';
import { RunningHash, type HashProgress } from './running-hash';
import type { ChunkStorage } from './transfer-storage';

export interface JobSavingDeps {
  chunks: ChunkStorage;
  createHasher: CreateHasher;
  saver: FileSaver;
  logger: Logger;
}

/** Chunk Blobs looked up at once: each is a reference to the bytes on disk, not the bytes. */
const LOOKUPS_AT_ONCE = 32;

/**
 * The end of a download: the file's SHA-256, finished from where the running hash (fed while the
 * chunks arrived, see running-hash.ts) got to by reading the remaining stored chunks back in
 * order, compared with the owner's; then the file (or the folder's ZIP) written from the stored
 * chunk Blobs. Nothing is saved unless it matched.
 */
export class JobSaving {
  /** Checks under way, by transfer: the engine may ask more than once (see finish). */
  private readonly checking = new Map<string, Promise<void>>();

  constructor(private readonly deps: JobSavingDeps) {}

  /**
   * The whole-file hash of `item`, fed as its chunks are stored. Chunks stored before (a download
   * resumed after a reload) are read back from storage as the hash reaches them, during the
   * download (hashing state does not outlive the page).
   */
  runningHash(item: JobItem): RunningHash {
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

  /**
   * Every chunk of `item` is stored: checks it and, in a file download, saves it (a folder's files
   * wait, checked, until all are, then go into one ZIP: saveFolder). Download.receiveChunk
   * (common/src/transfer/download.ts) asks once for each chunk whose write was still pending when
   * the last one landed; every call gets the one check, so a file is saved once.
   */
  finish(job: Job, item: JobItem): Promise<void> {
    const running = this.checking.get(item.transferId);
    if (running) return running;
    const once = this.checkAndSave(job, item);
    this.checking.set(item.transferId, once);
    return once;
  }

  /** The transfer is over: a later finish checks afresh. */
  forget(transferId: string): void {
    this.checking.delete(transferId);
  }

  private async checkAndSave(job: Job, item: JobItem): Promise<void> {
    const hashed = (await item.hash?.take()) ?? null;
    const parts = await this.verify(item, hashed);
    if (job.kind === 'file') await this.saveFile(job, item, parts);
  }

  /**
   * The file's stored chunks, in order, once their SHA-256 matches the owner's; throws a
   * TransferError otherwise.
   * `hashed`: chunks [0, nextIndex) already in a hasher; without it everything is read back.
   */
  async verify(item: JobItem, hashed: HashProgress | null = null): Promise<Blob[]> {
    const { file } = item;
    if (file.sha256 === undefined) throw new TransferError('NO_FILE_HASH');
    const hasher = hashed?.hasher ?? (await this.deps.createHasher());
    const total = chunkCount(file.size, file.chunkSize);
    const from = Math.min(hashed?.nextIndex ?? 0, total);
    const missing = (chunkIndex: number) => new TransferError('CHUNK_MISSING', { chunkIndex });
    const parts = await this.lookUp(item.transferId, from, missing);
    const read = (index: number) => {
      const reading = this.deps.chunks.get(item.transferId, index).then(async (blob) => {
        if (!blob) throw missing(index);
        return { blob, bytes: new Uint8Array(await blob.arrayBuffer()) };
      });
      reading.catch(() => undefined); // awaited below; a read-ahead left behind must not go unhandled
      return reading;
    };
    // One chunk read ahead while the current one is hashed: two chunks in memory at most.
    let next = from < total ? read(from) : null;
    for (let index = from; next !== null; index++) {
      const { blob, bytes } = await next;
      next = index + 1 < total ? read(index + 1) : null;
      hasher.update(bytes);
      parts.push(blob);
    }
    if (hasher.digestHex() !== file.sha256) {
      await this.deps.chunks.deleteTransfers([item.transferId]);
      throw new TransferError('HASH_MISMATCH');
    }
    return parts;
  }

  /** The Blobs of chunks [0, end) without reading their bytes: a few lookups at a time. */
  private async lookUp(transferId: string, end: number, missing: (index: number) => TransferError): Promise<Blob[]> {
    const parts: Blob[] = [];
    for (let start = 0; start < end; start += LOOKUPS_AT_ONCE) {
      const indices = Array.from({ length: Math.min(LOOKUPS_AT_ONCE, end - start) }, (_, i) => start + i);
      const blobs = await Promise.all(indices.map((index) => this.deps.chunks.get(transferId, index)));
      blobs.forEach((blob, i) => {
        if (!blob) throw missing(start + i);
        parts.push(blob);
      });
    }
    return parts;
  }

  private async saveFile(job: Job, item: JobItem, parts: readonly Blob[]): Promise<void> {
    const name = safeFileName(item.file.name);
    await this.save(
      job.target,
      (target) => target.writeParts(parts),
      () => this.deps.saver.saveParts(name, parts, item.file.mime),
    );
  }

  /** One ZIP of every (checked) file of a folder download, streamed from the stored chunks. */
  async saveFolder(job: Job): Promise<void> {
    const folder = job.folder ?? job.name;
    const paths = zipPaths(
      job.items.map((item) => item.file),
      folder,
    );
    const sources = job.items.map((item, i) => ({
      file: item.file,
      path: paths[i] ?? item.file.name,
      parts: () => this.readParts(item),
    }));
    const folders = zipFolderPaths(job.emptyFolders, folder);
    await this.save(
      job.target,
      (target) => target.writeStream(zipStream(sources, folders)),
      () => this.deps.saver.saveStream(zipNameFor(folder), zipStream(sources, folders), 'application/zip'),
    );
  }

  private async readParts(item: JobItem): Promise<Blob[]> {
    const parts: Blob[] = [];
    for (let index = 0; index < chunkCount(item.file.size, item.file.chunkSize); index++) {
      const blob = await this.deps.chunks.get(item.transferId, index);
      if (!blob) throw new TransferError('CHUNK_MISSING', { chunkIndex: index, fileName: item.file.name });
      parts.push(blob);
    }
    return parts;
  }

  /** To the place the person chose if they did and it works, else the default way. */
  private async save(
    target: SaveTarget | null,
    toTarget: (target: SaveTarget) => Promise<void>,
    byDefault: () => Promise<void>,
  ): Promise<void> {
    if (target) {
      try {
        await toTarget(target);
        return;
      } catch (error) {
        this.deps.logger.warn('could not write to the chosen file, saving the default way', error);
      }
    }
    await byDefault();
  }
}
