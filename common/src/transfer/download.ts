import type { FileInfo } from '../protocol/shapes';
import { chunkCount, chunkLength } from '../protocol/shapes';
import { ChunkSet } from './chunk-set';
import type { Frame } from './framing';
import { toHex } from './framing';
import type { Cancel, Clock } from './clock';
import { asTransferError, TransferError } from './errors';
import type { Route, Sha256 } from './ports';
import { ProgressMeter } from './progress';

export type DownloadStatus =
  'running' | 'paused' | 'waiting-owner' | 'needs-repick' | 'finishing' | 'complete' | 'failed' | 'cancelled';

export interface DownloadPort {
  requestChunks(transferId: string, fileId: string, start: number, end: number): void;
  cancelTransfer(transferId: string): void;
  /**
   * Whether a request can reach the owner now, through the daemon or over the data channel; when
   * not, the download waits for the owner as if it were offline. Absent: always.
   */
  canAsk?(): boolean;
}

/** Where a download's chunks live until the file is saved (IndexedDB in browsers). */
export interface DownloadStore {
  putChunk(index: number, bytes: Uint8Array): Promise<void>;
  saveProgress(have: Uint8Array): Promise<void>;
  clear(): Promise<void>;
}

export interface DownloadDeps {
  port: DownloadPort;
  store: DownloadStore;
  sha256: Sha256;
  clock: Clock;
  /** Every chunk is stored: check the whole file and save it. Throws (a TransferError) if it is wrong. */
  finish(): Promise<void>;
}

export interface DownloadTuning {
  /** Bytes asked for and not yet received; large enough that the pipe never idles on a round trip. */
  windowBytes: number;
  /** A chunk with no progress for this long is asked for again. */
  chunkTimeoutMs: number;
  /** Failed integrity checks of one chunk before the download stops. */
  maxChunkFailures: number;
  /** While the owner cannot read the file, ask again this often (it may have been picked again). */
  repickRetryMs: number;
}

export const DEFAULT_TUNING: DownloadTuning = {
  windowBytes: 8 * 1024 * 1024,
  chunkTimeoutMs: 15_000,
  maxChunkFailures: 3,
  repickRetryMs: 5_000,
};

export interface DownloadSnapshot {
  status: DownloadStatus;
  bytesDone: number;
  totalBytes: number;
  chunksDone: number;
  totalChunks: number;
  bytesPerSecond: number;
  secondsLeft: number | null;
  route: Route | null;
  error: TransferError | null;
}

interface Assembly {
  readonly sha256: Uint8Array;
  readonly bytes: Uint8Array;
  received: number;
}

const TERMINAL: ReadonlySet<DownloadStatus> = new Set(['finishing', 'complete', 'failed', 'cancelled']);
const TICK_MS = 1000;

/**
 * The asker's side of one transfer: keeps a window of chunk ranges in flight, assembles chunks
 * from data-channel frames or takes them whole from the relay, checks each against its SHA-256,
 * stores it, and asks again for what failed or stalled. Route-agnostic: P2P and relay chunks may
 * both arrive for the same transfer.
 */
export class Download {
  readonly have: ChunkSet;
  readonly totalChunks: number;
  private statusValue: DownloadStatus = 'paused';
  private failure: TransferError | null = null;
  private lastRoute: Route | null = null;
  /** Chunk index -> time of the last sign of life (request or frame). */
  private readonly inFlight = new Map<number, number>();
  private readonly assemblies = new Map<number, Assembly>();
  private readonly failures = new Map<number, number>();
  private readonly windowChunks: number;
  private readonly meter = new ProgressMeter();
  private bytesDone = 0;
  private cancelTick: Cancel | null = null;
  private lastRepickTryMs = 0;
  private readonly listeners = new Set<(s: DownloadSnapshot) => void>();
  private readonly tuning: DownloadTuning;

  constructor(
    readonly file: FileInfo,
    readonly transferId: string,
    private readonly deps: DownloadDeps,
    storedBits?: Uint8Array,
    tuning: Partial<DownloadTuning> = {},
  ) {
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    this.totalChunks = chunkCount(file.size, file.chunkSize);
    this.have = new ChunkSet(this.totalChunks, storedBits);
    for (let i = 0; i < this.totalChunks; i++)
      if (this.have.has(i)) this.bytesDone += chunkLength(file.size, file.chunkSize, i);
    this.windowChunks = Math.max(2, Math.min(64, Math.ceil(this.tuning.windowBytes / file.chunkSize)));
  }

  get status(): DownloadStatus {
    return this.statusValue;
  }

  snapshot(): DownloadSnapshot {
    const remaining = this.file.size - this.bytesDone;
    const running = this.statusValue === 'running';
    return {
      status: this.statusValue,
      bytesDone: this.bytesDone,
      totalBytes: this.file.size,
      chunksDone: this.have.count,
      totalChunks: this.totalChunks,
      bytesPerSecond: running ? this.meter.bytesPerSecond() : 0,
      secondsLeft: running ? this.meter.secondsLeft(remaining) : null,
      route: this.lastRoute,
      error: this.failure,
    };
  }

  onChange(listener: (s: DownloadSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts or resumes asking for chunks. */
  start(): void {
    if (TERMINAL.has(this.statusValue)) return;
    this.setStatus('running');
    this.meter.reset();
    this.ensureTimer();
    if (this.have.isComplete) void this.complete();
    else this.fill();
  }

  /**
   * Stops at once: the owner is told to drop what it still had queued (CANCEL_TRANSFER ends the
   * daemon's record of the transfer; resuming asks again under the same transferId). Without
   * this, a window of chunks already asked for would keep arriving after "Paused".
   */
  pause(): void {
    if (TERMINAL.has(this.statusValue) || this.statusValue === 'paused') return;
    const wasAsking = this.inFlight.size > 0;
    this.inFlight.clear();
    this.assemblies.clear();
    this.setStatus('paused');
    if (wasAsking) this.deps.port.cancelTransfer(this.transferId);
  }

  cancel(): void {
    if (this.statusValue === 'complete' || this.statusValue === 'cancelled') return;
    this.stop('cancelled', null);
    this.deps.port.cancelTransfer(this.transferId);
    void this.deps.store.clear();
  }

  /** The owner went away: nothing to ask until it is back. */
  ownerOffline(): void {
    if (this.statusValue !== 'running' && this.statusValue !== 'needs-repick') return;
    this.inFlight.clear();
    this.assemblies.clear();
    this.setStatus('waiting-owner');
  }

  ownerOnline(): void {
    if (this.statusValue === 'waiting-owner') this.start();
  }

  /** The daemon says the file is gone from the room. */
  fileRemoved(): void {
    if (!TERMINAL.has(this.statusValue)) this.stop('failed', new TransferError('FILE_NOT_SHARED'));
  }

  /** The owner ended the transfer (TRANSFER_CANCELLED): ask again under the same id if still wanted. */
  transferEnded(): void {
    this.inFlight.clear();
    this.assemblies.clear();
    if (this.statusValue === 'running') this.fill();
  }

  /** A data-channel frame from this file's owner for this transfer. */
  receiveFrame(frame: Frame): void {
    if (frame.transferId !== this.transferId || TERMINAL.has(this.statusValue)) return;
    const { index } = frame;
    switch (frame.kind) {
      case 'chunk-header': {
        // Only chunks we asked for get a buffer, so a peer cannot make us hold arbitrary memory.
        if (!this.inFlight.has(index) || this.have.has(index)) return;
        if (frame.length !== chunkLength(this.file.size, this.file.chunkSize, index)) return this.chunkFailed(index);
        this.assemblies.set(index, { sha256: frame.sha256, bytes: new Uint8Array(frame.length), received: 0 });
        this.inFlight.set(index, this.deps.clock.now());
        if (frame.length === 0) this.assembled(index);
        return;
      }
      case 'chunk-data': {
        const assembly = this.assemblies.get(index);
        if (!assembly) return;
        if (frame.offset + frame.payload.length > assembly.bytes.length) return this.chunkFailed(index);
        assembly.bytes.set(frame.payload, frame.offset);
        assembly.received += frame.payload.length;
        this.inFlight.set(index, this.deps.clock.now());
        if (assembly.received >= assembly.bytes.length) this.assembled(index);
        return;
      }
      case 'chunk-unavailable': {
        if (!this.inFlight.has(index)) return;
        this.inFlight.clear();
        this.assemblies.clear();
        if (frame.reason === 'gone') this.stop('failed', new TransferError('OWNER_LOST_FILE'));
        else {
          this.lastRepickTryMs = this.deps.clock.now();
          this.setStatus('needs-repick');
        }
        return;
      }
      case 'request-refused': {
        // The owner will not send these: ask again (the service now routes them through the daemon).
        const end = index + frame.count;
        for (const asked of [...this.inFlight.keys()]) {
          if (asked >= index && asked < end && !this.assemblies.has(asked)) this.inFlight.delete(asked);
        }
        if (this.statusValue === 'running') this.fill();
        return;
      }
      case 'chunk-request':
        // An asker's frame: never one for a download (the service hands it to the uploader).
        return;
    }
  }

  /** A whole chunk (from the relay, or assembled from frames), with the owner's SHA-256 if known. */
  async receiveChunk(index: number, bytes: Uint8Array, sha256Hex: string | undefined, via: Route): Promise<void> {
    if (TERMINAL.has(this.statusValue) || this.have.has(index) || index < 0 || index >= this.totalChunks) return;
    if (bytes.length !== chunkLength(this.file.size, this.file.chunkSize, index)) return this.chunkFailed(index);
    if (sha256Hex !== undefined && toHex(await this.deps.sha256(bytes)) !== sha256Hex) return this.chunkFailed(index);
    if (TERMINAL.has(this.statusValue) || this.have.has(index)) return;
    // Stored first, marked second: a crash in between loses a chunk, never claims a missing one.
    await this.deps.store.putChunk(index, bytes);
    if (TERMINAL.has(this.statusValue) || !this.have.add(index)) return;
    await this.deps.store.saveProgress(this.have.bits);
    // Several chunks' writes may finish after the last one lands: only one of them completes.
    if (TERMINAL.has(this.statusValue)) return;
    this.inFlight.delete(index);
    this.bytesDone += bytes.length;
    this.lastRoute = via;
    if (this.statusValue === 'needs-repick' || this.statusValue === 'waiting-owner') this.setStatus('running');
    this.meter.record(this.deps.clock.now(), this.bytesDone);
    if (this.have.isComplete) return this.complete();
    this.emit();
    if (this.statusValue === 'running') this.fill();
  }

  private assembled(index: number): void {
    const assembly = this.assemblies.get(index);
    if (!assembly) return;
    this.assemblies.delete(index);
    void this.receiveChunk(index, assembly.bytes, toHex(assembly.sha256), 'p2p');
  }

  private chunkFailed(index: number): void {
    this.assemblies.delete(index);
    this.inFlight.delete(index);
    const failures = (this.failures.get(index) ?? 0) + 1;
    this.failures.set(index, failures);
    if (failures >= this.tuning.maxChunkFailures) {
      this.stop('failed', new TransferError('CHUNK_INTEGRITY', { chunkIndex: index, failures }));
      return;
    }
    if (this.statusValue === 'running') this.fill();
  }

  /** Asks for the next missing chunks once half the window has drained, in one contiguous range. */
  private fill(): void {
    if (this.statusValue !== 'running') return;
    if (this.inFlight.size > this.windowChunks / 2) return;
    if (this.deps.port.canAsk?.() === false) {
      // Neither the daemon nor a channel reaches the owner: wait, as for an owner offline.
      if (this.nextWanted(0) >= 0) this.ownerOffline();
      return;
    }
    let budget = this.windowChunks - this.inFlight.size;
    let cursor = 0;
    const now = this.deps.clock.now();
    while (budget > 0) {
      const start = this.nextWanted(cursor);
      if (start < 0) break;
      let end = start + 1;
      while (end - start < budget && end < this.totalChunks && !this.have.has(end) && !this.inFlight.has(end)) end++;
      for (let i = start; i < end; i++) this.inFlight.set(i, now);
      this.deps.port.requestChunks(this.transferId, this.file.id, start, end);
      budget -= end - start;
      cursor = end;
    }
  }

  private nextWanted(from: number): number {
    let i = this.have.nextMissing(from);
    while (i >= 0 && this.inFlight.has(i)) i = this.have.nextMissing(i + 1);
    return i;
  }

  private tick(): void {
    this.cancelTick = null;
    if (TERMINAL.has(this.statusValue)) return;
    const now = this.deps.clock.now();
    if (this.statusValue === 'running') {
      let stalled = false;
      for (const [index, lastSeen] of this.inFlight) {
        if (now - lastSeen >= this.tuning.chunkTimeoutMs) {
          this.inFlight.delete(index);
          this.assemblies.delete(index);
          stalled = true;
        }
      }
      if (stalled) this.fill();
      this.emit();
    } else if (this.statusValue === 'needs-repick' && now - this.lastRepickTryMs >= this.tuning.repickRetryMs) {
      this.lastRepickTryMs = now;
      this.setStatus('running');
      this.fill();
      return this.ensureTimer();
    }
    this.ensureTimer();
  }

  private ensureTimer(): void {
    if (this.cancelTick === null && !TERMINAL.has(this.statusValue))
      this.cancelTick = this.deps.clock.after(TICK_MS, () => this.tick());
  }

  private async complete(): Promise<void> {
    this.inFlight.clear();
    this.setStatus('finishing');
    try {
      await this.deps.finish();
      if (this.statusValue === 'finishing') this.stop('complete', null);
    } catch (error) {
      if (this.statusValue === 'finishing') this.stop('failed', asTransferError(error, 'FINISH_FAILED'));
    }
  }

  private stop(status: DownloadStatus, failure: TransferError | null): void {
    this.cancelTick?.();
    this.cancelTick = null;
    this.inFlight.clear();
    this.assemblies.clear();
    this.failure = failure;
    this.setStatus(status);
  }

  private setStatus(status: DownloadStatus): void {
    this.statusValue = status;
    this.emit();
  }

  private emit(): void {
    const snapshot = this.snapshot();
    for (const listener of this.listeners) listener(snapshot);
  }
}
