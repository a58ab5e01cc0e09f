/*
 * Who is fetching what from us: the owner's side of every transfer, from the chunks it has sent
 * (over the channel or the relay). Pure: time comes in as arguments, so a test drives it with
 * plain numbers, and the app decides how often to look.
 */

export interface UploadsLedgerTuning {
  /** A transfer with no chunk sent for this long is no longer shown as under way. */
  activeForMs: number;
  /** The speed is what was sent over this last stretch of time. */
  rateWindowMs: number;
  /** Transfers remembered at most; the least recently served goes first. */
  maxTransfers: number;
}

export const DEFAULT_UPLOADS_LEDGER_TUNING: UploadsLedgerTuning = {
  // The asker asks again for a chunk that stalls this long: past it, nobody is waiting on us.
  activeForMs: 15_000,
  rateWindowMs: 5_000,
  maxTransfers: 1024,
};

/** One transfer seen from the owner's side. */
export interface UploadEntry {
  transferId: string;
  fileId: string;
  /** The asker's publicId. */
  asker: string;
  /** Bytes sent so far (a chunk sent twice counts twice; the app caps it at the file's size). */
  bytesServed: number;
  bytesPerSecond: number;
}

interface Sent {
  readonly atMs: number;
  readonly bytes: number;
}

interface Transfer {
  readonly fileId: string;
  readonly asker: string;
  bytesServed: number;
  readonly firstAtMs: number;
  lastAtMs: number;
  /** Chunks sent within the rate window, oldest first. */
  readonly recent: Sent[];
}

export class UploadsLedger {
  private readonly transfers = new Map<string, Transfer>();
  private readonly tuning: UploadsLedgerTuning;

  constructor(tuning: Partial<UploadsLedgerTuning> = {}) {
    this.tuning = { ...DEFAULT_UPLOADS_LEDGER_TUNING, ...tuning };
  }

  /** A chunk of `bytes` left for `asker` at `nowMs`. */
  served(nowMs: number, sent: { transferId: string; fileId: string; asker: string }, bytes: number): void {
    let transfer = this.transfers.get(sent.transferId);
    // The same transferId for another asker or file is another transfer (the daemon freed the id).
    if (transfer && (transfer.asker !== sent.asker || transfer.fileId !== sent.fileId)) transfer = undefined;
    transfer ??= {
      fileId: sent.fileId,
      asker: sent.asker,
      bytesServed: 0,
      firstAtMs: nowMs,
      lastAtMs: nowMs,
      recent: [],
    };
    transfer.bytesServed += bytes;
    transfer.lastAtMs = nowMs;
    transfer.recent.push({ atMs: nowMs, bytes });
    this.prune(transfer, nowMs);
    this.transfers.delete(sent.transferId);
    this.transfers.set(sent.transferId, transfer);
    for (const oldest of this.transfers.keys()) {
      if (this.transfers.size <= this.tuning.maxTransfers) break;
      this.transfers.delete(oldest);
    }
  }

  /** The transfer ended (cancelled, or its asker paused it). */
  ended(transferId: string): void {
    this.transfers.delete(transferId);
  }

  /** The asker left, went offline or was dis-approved. */
  forgetPeer(asker: string): void {
    for (const [transferId, transfer] of this.transfers)
      if (transfer.asker === asker) this.transfers.delete(transferId);
  }

  /** Transfers under way at `nowMs` (something sent within `activeForMs`), least recently served first. */
  active(nowMs: number): UploadEntry[] {
    const entries: UploadEntry[] = [];
    for (const [transferId, transfer] of this.transfers) {
      if (nowMs - transfer.lastAtMs > this.tuning.activeForMs) {
        this.transfers.delete(transferId);
        continue;
      }
      this.prune(transfer, nowMs);
      entries.push({
        transferId,
        fileId: transfer.fileId,
        asker: transfer.asker,
        bytesServed: transfer.bytesServed,
        bytesPerSecond: this.rateOf(transfer, nowMs),
      });
    }
    return entries;
  }

  private prune(transfer: Transfer, nowMs: number): void {
    const since = nowMs - this.tuning.rateWindowMs;
    let drop = 0;
    while (drop < transfer.recent.length && (transfer.recent[drop]?.atMs ?? nowMs) <= since) drop++;
    if (drop > 0) transfer.recent.splice(0, drop);
  }

  /**
   * Bytes sent within the window over the window's length, or over the time since the transfer
   * began when that is shorter (but at least a second, so the first chunk is not a spike).
   */
  private rateOf(transfer: Transfer, nowMs: number): number {
    let bytes = 0;
    for (const sent of transfer.recent) bytes += sent.bytes;
    const spanMs = Math.max(1000, Math.min(this.tuning.rateWindowMs, nowMs - transfer.firstAtMs));
    return (bytes * 1000) / spanMs;
  }
}
