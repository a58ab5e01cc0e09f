/*
 * Figures from samples: percentiles, and the daemon's memory sampled over time with a clear
 * definition of "settled".
 */

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const MIB = 1024 * 1024;

export interface SettleOptions {
  /** The window of samples that must agree. */
  windowMs: number;
  /** How far apart the window's lowest and highest samples may be, relative to its median. */
  tolerance: number;
  /** Give up waiting after this long and take the last window as it is. */
  maxWaitMs: number;
}

/**
 * Samples a process's RSS every `intervalMs`. "Settled" means: the samples of the last
 * `windowMs` lie within `tolerance` of their median; the settled value is that median. A run
 * that never settles within `maxWaitMs` reports the median of its last window and says so.
 */
export class RssSampler {
  private readonly samples: { atMs: number; bytes: number }[] = [];
  private readonly timer: NodeJS.Timeout;
  peakBytes = 0;

  constructor(
    private readonly read: () => number,
    private readonly intervalMs = 200,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.sample();
  }

  sample(): number {
    let bytes: number;
    try {
      bytes = this.read();
    } catch {
      return 0; // the process is gone; the caller's liveness check says so
    }
    this.samples.push({ atMs: performance.now(), bytes });
    if (this.samples.length > 100_000) this.samples.splice(0, 50_000);
    this.peakBytes = Math.max(this.peakBytes, bytes);
    return bytes;
  }

  /** Peak since `sinceMs` (performance.now()). */
  peakSince(sinceMs: number): number {
    let peak = 0;
    for (const s of this.samples) if (s.atMs >= sinceMs) peak = Math.max(peak, s.bytes);
    return peak;
  }

  async settle(options: SettleOptions): Promise<{ bytes: number; settled: boolean; waitedMs: number }> {
    const startMs = performance.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
      const nowMs = performance.now();
      const window = this.samples
        .filter((s) => s.atMs >= nowMs - options.windowMs && s.atMs >= startMs)
        .map((s) => s.bytes);
      const covered = nowMs - startMs >= options.windowMs;
      if (covered && window.length > 0) {
        const median = percentile(window, 50);
        const spread = (Math.max(...window) - Math.min(...window)) / median;
        if (spread <= options.tolerance) return { bytes: median, settled: true, waitedMs: nowMs - startMs };
        if (nowMs - startMs >= options.maxWaitMs) return { bytes: median, settled: false, waitedMs: nowMs - startMs };
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
