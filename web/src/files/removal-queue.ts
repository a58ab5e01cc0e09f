import { limits } from '@ferry/common';
import type { Cancel, Clock } from '@ferry/common/transfer';

export interface RemovalPace {
  /** Files named in one removal message (REMOVE_FILES or the host's FILES_REMOVED). */
  idsPerMessage: number;
  /** One message at once, then one every `everyMs` while files wait. */
  everyMs: number;
}

/*
 * 1,000 files a message (MAX_FILE_IDS_PER_MESSAGE), one message every 100 ms: 10 messages a second,
 * a tenth of what the daemon lets one connection send (RATE_MESSAGES_PER_SECOND), so the transfers
 * this tab serves or asks for keep the rest. "Remove folder" on 400 files is one message; 10,000
 * files (the most one person shares) are 10 messages over 0.9 s. Before REMOVE_FILES there was one
 * message per file, 50 a second: 8 s and 200 s.
 */
export const DEFAULT_REMOVAL_PACE: RemovalPace = { idsPerMessage: limits.MAX_FILE_IDS_PER_MESSAGE, everyMs: 100 };

/**
 * Removals waiting to be sent, in batches, paced so that removing a whole folder never trips the
 * daemon's rate limit (past it, the daemon drops messages with RATE_LIMITED and the files would
 * stay listed).
 */
export class RemovalQueue {
  private waiting: string[] = [];
  private next = 0;
  private timer: Cancel | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly send: (fileIds: string[]) => void,
    private readonly pace: RemovalPace = DEFAULT_REMOVAL_PACE,
  ) {}

  /** Files waiting to be sent. */
  get size(): number {
    return this.waiting.length - this.next;
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (let index = this.next; index < this.waiting.length; index++) yield this.waiting[index] as string;
  }

  push(fileIds: readonly string[]): void {
    if (fileIds.length === 0) return;
    for (const fileId of fileIds) this.waiting.push(fileId);
    if (this.timer === null) this.step();
  }

  /** Forgets every removal not sent yet (the connection went; the person may ask again). */
  clear(): void {
    this.timer?.();
    this.timer = null;
    this.waiting = [];
    this.next = 0;
  }

  private step(): void {
    this.timer = null;
    const end = Math.min(this.waiting.length, this.next + Math.max(1, this.pace.idsPerMessage));
    const batch = this.waiting.slice(this.next, end);
    this.next = end;
    if (this.next === this.waiting.length) {
      this.waiting = [];
      this.next = 0;
    } else {
      this.timer = this.clock.after(this.pace.everyMs, () => this.step());
    }
    this.send(batch);
  }
}
