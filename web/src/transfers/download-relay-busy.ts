import type { RelayBusyReason } from '@ferry/common';
import type { Cancel, Clock } from '@ferry/common/transfer';
import { RELAY_BUSY_FORGET_MS } from './relay-busy';

/**
 * The asker's side of RELAY_BUSY: which downloads the relay is holding back because it refuses
 * their owner's uploads for now. A notice lasts until a chunk of that download arrives, or until
 * the daemon's suggested wait plus RELAY_BUSY_FORGET_MS pass with no new notice (the daemon
 * repeats it at most once a second while refusals go on, so silence means they stopped).
 */
export class DownloadRelayBusy {
  private readonly byJob = new Map<string, { reason: RelayBusyReason; forget: Cancel }>();

  constructor(
    private readonly clock: Clock,
    /** A notice appeared, changed or went away. */
    private readonly onChange: () => void,
  ) {}

  note(jobId: string, reason: RelayBusyReason, retryAfterMs: number): void {
    const previous = this.byJob.get(jobId);
    previous?.forget();
    const forget = this.clock.after(retryAfterMs + RELAY_BUSY_FORGET_MS, () => this.clear(jobId));
    this.byJob.set(jobId, { reason, forget });
    if (previous?.reason !== reason) this.onChange();
  }

  /** The download moved on (a chunk arrived) or ended. */
  clear(jobId: string): void {
    const entry = this.byJob.get(jobId);
    if (!entry) return;
    entry.forget();
    this.byJob.delete(jobId);
    this.onChange();
  }

  reasonOf(jobId: string): RelayBusyReason | null {
    return this.byJob.get(jobId)?.reason ?? null;
  }

  destroy(): void {
    for (const entry of this.byJob.values()) entry.forget();
    this.byJob.clear();
  }
}
