import type { Peer } from './peers';
import { TokenBucket } from './rate-limit';

/**
 * One token bucket per identity, made on first use and held weakly: it lives as long as the
 * identity, and an identity that is forgotten takes its bucket with it.
 */
export class PeerBuckets {
  private readonly buckets = new WeakMap<Peer, TokenBucket>();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly now: () => number,
  ) {}

  /** True when `peer` has `cost` now (nothing is taken). */
  has(peer: Peer, cost: number): boolean {
    return this.of(peer).waitMsFor(cost) === 0;
  }

  /** Takes `cost` from `peer`'s bucket if it has it; false (nothing taken) otherwise. */
  take(peer: Peer, cost: number): boolean {
    return this.of(peer).take(cost);
  }

  private of(peer: Peer): TokenBucket {
    let bucket = this.buckets.get(peer);
    if (!bucket) {
      bucket = new TokenBucket(this.ratePerSecond, this.burst, this.now);
      this.buckets.set(peer, bucket);
    }
    return bucket;
  }
}
