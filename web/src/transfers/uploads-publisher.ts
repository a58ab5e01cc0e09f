import type { ClientInfo, FileInfo } from '@ferry/common';
import { UploadsLedger, type Cancel, type Clock, type UploadEntry } from '@ferry/common/transfer';
import { ViewStore } from '../session/view-store';

/** Someone fetching one of our files, as the owner's file row shows it. */
export interface UploadRow {
  transferId: string;
  /** The asker's publicId, and their name (rendered as text). */
  asker: string;
  askerName: string;
  bytesServed: number;
  totalBytes: number;
  bytesPerSecond: number;
}

export interface UploadsView {
  /** By file id, the people fetching it right now. */
  byFile: ReadonlyMap<string, readonly UploadRow[]>;
  /** Anyone is fetching anything from this tab: closing it would stop them. */
  isAnyoneDownloading: boolean;
}

export const emptyUploads: UploadsView = { byFile: new Map(), isAnyoneDownloading: false };

/**
 * The owner's view of the ledger's transfers under way: only files of ours the room lists, each
 * asker named as the room names them, and a transfer whose every byte has left no longer shown.
 */
export function uploadsView(
  entries: readonly UploadEntry[],
  ownFiles: readonly FileInfo[],
  clients: readonly ClientInfo[],
): UploadsView {
  const byFile = new Map<string, UploadRow[]>();
  for (const entry of entries) {
    const file = ownFiles.find((f) => f.id === entry.fileId);
    if (!file || entry.bytesServed >= file.size) continue;
    const rows = byFile.get(file.id) ?? [];
    rows.push({
      transferId: entry.transferId,
      asker: entry.asker,
      askerName: clients.find((c) => c.publicId === entry.asker)?.name ?? 'Someone',
      bytesServed: entry.bytesServed,
      totalBytes: file.size,
      bytesPerSecond: entry.bytesPerSecond,
    });
    byFile.set(file.id, rows);
  }
  return { byFile, isAnyoneDownloading: byFile.size > 0 };
}

/**
 * Follows what this tab sends and publishes the uploads view: at most every `everyMs` while
 * chunks leave, and on a timer while anything is under way, so speeds fall and finished or
 * stalled transfers leave the view even when nothing more is sent.
 */
export class UploadsPublisher {
  readonly view = new ViewStore<UploadsView>(emptyUploads);
  private readonly ledger = new UploadsLedger();
  private timer: Cancel | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly room: () => { ownFiles: readonly FileInfo[]; clients: readonly ClientInfo[] },
    private readonly everyMs = 500,
  ) {}

  served(asker: string, sent: { transferId: string; fileId: string }, bytes: number): void {
    this.ledger.served(this.clock.now(), { ...sent, asker }, bytes);
    this.soon();
  }

  ended(transferId: string): void {
    this.ledger.ended(transferId);
    this.now();
  }

  forgetPeer(asker: string): void {
    this.ledger.forgetPeer(asker);
    this.now();
  }

  /** The room changed (names, our files): publish if anything is shown. */
  roomChanged(): void {
    if (this.view.get().isAnyoneDownloading) this.now();
  }

  now(): void {
    this.timer?.();
    this.timer = null;
    const { ownFiles, clients } = this.room();
    const view = uploadsView(this.ledger.active(this.clock.now()), ownFiles, clients);
    const previous = this.view.get();
    if (view.isAnyoneDownloading || previous.isAnyoneDownloading) this.view.set(view);
    if (view.isAnyoneDownloading) this.soon();
  }

  destroy(): void {
    this.timer?.();
    this.timer = null;
  }

  private soon(): void {
    this.timer ??= this.clock.after(this.everyMs, () => {
      this.timer = null;
      this.now();
    });
  }
}
