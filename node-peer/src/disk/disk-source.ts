import { createHash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { chunkCount, chunkLength } from '@ferry/common';
import { systemClock, type Cancel, type Clock } from '@ferry/common/transfer';
import { chunkHashAt, FileChangedError, readExactly } from './file-hashes';
import type { SharedSource } from './local-offers';

/** Why a shared file can no longer be served: the CLI removes it from the room and says so. */
export type SourceChange = 'deleted' | 'modified' | 'replaced' | 'unreadable';

export interface DiskSourceOptions {
  /** Called once per file, the first time a read finds it changed; later reads answer 'gone'. */
  onChanged?: (fileId: string, change: SourceChange) => void;
  /** An open file unused this long is closed. */
  idleCloseMs?: number;
  /** Open files at most (least recently used closed first), whatever is shared. */
  maxOpenFiles?: number;
  /**
   * Check each chunk read against the SHA-256 taken when the file was offered: the only check that
   * catches bytes rewritten in place with the size and mtime kept. Costs one SHA-256 per chunk.
   */
  verifyChunks?: boolean;
  clock?: Clock;
}

interface OpenFile {
  handle: FileHandle;
  ino: number;
  dev: number;
}

/**
 * One file's place in the cache. `reads` counts reads that hold it, taken before any await, so a
 * file is never closed under a read: released slots close when their last read ends.
 */
interface Slot {
  opening: Promise<OpenFile>;
  reads: number;
  lastUsedMs: number;
  isReleased: boolean;
}

/**
 * The owner's side on disk: reads exactly the asked chunk at its offset (never a whole file) from
 * a small cache of open files, and answers 'gone' for a file that is no longer the one offered
 * (size, mtime or file changed, deleted, or, with verifyChunks, its bytes), telling onChanged once.
 * `readChunk` is the engine's ReadChunk as is. Call `close()` when done: it ends the idle timer.
 */
export class DiskSource {
  private readonly sources = new Map<string, SharedSource>();
  private readonly changed = new Set<string>();
  /** By file id, in least-recently-used order (a use moves a file to the end). */
  private readonly slots = new Map<string, Slot>();
  private readonly clock: Clock;
  private readonly idleCloseMs: number;
  private readonly maxOpenFiles: number;
  private readonly verifyChunks: boolean;
  private cancelSweep: Cancel | null = null;
  private isClosed = false;

  constructor(
    sources: Iterable<SharedSource> = [],
    private readonly options: DiskSourceOptions = {},
  ) {
    for (const source of sources) this.sources.set(source.fileId, source);
    this.clock = options.clock ?? systemClock;
    this.idleCloseMs = options.idleCloseMs ?? 30_000;
    this.maxOpenFiles = Math.max(1, options.maxOpenFiles ?? 32);
    this.verifyChunks = options.verifyChunks ?? true;
  }

  add(source: SharedSource): void {
    this.sources.set(source.fileId, source);
    this.changed.delete(source.fileId);
  }

  /** Stops serving a file (removed from the room) and closes it once its reads are done. */
  remove(fileId: string): void {
    this.sources.delete(fileId);
    void this.release(fileId);
  }

  has(fileId: string): boolean {
    return this.sources.has(fileId) && !this.changed.has(fileId);
  }

  /** Files open now (for tests and the CLI's diagnostics). */
  get openFiles(): number {
    return this.slots.size;
  }

  readChunk = async (fileId: string, index: number): Promise<Uint8Array | 'gone'> => {
    const source = this.sources.get(fileId);
    if (this.isClosed || !source || this.changed.has(fileId)) return 'gone';
    if (!Number.isSafeInteger(index) || index < 0 || index >= chunkCount(source.size, source.chunkSize)) return 'gone';
    const slot = this.acquire(source);
    try {
      const file = await slot.opening;
      // The path still names the file offered: not replaced (another inode), not changed.
      const now = await stat(source.absPath);
      if (now.ino !== file.ino || now.dev !== file.dev) return this.changedNow(fileId, 'replaced');
      if (now.size !== source.size || now.mtimeMs !== source.mtimeMs) return this.changedNow(fileId, 'modified');
      const length = chunkLength(source.size, source.chunkSize, index);
      const bytes = await readExactly(file.handle, new Uint8Array(length), length, index * source.chunkSize);
      if (this.verifyChunks) {
        const digest = createHash('sha256').update(bytes).digest();
        if (!digest.equals(chunkHashAt(source.chunkHashes, index))) return this.changedNow(fileId, 'modified');
      }
      return bytes;
    } catch (error) {
      // A read cut short by close() is not a change of the file.
      if (this.isClosed) return 'gone';
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return this.changedNow(fileId, 'deleted');
      return this.changedNow(fileId, error instanceof FileChangedError ? 'modified' : 'unreadable');
    } finally {
      slot.reads--;
      slot.lastUsedMs = this.clock.now();
      if (slot.isReleased) void this.closeIfUnused(slot);
      else this.scheduleSweep();
    }
  };

  /** Closes every file (a file under a read, once the read ends) and stops the idle timer. Idempotent. */
  async close(): Promise<void> {
    this.isClosed = true;
    this.cancelSweep?.();
    this.cancelSweep = null;
    const closing = [...this.slots.keys()].map((fileId) => this.release(fileId));
    await Promise.all(closing);
  }

  private changedNow(fileId: string, change: SourceChange): 'gone' {
    if (!this.changed.has(fileId) && this.sources.has(fileId)) {
      this.changed.add(fileId);
      void this.release(fileId);
      this.options.onChanged?.(fileId, change);
    }
    return 'gone';
  }

  /** The file's slot, held for one read (counted at once, before any await). */
  private acquire(source: SharedSource): Slot {
    let slot = this.slots.get(source.fileId);
    if (slot) this.slots.delete(source.fileId);
    else {
      const opening = this.openFile(source);
      const made: Slot = { opening, reads: 0, lastUsedMs: this.clock.now(), isReleased: false };
      // A file that would not open is forgotten; its readers answer from the error.
      opening.catch(() => this.slots.get(source.fileId) === made && this.slots.delete(source.fileId));
      slot = made;
    }
    this.slots.set(source.fileId, slot);
    slot.reads++;
    this.evictOverflow();
    return slot;
  }

  private async openFile(source: SharedSource): Promise<OpenFile> {
    const handle = await open(source.absPath, 'r');
    try {
      const stats = await handle.stat();
      if (stats.size !== source.size || stats.mtimeMs !== source.mtimeMs) throw new FileChangedError('changed');
      return { handle, ino: stats.ino, dev: stats.dev };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Over the cap: let go of the least recently used files that no read holds. */
  private evictOverflow(): void {
    for (const [fileId, slot] of this.slots) {
      if (this.slots.size <= this.maxOpenFiles) return;
      if (slot.reads === 0) void this.release(fileId);
    }
  }

  /** Forgets a file's slot; it closes as soon as no read holds it. */
  private release(fileId: string): Promise<void> {
    const slot = this.slots.get(fileId);
    if (!slot) return Promise.resolve();
    this.slots.delete(fileId);
    slot.isReleased = true;
    return this.closeIfUnused(slot);
  }

  private async closeIfUnused(slot: Slot): Promise<void> {
    if (slot.reads > 0) return;
    const file = await slot.opening.catch(() => null);
    await file?.handle.close().catch(() => undefined);
  }

  private scheduleSweep(): void {
    if (this.cancelSweep !== null || this.isClosed || this.slots.size === 0) return;
    this.cancelSweep = this.clock.after(this.idleCloseMs, () => {
      this.cancelSweep = null;
      const now = this.clock.now();
      for (const [fileId, slot] of this.slots) {
        if (slot.reads === 0 && now - slot.lastUsedMs >= this.idleCloseMs) void this.release(fileId);
      }
      this.scheduleSweep();
    });
  }
}
