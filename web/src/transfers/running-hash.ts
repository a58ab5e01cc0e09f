import type { CreateHasher, Hasher } from '@ferry/common/transfer';

/*
 * The whole-file SHA-256 of a download, fed while its chunks arrive instead of read back from
 * IndexedDB and hashed after the last one (that tail was ~20% of a relay download). SHA-256 is
 * sequential, so chunks are hashed in index order: one arriving ahead of the next expected index
 * waits in memory (up to a budget), or beyond it is read back from storage when its turn comes.
 *
 * The hasher's state is not stored with the download record: after a reload the hash starts
 * again from chunk 0, reading the chunks stored before back as it reaches them. Storing it would
 * need hash-wasm's save()/load() through the engine's Hasher port and a new record version, for
 * a case (a reload mid-download) that only re-reads what was stored before it.
 */

export interface RunningHashDeps {
  createHasher: CreateHasher;
  /** A stored chunk's bytes, or undefined when storage no longer has it. */
  readChunk(index: number): Promise<Uint8Array | undefined>;
  /** Bytes of early chunks held in memory; past this they are read back from storage. */
  maxAheadBytes?: number;
}

/** Where the hash got to: chunks [0, nextIndex) are in `hasher`. */
export interface HashProgress {
  hasher: Hasher;
  nextIndex: number;
}

export const MAX_AHEAD_BYTES = 16 * 1024 * 1024;

export class RunningHash {
  private hasher: Hasher | null = null;
  private nextIndex = 0;
  /** Stored chunks ahead of nextIndex, with their bytes while the memory budget allows. */
  private readonly ahead = new Map<number, Uint8Array | null>();
  private aheadBytes = 0;
  private pumping: Promise<void> = Promise.resolve();
  private isPumping = false;
  /** Given up (a chunk came twice, storage failed, or taken): the check reads everything back. */
  private isBroken = false;

  /** `storedIndices`: chunks already in storage (a resumed download), read back in their turn. */
  constructor(
    private readonly totalChunks: number,
    private readonly deps: RunningHashDeps,
    storedIndices: Iterable<number> = [],
  ) {
    for (const index of storedIndices) this.ahead.set(index, null);
    this.pump();
  }

  /** A chunk was stored with these bytes. */
  add(index: number, bytes: Uint8Array): void {
    if (this.isBroken) return;
    // Twice: which bytes storage kept is unknown, so only a full read-back can be trusted.
    if (index < this.nextIndex || this.ahead.has(index)) return this.giveUp();
    const budget = this.deps.maxAheadBytes ?? MAX_AHEAD_BYTES;
    const keep = index === this.nextIndex || this.aheadBytes + bytes.length <= budget;
    this.ahead.set(index, keep ? bytes : null);
    if (keep) this.aheadBytes += bytes.length;
    if (index === this.nextIndex) this.pump();
  }

  /** Storage was cleared under us: nothing hashed so far can be trusted. */
  reset(): void {
    this.giveUp();
  }

  /**
   * Waits for the hashing under way and hands over its state, once: the caller finishes the
   * digest from `nextIndex`. Null when it gave up (hash from the start then).
   */
  async take(): Promise<HashProgress | null> {
    while (this.isPumping) await this.pumping;
    const hasher = this.isBroken ? null : this.hasher;
    const progress = hasher ? { hasher, nextIndex: this.nextIndex } : null;
    this.giveUp();
    return progress;
  }

  private giveUp(): void {
    this.isBroken = true;
    this.ahead.clear();
    this.aheadBytes = 0;
  }

  /** One hashing loop at a time, so chunks go into the hasher in order. */
  private pump(): void {
    if (this.isPumping || this.isBroken) return;
    this.isPumping = true;
    this.pumping = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      this.hasher ??= await this.deps.createHasher();
      while (!this.isBroken && this.nextIndex < this.totalChunks && this.ahead.has(this.nextIndex)) {
        const index = this.nextIndex;
        const held = this.ahead.get(index) ?? null;
        const bytes = held ?? (await this.deps.readChunk(index));
        if (this.isBroken) return;
        if (!bytes) return this.giveUp();
        this.hasher.update(bytes);
        this.ahead.delete(index);
        if (held) this.aheadBytes -= held.length;
        this.nextIndex = index + 1;
      }
    } catch {
      this.giveUp();
    } finally {
      // Synchronously after the last look at `ahead`: a chunk added from now on starts a new loop.
      this.isPumping = false;
    }
  }
}
