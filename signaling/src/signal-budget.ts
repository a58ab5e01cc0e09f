import type { Peer } from './peers';
import { TokenBucket } from './rate-limit';

export interface SignalBudgetOptions {
  sendBytesPerSecond: number;
  sendBurstBytes: number;
  receiveBytesPerSecond: number;
  receiveBurstBytes: number;
}

/**
 * SIGNAL bytes per identity, as a sender and as a recipient: one peer cannot flood another with
 * relayed frames, and many peers together cannot flood one. The recipient's budget is larger than
 * any one sender's, so one sender alone never uses up what others need to reach the same peer.
 * A frame over either budget is refused to its sender; the recipient's connection is never charged
 * with it. Buckets live as long as their identity (weakly held).
 */
export class SignalBudget {
  private readonly sent = new WeakMap<Peer, TokenBucket>();
  private readonly received = new WeakMap<Peer, TokenBucket>();

  constructor(
    private readonly options: SignalBudgetOptions,
    private readonly now: () => number,
  ) {}

  /** Charges `bytes` to both sides if both have them; false (nothing charged) otherwise. */
  take(from: Peer, to: Peer, bytes: number): boolean {
    const sender = this.bucketOf(this.sent, from, this.options.sendBytesPerSecond, this.options.sendBurstBytes);
    const recipient = this.bucketOf(
      this.received,
      to,
      this.options.receiveBytesPerSecond,
      this.options.receiveBurstBytes,
    );
    if (sender.waitMsFor(bytes) > 0 || recipient.waitMsFor(bytes) > 0) return false;
    return sender.take(bytes) && recipient.take(bytes);
  }

  private bucketOf(buckets: WeakMap<Peer, TokenBucket>, peer: Peer, perSecond: number, burst: number): TokenBucket {
    let bucket = buckets.get(peer);
    if (!bucket) {
      bucket = new TokenBucket(perSecond, burst, this.now);
      buckets.set(peer, bucket);
    }
    return bucket;
  }
}
