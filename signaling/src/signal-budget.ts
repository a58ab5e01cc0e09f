import { PeerBuckets } from './peer-buckets';
import type { Peer } from './peers';

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
 * with it.
 */
export class SignalBudget {
  private readonly sent: PeerBuckets;
  private readonly received: PeerBuckets;

  constructor(options: SignalBudgetOptions, now: () => number) {
    this.sent = new PeerBuckets(options.sendBytesPerSecond, options.sendBurstBytes, now);
    this.received = new PeerBuckets(options.receiveBytesPerSecond, options.receiveBurstBytes, now);
  }

  /** Charges `bytes` to both sides if both have them; false (nothing charged) otherwise. */
  take(from: Peer, to: Peer, bytes: number): boolean {
    if (!this.sent.has(from, bytes) || !this.received.has(to, bytes)) return false;
    return this.sent.take(from, bytes) && this.received.take(to, bytes);
  }
}
