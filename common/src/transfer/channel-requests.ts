import type { Clock } from './clock';
import type { RefusalReason } from './framing';

/*
 * The owner's side of chunk requests made over the data channel (CHUNK_REQUEST frames). The
 * daemon checks approval on every REQUEST_CHUNK; a channel request has no daemon on its way, so
 * the owner takes one only for a transfer the daemon already routed to it from that same asker
 * (the link's remote, whose publicId the daemon stamped on every SIGNAL that set the channel up),
 * and only while what the daemon said can still be trusted:
 * - while the owner is connected to the daemon, which tells it at once when the asker is
 *   dis-approved, leaves or goes offline (the service then forgets the asker's transfers);
 * - for a bounded grace after the owner lost the daemon (it hears nothing then);
 * - never across a reconnection: once back, the owner serves only what the daemon routes anew,
 *   so a dis-approval it missed while away cannot be missed for good.
 */

export interface ChannelRequestTuning {
  /** After losing the daemon, channel requests are taken for this long. */
  graceMs: number;
  /** Routed transfers remembered at most; the oldest is forgotten first (its asker then asks the daemon). */
  maxTransfers: number;
}

export const DEFAULT_CHANNEL_REQUEST_TUNING: ChannelRequestTuning = { graceMs: 120_000, maxTransfers: 4096 };

export type ChannelRequestVerdict =
  { ok: true; fileId: string; start: number; end: number } | { ok: false; reason: RefusalReason };

interface Routed {
  readonly asker: string;
  readonly fileId: string;
}

export class ChannelRequestGate {
  private readonly routed = new Map<string, Routed>();
  private isDaemonUp = true;
  private daemonLostAtMs = 0;
  private readonly tuning: ChannelRequestTuning;

  constructor(
    private readonly clock: Clock,
    /** Chunks in one of our shared files, or undefined when it is not ours (any more). */
    private readonly chunkCountOf: (fileId: string) => number | undefined,
    tuning: Partial<ChannelRequestTuning> = {},
  ) {
    this.tuning = { ...DEFAULT_CHANNEL_REQUEST_TUNING, ...tuning };
  }

  /** An UPLOAD_CHUNK_REQUEST: the daemon checked the asker and routed this transfer to us. */
  routedByDaemon(transferId: string, asker: string, fileId: string): void {
    // Re-inserted so that the Map's order is least recently routed first.
    this.routed.delete(transferId);
    this.routed.set(transferId, { asker, fileId });
    for (const oldest of this.routed.keys()) {
      if (this.routed.size <= this.tuning.maxTransfers) break;
      this.routed.delete(oldest);
    }
  }

  /** TRANSFER_CANCELLED: the daemon forgot the transfer, so must we. */
  ended(transferId: string): void {
    this.routed.delete(transferId);
  }

  /** The asker went offline, left or was dis-approved. */
  forgetPeer(asker: string): void {
    for (const [transferId, routed] of this.routed) if (routed.asker === asker) this.routed.delete(transferId);
  }

  /** Our own connection to the daemon (registered and approved) went down or came back. */
  daemonConnection(isUp: boolean): void {
    if (isUp === this.isDaemonUp) return;
    this.isDaemonUp = isUp;
    if (isUp) this.routed.clear();
    else this.daemonLostAtMs = this.clock.now();
  }

  /** Whether to serve chunks `start` to `start + count - 1` of `transferId` to `from`. */
  check(from: string, transferId: string, start: number, count: number): ChannelRequestVerdict {
    const routed = this.routed.get(transferId);
    if (!routed || routed.asker !== from) return { ok: false, reason: 'unknown-transfer' };
    if (!this.isDaemonUp && this.clock.now() - this.daemonLostAtMs > this.tuning.graceMs) {
      return { ok: false, reason: 'daemon-away' };
    }
    const chunks = this.chunkCountOf(routed.fileId);
    const end = start + count;
    // An honest asker never asks past the end; the daemon would refuse it too (BAD_MESSAGE).
    if (chunks === undefined || end > chunks) return { ok: false, reason: 'unknown-transfer' };
    return { ok: true, fileId: routed.fileId, start, end };
  }
}
