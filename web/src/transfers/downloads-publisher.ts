import type { RelayBusyReason } from '@ferry/common';
import type { Cancel, Clock, DownloadPath } from '@ferry/common/transfer';
import { ViewStore } from '../session/view-store';
import type { Job } from './download-job';
import { isTerminalPhase } from './job-machine';
import { viewOf } from './job-view';
import { emptyDownloads, type DownloadsView } from './download-view';

/**
 * The Downloads list's view of the jobs: progress at most every `everyMs` (it changes with every
 * chunk), state changes at once, and the files under way in a store of their own that changes
 * only when that set does (the file list re-renders on it).
 */
export class DownloadsPublisher {
  readonly view = new ViewStore<DownloadsView>(emptyDownloads);
  readonly busy = new ViewStore<ReadonlySet<string>>(new Set());
  private timer: Cancel | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly everyMs: number,
    private readonly jobs: () => readonly Job[],
    /** Whether this tab is in the room now (a download cannot move without it). */
    private readonly isConnected: () => boolean = () => true,
    /** Why the relay holds a job back (RELAY_BUSY), if it does. */
    private readonly relayBusyOf: (jobId: string) => RelayBusyReason | null = () => null,
    /** How bytes from an owner will come, before the first chunk says. */
    private readonly pathFrom: (owner: string) => DownloadPath = () => 'connecting',
  ) {}

  soon(): void {
    this.timer ??= this.clock.after(this.everyMs, () => {
      this.timer = null;
      this.now();
    });
  }

  now(): void {
    this.timer?.();
    this.timer = null;
    const jobs = this.jobs();
    const busy = new Set(
      jobs.filter((job) => !isTerminalPhase(job.phase)).flatMap((job) => job.items.map((item) => item.file.id)),
    );
    const previous = this.busy.get();
    const isSameBusy = busy.size === previous.size && [...busy].every((id) => previous.has(id));
    const isConnected = this.isConnected();
    this.view.set({
      items: jobs.map((job) => viewOf(job, isConnected, this.relayBusyOf(job.id), this.pathFrom)),
      busyFileIds: isSameBusy ? previous : busy,
    });
    if (!isSameBusy) this.busy.set(busy);
  }

  destroy(): void {
    this.timer?.();
    this.timer = null;
  }
}
