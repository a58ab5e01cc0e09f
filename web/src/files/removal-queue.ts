import type { Cancel, Clock } from '@ferry/common/transfer';

export interface RemovalPace {
  /** Removals sent at once, then again every `everyMs`. */
  perStep: number;
  everyMs: number;
}

/*
 * 25 every half second: 50 messages a second, half of what the daemon lets one connection send
 * (RATE_MESSAGES_PER_SECOND), so the transfers this tab serves or asks for keep the rest. There is
 * one REMOVE_FILE per file, so "Remove folder" on 400 files takes 8 s and 10,000 files 200 s.
 */
export const DEFAULT_REMOVAL_PACE: RemovalPace = { perStep: 25, everyMs: 500 };

/**
 * Removals waiting to be sent, paced so that removing a whole folder never trips the daemon's rate
 * limit (past it, the daemon drops messages with RATE_LIMITED and the files would stay listed).
 */
export class RemovalQueue {
  private waiting: string[] = [];
  private next = 0;
  private timer: Cancel | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly send: (fileId: string) => void,
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
    this.waiting.push(...fileIds);
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
    const end = Math.min(this.waiting.length, this.next + this.pace.perStep);
    const batch = this.waiting.slice(this.next, end);
    this.next = end;
    if (this.next === this.waiting.length) {
      this.waiting = [];
      this.next = 0;
    } else {
      this.timer = this.clock.after(this.pace.everyMs, () => this.step());
    }
    for (const fileId of batch) this.send(fileId);
  }
}
