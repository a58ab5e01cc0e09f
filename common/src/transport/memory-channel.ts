import { ListenerSet } from './listener-set';
import { ChannelError, type ChannelState, type PeerChannel } from './peer-channel';

/**
 * Two connected in-memory PeerChannels for unit tests of the transfer engine: ordered delivery
 * after a latency, a send buffer that drains at a capacity, `bufferedamountlow`, and close or
 * failure reaching the other end. Time comes from an injected scheduler, so tests can use fake
 * timers and run in virtual time.
 */

/** The same shape as the transfer engine's Clock, so one object can drive both. */
export interface Scheduler {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Reads the globals at call time, so `vi.useFakeTimers()` after import still takes effect. */
export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};

export interface MemoryChannelOptions {
  /**
   * One-way delay from leaving the sender's buffer to arriving at the other end. With 0, messages
   * still arrive asynchronously, a couple of timer turns after send.
   */
  latencyMs: number;
  /** Rate at which each sender's buffer drains; unlimited (drains on the next timer turn) if absent. */
  capacityBytesPerSecond?: number;
  maxMessageBytes: number;
  /** Both ends open together after this delay (default 0: on the next timer turn). */
  openDelayMs?: number;
  scheduler?: Scheduler;
}

export interface MemoryChannel extends PeerChannel {
  /** Simulates the link breaking: both ends close at once with `error`; in-flight messages are lost. */
  fail(error: Error): void;
}

interface Outgoing {
  readonly data: Uint8Array;
  /** Virtual time at which the last byte has left the sender's buffer. */
  readonly sentAt: number;
}

type Incoming =
  | { readonly kind: 'message'; readonly at: number; readonly data: Uint8Array }
  | { readonly kind: 'close'; readonly at: number };

class MemoryEndpoint implements MemoryChannel {
  remote: MemoryEndpoint | undefined;
  private currentState: ChannelState = 'connecting';
  private queuedBytes = 0;
  private lowThresholdBytes = 0;
  private readonly outbox: Outgoing[] = [];
  private lastSentAt = 0;
  private transmitTimer: unknown;
  private readonly inbox: Incoming[] = [];
  private deliveryTimer: unknown;
  private openTimer: unknown;
  private readonly openListeners = new ListenerSet<[]>();
  private readonly messageListeners = new ListenerSet<[Uint8Array]>();
  private readonly lowListeners = new ListenerSet<[]>();
  private readonly closeListeners = new ListenerSet<[Error | undefined]>();

  constructor(
    readonly maxMessageBytes: number,
    private readonly latencyMs: number,
    private readonly capacityBytesPerSecond: number | undefined,
    private readonly scheduler: Scheduler,
  ) {}

  get state(): ChannelState {
    return this.currentState;
  }

  get bufferedAmount(): number {
    return this.queuedBytes;
  }

  get bufferedAmountLowThreshold(): number {
    return this.lowThresholdBytes;
  }

  set bufferedAmountLowThreshold(bytes: number) {
    this.lowThresholdBytes = Number.isFinite(bytes) && bytes > 0 ? Math.floor(bytes) : 0;
  }

  send(data: Uint8Array): void {
    if (this.currentState !== 'open') {
      throw new ChannelError('NOT_OPEN', `cannot send on a ${this.currentState} channel`);
    }
    if (data.byteLength > this.maxMessageBytes) {
      throw new ChannelError(
        'MESSAGE_TOO_LARGE',
        `message of ${data.byteLength} bytes exceeds maxMessageBytes ${this.maxMessageBytes}`,
      );
    }
    // A copy, like a real channel: the caller may reuse its buffer once send returns.
    const copy = data.slice();
    const transmitMs = this.capacityBytesPerSecond ? (copy.byteLength * 1000) / this.capacityBytesPerSecond : 0;
    const sentAt = Math.max(this.scheduler.now(), this.lastSentAt) + transmitMs;
    this.lastSentAt = sentAt;
    this.outbox.push({ data: copy, sentAt });
    this.queuedBytes += copy.byteLength;
    this.scheduleTransmit();
  }

  onOpen(listener: () => void): () => void {
    return this.openListeners.add(listener);
  }

  onMessage(listener: (data: Uint8Array) => void): () => void {
    return this.messageListeners.add(listener);
  }

  onBufferedAmountLow(listener: () => void): () => void {
    return this.lowListeners.add(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.closeListeners.add(listener);
  }

  close(): void {
    if (this.currentState === 'closed') return;
    // What has left the buffer is on the wire and still arrives; the close notice follows it.
    this.remote?.receive({ kind: 'close', at: this.scheduler.now() + this.latencyMs });
    this.finish(undefined);
  }

  fail(error: Error): void {
    this.finish(error);
    this.remote?.finish(error);
  }

  scheduleOpen(delayMs: number): void {
    this.openTimer = this.scheduler.setTimeout(() => {
      this.openTimer = undefined;
      this.currentState = 'open';
      this.openListeners.emit();
    }, delayMs);
  }

  private receive(item: Incoming): void {
    if (this.currentState === 'closed') return;
    this.inbox.push(item);
    this.scheduleDelivery();
  }

  private scheduleTransmit(): void {
    const head = this.outbox[0];
    if (this.transmitTimer !== undefined || !head) return;
    const delayMs = Math.max(0, Math.ceil(head.sentAt - this.scheduler.now()));
    this.transmitTimer = this.scheduler.setTimeout(() => this.transmit(), delayMs);
  }

  private transmit(): void {
    this.transmitTimer = undefined;
    const now = this.scheduler.now();
    const before = this.queuedBytes;
    for (let head = this.outbox[0]; head && head.sentAt <= now; head = this.outbox[0]) {
      this.outbox.shift();
      this.queuedBytes -= head.data.byteLength;
      this.remote?.receive({ kind: 'message', at: head.sentAt + this.latencyMs, data: head.data });
    }
    this.scheduleTransmit();
    if (before > this.lowThresholdBytes && this.queuedBytes <= this.lowThresholdBytes) this.lowListeners.emit();
  }

  private scheduleDelivery(): void {
    const head = this.inbox[0];
    if (this.deliveryTimer !== undefined || !head) return;
    const delayMs = Math.max(0, Math.ceil(head.at - this.scheduler.now()));
    this.deliveryTimer = this.scheduler.setTimeout(() => this.deliver(), delayMs);
  }

  private deliver(): void {
    this.deliveryTimer = undefined;
    const now = this.scheduler.now();
    // A listener may close this end mid-loop; finish() empties the inbox, which ends the loop.
    for (let head = this.inbox[0]; head && head.at <= now; head = this.inbox[0]) {
      this.inbox.shift();
      if (head.kind === 'close') {
        this.finish(undefined);
        return;
      }
      this.messageListeners.emit(head.data);
    }
    this.scheduleDelivery();
  }

  /** Idempotent: closes this end, cancels its timers, drops its queues, fires close once. */
  private finish(error: Error | undefined): void {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    for (const timer of [this.openTimer, this.transmitTimer, this.deliveryTimer]) {
      if (timer !== undefined) this.scheduler.clearTimeout(timer);
    }
    this.openTimer = undefined;
    this.transmitTimer = undefined;
    this.deliveryTimer = undefined;
    this.outbox.length = 0;
    this.inbox.length = 0;
    this.queuedBytes = 0;
    this.closeListeners.emit(error);
    this.openListeners.clear();
    this.messageListeners.clear();
    this.lowListeners.clear();
    this.closeListeners.clear();
  }
}

/** Two ends of one link; each is the other's remote. */
export function createMemoryChannelPair(options: MemoryChannelOptions): [MemoryChannel, MemoryChannel] {
  const { latencyMs, capacityBytesPerSecond, maxMessageBytes, openDelayMs = 0 } = options;
  const scheduler = options.scheduler ?? realScheduler;
  if (!(latencyMs >= 0)) throw new RangeError('latencyMs must be >= 0');
  if (capacityBytesPerSecond !== undefined && !(capacityBytesPerSecond > 0)) {
    throw new RangeError('capacityBytesPerSecond must be > 0 when given');
  }
  if (!(maxMessageBytes > 0)) throw new RangeError('maxMessageBytes must be > 0');
  const a = new MemoryEndpoint(maxMessageBytes, latencyMs, capacityBytesPerSecond, scheduler);
  const b = new MemoryEndpoint(maxMessageBytes, latencyMs, capacityBytesPerSecond, scheduler);
  a.remote = b;
  b.remote = a;
  // Same delay, scheduled in order: `a` opens first, and anything it sends on open reaches `b`
  // only after `b` has opened too.
  a.scheduleOpen(openDelayMs);
  b.scheduleOpen(openDelayMs);
  return [a, b];
}
