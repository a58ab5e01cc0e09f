import { batchOffers, limits, type FileOffer } from '@ferry/common';
import type { CreateHasher } from '@ferry/common/transfer';
import type { Cancel, Clock } from '@ferry/common/transfer';
import { hashBlob, type SliceableBlob } from './file-hash';

/** A file being hashed before it is offered. */
export interface PreparingFile {
  offer: FileOffer;
  bytesDone: number;
}

export interface PreparerHooks {
  createHasher: CreateHasher;
  clock: Clock;
  /** What is being prepared, at most every `progressEveryMs` while bytes are hashed. */
  onChange(preparing: readonly PreparingFile[]): void;
  /** Offers with their SHA-256, ready for one ADD_FILES. */
  onReady(offers: FileOffer[]): void;
  /** A file that could not be read (moved or deleted since it was picked). */
  onUnreadable(offer: FileOffer, reason: string): void;
}

export interface PreparerOptions {
  progressEveryMs: number;
  /** Hashed offers wait at most this long for others to share one message. */
  batchWaitMs: number;
}

const DEFAULT_OPTIONS: PreparerOptions = { progressEveryMs: 250, batchWaitMs: 1000 };

interface Item {
  offer: FileOffer;
  blob: SliceableBlob;
  bytesDone: number;
}

/**
 * Hashes picked files one at a time (one slice in memory at a time), so each offer carries the
 * SHA-256 the downloader checks the whole file against. Hashed offers go out in batches: when a
 * message is full, when nothing is left to hash, or `batchWaitMs` after the first one waited.
 */
export class FilePreparer {
  private readonly queue: Item[] = [];
  private ready: FileOffer[] = [];
  private readonly cancelled = new Set<string>();
  private isRunning = false;
  private isDestroyed = false;
  private batchTimer: Cancel | null = null;
  private progressTimer: Cancel | null = null;
  private readonly options: PreparerOptions;

  constructor(
    private readonly hooks: PreparerHooks,
    options: Partial<PreparerOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  /** Files being hashed, and those hashed and waiting to share a message (all their bytes done). */
  get preparing(): readonly PreparingFile[] {
    return [
      ...this.queue.map(({ offer, bytesDone }) => ({ offer, bytesDone })),
      ...this.ready.map((offer) => ({ offer, bytesDone: offer.size })),
    ];
  }

  /** Nothing is being hashed or waiting to be handed on. */
  get isIdle(): boolean {
    return this.queue.length === 0 && this.ready.length === 0;
  }

  /** Offers not handed on yet: being hashed, or hashed and waiting to share a message. */
  get pendingOffers(): readonly FileOffer[] {
    return [...this.queue.map((item) => item.offer), ...this.ready];
  }

  enqueue(items: ReadonlyArray<{ offer: FileOffer; blob: SliceableBlob }>): void {
    if (items.length === 0 || this.isDestroyed) return;
    for (const { offer, blob } of items) this.queue.push({ offer, blob, bytesDone: 0 });
    this.hooks.onChange(this.preparing);
    void this.run();
  }

  /** Drops files still waiting or being hashed (the person left). */
  cancelAll(): void {
    for (const item of this.queue) this.cancelled.add(item.offer.id);
    this.queue.length = 0;
    this.ready = [];
    this.batchTimer?.();
    this.batchTimer = null;
    this.hooks.onChange([]);
  }

  destroy(): void {
    this.cancelAll();
    this.isDestroyed = true;
    this.progressTimer?.();
  }

  private async run(): Promise<void> {
    if (this.isRunning) return;
    this.isRunning = true;
    try {
      for (let item = this.queue[0]; item && !this.isDestroyed; item = this.queue[0]) {
        await this.prepare(item);
      }
    } finally {
      this.isRunning = false;
    }
  }

  private async prepare(item: Item): Promise<void> {
    const { offer } = item;
    const isCancelled = () => this.cancelled.has(offer.id);
    let sha256: string | null = null;
    let problem: string | null = null;
    try {
      sha256 = await hashBlob(
        item.blob,
        this.hooks.createHasher,
        (bytesDone) => this.progress(item, bytesDone),
        isCancelled,
      );
    } catch (error) {
      problem = `the file could not be read (${error instanceof Error ? error.message : String(error)})`;
    }
    if (this.queue[0] === item) this.queue.shift();
    if (isCancelled()) {
      this.cancelled.delete(offer.id);
      return;
    }
    if (sha256 === null) this.hooks.onUnreadable(offer, problem ?? 'the file could not be read');
    else this.ready.push({ ...offer, sha256 });
    // Throttled like progress: told after every file, a 10,000-file folder rebuilt the whole list
    // 10,000 times (most of the 50-75 s its hashing took). The last file flushes, which tells.
    this.scheduleChange();
    this.maybeFlush();
  }

  private progress(item: Item, bytesDone: number): void {
    item.bytesDone = bytesDone;
    this.scheduleChange();
  }

  private scheduleChange(): void {
    if (this.progressTimer) return;
    this.progressTimer = this.hooks.clock.after(this.options.progressEveryMs, () => {
      this.progressTimer = null;
      if (!this.isDestroyed) this.hooks.onChange(this.preparing);
    });
  }

  private maybeFlush(): void {
    if (this.ready.length === 0) return;
    if (this.ready.length >= limits.MAX_FILES_PER_MESSAGE || this.queue.length === 0) return this.flush();
    this.batchTimer ??= this.hooks.clock.after(this.options.batchWaitMs, () => {
      this.batchTimer = null;
      this.flush();
    });
  }

  private flush(): void {
    this.batchTimer?.();
    this.batchTimer = null;
    // Cut where the host's answer would pass one frame, too (long paths): see batchOffers.
    for (const batch of batchOffers(this.ready.splice(0))) this.hooks.onReady(batch);
    this.hooks.onChange(this.preparing);
  }
}
