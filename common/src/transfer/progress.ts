/** Speed over a sliding window of samples, and the time left at that speed. */
export class ProgressMeter {
  private readonly samples: Array<{ atMs: number; bytes: number }> = [];

  constructor(private readonly windowMs = 5000) {}

  record(atMs: number, totalBytes: number): void {
    this.samples.push({ atMs, bytes: totalBytes });
    while (this.samples.length > 2 && atMs - (this.samples[0]?.atMs ?? atMs) > this.windowMs) this.samples.shift();
  }

  /** Bytes per second over the window, 0 until two samples exist. */
  bytesPerSecond(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.atMs <= first.atMs) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.atMs - first.atMs);
  }

  /** Seconds left for `remainingBytes`, or null while the speed is unknown. */
  secondsLeft(remainingBytes: number): number | null {
    const speed = this.bytesPerSecond();
    return speed > 0 ? remainingBytes / speed : null;
  }

  reset(): void {
    this.samples.length = 0;
  }
}
