/** Token bucket: `ratePerSecond` sustained, `burst` at once. Time comes from an injected clock. */
export class TokenBucket {
  private tokens: number;
  private updatedAtMs: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {
    this.tokens = burst;
    this.updatedAtMs = now();
  }

  /** Takes `cost` tokens if there are enough; false means the caller is over its limit. */
  take(cost = 1): boolean {
    this.refill();
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** How long until `cost` tokens are there (0 if they are now); for a Retry-After answer. */
  waitMsFor(cost: number): number {
    this.refill();
    if (this.tokens >= cost) return 0;
    if (this.ratePerSecond <= 0) return Number.POSITIVE_INFINITY;
    return ((cost - this.tokens) * 1000) / this.ratePerSecond;
  }

  /** True once the bucket has refilled completely: it holds no memory of past use. */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const nowMs = this.now();
    const elapsedMs = Math.max(0, nowMs - this.updatedAtMs);
    this.updatedAtMs = nowMs;
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.ratePerSecond) / 1000);
  }
}

/**
 * One token bucket per key (a remote address, a peer's publicId). Full buckets are dropped on
 * the way, so a stream of new keys costs memory only while their buckets are still draining.
 */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private takesSincePrune = 0;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly now: () => number,
    /** Keys kept at most; past it the oldest is forgotten (it only ever gets a fresh bucket back). */
    private readonly maxKeys = 100_000,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  /** Takes `cost` from `key`'s bucket; a cost over the burst is capped so it can ever succeed. */
  take(key: string, cost = 1): boolean {
    if (this.ratePerSecond === Number.POSITIVE_INFINITY) return true;
    this.maybePrune();
    return this.bucketOf(key).take(Math.min(cost, this.burst));
  }

  waitMsFor(key: string, cost = 1): number {
    return this.buckets.get(key)?.waitMsFor(Math.min(cost, this.burst)) ?? 0;
  }

  private bucketOf(key: string): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
      bucket = new TokenBucket(this.ratePerSecond, this.burst, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private maybePrune(): void {
    if (++this.takesSincePrune < 1024) return;
    this.takesSincePrune = 0;
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
  }
}
