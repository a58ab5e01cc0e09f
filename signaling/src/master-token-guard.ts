/**
 * Failed master-token attempts per remote address. The first few are free (a host pasting a link
 * badly retries at once); past them, each further failure doubles the wait before that address
 * may try again, up to a ceiling, so a guesser gets a handful of tries a minute while a host who
 * mistyped is never locked out for long. A success forgets the address's failures.
 * Entries are dropped once their wait is long over, and their number is bounded.
 */
export class MasterTokenGuard {
  private readonly failures = new Map<string, { count: number; retryAtMs: number }>();

  constructor(
    /** Failures an address may make before it must wait. */
    private readonly freeFailures: number,
    private readonly maxDelayMs: number,
    private readonly now: () => number,
    private readonly maxAddresses = 10_000,
  ) {}

  /** How long `address` must still wait before its next attempt is looked at (0: now). */
  waitMsFor(address: string): number {
    const entry = this.failures.get(address);
    return entry ? Math.max(0, entry.retryAtMs - this.now()) : 0;
  }

  failed(address: string): void {
    const nowMs = this.now();
    this.prune(nowMs);
    const count = (this.failures.get(address)?.count ?? 0) + 1;
    const over = count - this.freeFailures;
    const delayMs = over <= 0 ? 0 : Math.min(this.maxDelayMs, 1000 * 2 ** (over - 1));
    // Re-inserted so the map's order stays oldest-failure first for the bound below.
    this.failures.delete(address);
    this.failures.set(address, { count, retryAtMs: nowMs + delayMs });
    if (this.failures.size > this.maxAddresses) {
      const oldest = this.failures.keys().next();
      if (!oldest.done) this.failures.delete(oldest.value);
    }
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }

  /** An address that has waited out its delay and stayed quiet for the longest delay again starts afresh. */
  private prune(nowMs: number): void {
    for (const [address, entry] of this.failures) {
      if (nowMs - entry.retryAtMs > this.maxDelayMs) this.failures.delete(address);
    }
  }
}
