/**
 * The socket as the bulk lane sees it: how much it holds unsent, and a send that reports when
 * the frame has left the process (ws calls back once the kernel took it).
 */
export interface BulkSocket {
  readonly bufferedAmount: number;
  send(frame: string | Buffer, onSent: (error?: Error) => void): void;
}

export interface BulkLaneOptions {
  /** A bulk frame is sent only while the socket holds less than this unsent. */
  lowWaterBytes: number;
  /** Relayed frames (SIGNAL) waiting in the lane at once; past it `enqueue` refuses. */
  maxQueuedBytes: number;
  /** Bulk waiting and none of it leaving for this long: the reader has stopped. */
  stallMs: number;
  /** Called once when the lane stalls; the connection is cut. */
  onStall: (unsentBytes: number) => void;
}

/** How often a lane blocked by other frames (none of its own in flight) looks again. */
const RECHECK_MS = 25;

/**
 * One socket's bulk traffic: the pages of a room state and relayed SIGNALs. Control frames
 * (approvals, presence, answers, errors) bypass it and go straight to the socket, so they are
 * never stuck behind bulk; bulk goes out only while the socket's backlog is under a watermark, so
 * it never makes the socket look like a slow reader either. The lane holds what is queued here
 * (bounded) plus one lazy page iterator, never a whole room state. A reader that stops reading
 * is told apart from a slow one by progress: a lane with work that sends nothing for `stallMs`
 * is stalled, however large the state it is receiving.
 */
export class BulkLane {
  private pages: Iterator<string> | null = null;
  private readonly queue: Array<string | Buffer> = [];
  private queuedBytes = 0;
  private inFlight = 0;
  private stallTimer: ReturnType<typeof setTimeout> | null = null;
  private recheckTimer: ReturnType<typeof setTimeout> | null = null;
  private isClosed = false;

  constructor(
    private readonly socket: BulkSocket,
    private readonly options: BulkLaneOptions,
  ) {}

  /** True while a room state is still being paged out. */
  get isPaging(): boolean {
    return this.pages !== null;
  }

  /**
   * Pages the rest of a room state whose first frame the caller just sent, dropping the rest of
   * one still being paged (its reader restarted on the new first frame).
   */
  sendPages(frames: Iterator<string>): void {
    if (this.isClosed) return;
    this.pages = frames;
    this.pump();
  }

  /** Queues a relayed frame; false when the lane is full (the reader is not keeping up). */
  enqueue(frame: string | Buffer): boolean {
    if (this.isClosed) return false;
    const size = frame.length;
    if (this.queuedBytes + size > this.options.maxQueuedBytes) return false;
    this.queue.push(frame);
    this.queuedBytes += size;
    this.pump();
    return true;
  }

  close(): void {
    this.isClosed = true;
    this.pages = null;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.clearTimers();
  }

  private get hasWork(): boolean {
    return this.queue.length > 0 || this.pages !== null;
  }

  private pump(): void {
    if (this.isClosed) return;
    while (this.hasWork && this.socket.bufferedAmount < this.options.lowWaterBytes) {
      const frame = this.next();
      if (frame !== null) this.write(frame);
    }
    if (this.hasWork && this.inFlight === 0 && !this.recheckTimer) {
      // Held back by control frames only: no callback of ours will come, so look again.
      this.recheckTimer = setTimeout(() => {
        this.recheckTimer = null;
        this.pump();
      }, RECHECK_MS);
      this.recheckTimer.unref?.();
    }
    this.armStall();
  }

  /** Relayed frames first (small, and someone waits on each), then the next page. */
  private next(): string | Buffer | null {
    const queued = this.queue.shift();
    if (queued !== undefined) {
      this.queuedBytes -= queued.length;
      return queued;
    }
    if (!this.pages) return null;
    const page = this.pages.next();
    if (page.done) {
      this.pages = null;
      return null;
    }
    return page.value;
  }

  private write(frame: string | Buffer): void {
    this.inFlight++;
    this.socket.send(frame, (error) => {
      this.inFlight--;
      if (error || this.isClosed) return;
      this.disarmStall();
      this.pump();
    });
  }

  private armStall(): void {
    if (this.stallTimer || (!this.hasWork && this.inFlight === 0)) return;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = null;
      if (this.isClosed) return;
      this.options.onStall(this.socket.bufferedAmount + this.queuedBytes);
    }, this.options.stallMs);
    this.stallTimer.unref?.();
  }

  private disarmStall(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }

  private clearTimers(): void {
    this.disarmStall();
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = null;
  }
}
