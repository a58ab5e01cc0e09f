import type { PeerChannel } from '../transport/peer-channel';
import type { UnavailableReason } from './framing';
import { DataFrameWriter, dataFrameOverhead, encodeChunkHeader, encodeChunkUnavailable, toHex } from './framing';
import { backoffDelayMs, type BackoffOptions } from './backoff';
import { sleep, type Clock } from './clock';
import type { Route, Sha256 } from './ports';

/** Reads one chunk of a shared file; a file the browser lost access to (after a reload) is unavailable. */
export type ReadChunk = (fileId: string, index: number) => Promise<Uint8Array | UnavailableReason>;

export type RelayPutResult = 'ok' | 'retry' | 'gone';

export interface UploadDeps {
  readChunk: ReadChunk;
  sha256: Sha256;
  clock: Clock;
  /** An open data channel to `peer`, or null when P2P is off or could not be set up: use the relay. */
  channelTo(peer: string): Promise<PeerChannel | null>;
  /** PUT one chunk on the daemon's relay. 'retry' = over quota now; 'gone' = the transfer ended. */
  relayPut(transferId: string, index: number, bytes: Uint8Array, sha256Hex: string): Promise<RelayPutResult>;
  /** Tells the asker over the daemon that a chunk cannot be read (when there is no channel). */
  notifyUnavailable?(peer: string, transferId: string, index: number, reason: UnavailableReason): void;
  onRoute?(transferId: string, route: Route): void;
  /** A whole chunk of `transferId` left for `peer` (handed to the channel, or stored on the relay). */
  onServed?(peer: string, sent: { transferId: string; fileId: string; index: number }, bytes: number): void;
}

export interface UploadTuning {
  /** Sending pauses above this many buffered bytes and resumes at the low-water mark. */
  highWaterBytes: number;
  lowWaterBytes: number;
  maxMessageBytes: number;
  /** Queued chunk requests per asker beyond which older ones are dropped (the asker asks again). */
  maxQueuedChunks: number;
  /** Waits between tries of a PUT the relay turned down for now. */
  relayRetry: BackoffOptions;
  relayMaxRetries: number;
  /**
   * Relay PUTs under way at once per asker. One at a time left the pipe idle for a round trip per
   * chunk; a few overlap those. Kept small: each holds a chunk in memory and a share of the
   * per-peer quota. A PUT told to retry (507 quota full, 429 too fast) keeps its place while it
   * backs off, so no further chunk starts until one has gone through.
   */
  relayConcurrency: number;
}

export const DEFAULT_UPLOAD_TUNING: UploadTuning = {
  highWaterBytes: 4 * 1024 * 1024,
  lowWaterBytes: 1024 * 1024,
  maxMessageBytes: 256 * 1024,
  maxQueuedChunks: 4096,
  relayRetry: { baseMs: 500, maxMs: 5000 },
  relayMaxRetries: 40,
  relayConcurrency: 3,
};

interface QueuedChunk {
  readonly transferId: string;
  readonly fileId: string;
  readonly index: number;
}

/**
 * The owner's side: a queue of asked chunks per asker, each read, hashed and sent over the data
 * channel with backpressure (bufferedAmount high/low water marks, never stop-and-wait), or PUT on
 * the relay when there is no channel. A channel that fails mid-chunk sends that chunk by relay.
 */
export class Uploader {
  private readonly queues = new Map<string, QueuedChunk[]>();
  private readonly pumping = new Set<string>();
  private readonly cancelled = new Set<string>();
  /** Relay PUTs (with their retries) under way, by asker. */
  private readonly relayPuts = new Map<string, Set<Promise<void>>>();
  /** Wakes a pump that waits on relay PUTs when new requests arrive. */
  private readonly wakers = new Map<string, () => void>();
  private readonly tuning: UploadTuning;
  /** One for every peer: each frame is encoded and sent with no await in between. */
  private readonly frames = new DataFrameWriter();
  private destroyed = false;

  constructor(
    private readonly deps: UploadDeps,
    tuning: Partial<UploadTuning> = {},
  ) {
    this.tuning = { ...DEFAULT_UPLOAD_TUNING, ...tuning };
  }

  /** An UPLOAD_CHUNK_REQUEST from the daemon. */
  request(from: string, transferId: string, fileId: string, start: number, end: number): void {
    if (this.destroyed) return;
    this.cancelled.delete(transferId);
    const queue = this.queues.get(from) ?? [];
    const queued = new Set(queue.filter((q) => q.transferId === transferId).map((q) => q.index));
    for (let index = start; index < end && queue.length < this.tuning.maxQueuedChunks; index++) {
      if (!queued.has(index)) queue.push({ transferId, fileId, index });
    }
    this.queues.set(from, queue);
    this.wakers.get(from)?.();
    void this.pump(from);
  }

  cancel(transferId: string): void {
    this.cancelled.add(transferId);
    for (const [peer, queue] of this.queues) {
      this.queues.set(
        peer,
        queue.filter((q) => q.transferId !== transferId),
      );
    }
  }

  /** Drops everything queued for a peer that left. */
  forgetPeer(peer: string): void {
    this.queues.delete(peer);
  }

  queuedFor(peer: string): number {
    return this.queues.get(peer)?.length ?? 0;
  }

  destroy(): void {
    this.destroyed = true;
    this.queues.clear();
  }

  private async pump(peer: string): Promise<void> {
    if (this.pumping.has(peer)) return;
    this.pumping.add(peer);
    try {
      for (;;) {
        const next = this.queues.get(peer)?.shift();
        if (next && !this.destroyed) {
          await this.sendOne(peer, next);
          continue;
        }
        // Requests that arrive while the last PUTs finish are served by this same pump.
        const puts = this.relayPuts.get(peer);
        if (!puts || puts.size === 0 || this.destroyed) break;
        await Promise.race([...puts, new Promise<void>((resolve) => this.wakers.set(peer, resolve))]);
        this.wakers.delete(peer);
      }
    } finally {
      this.pumping.delete(peer);
    }
  }

  private async sendOne(peer: string, item: QueuedChunk): Promise<void> {
    const bytes = await this.deps.readChunk(item.fileId, item.index);
    if (this.cancelled.has(item.transferId)) return;
    const channel = await this.deps.channelTo(peer);
    if (typeof bytes === 'string') {
      if (channel) channel.send(encodeChunkUnavailable(item.transferId, item.index, bytes));
      else this.deps.notifyUnavailable?.(peer, item.transferId, item.index, bytes);
      // The rest of this transfer cannot be read either; the asker asks again later.
      this.cancel(item.transferId);
      this.cancelled.delete(item.transferId);
      return;
    }
    const hash = await this.deps.sha256(bytes);
    if (channel && (await this.sendOverChannel(channel, item, bytes, hash))) {
      this.deps.onRoute?.(item.transferId, 'p2p');
      if (!this.cancelled.has(item.transferId)) this.deps.onServed?.(peer, item, bytes.length);
      return;
    }
    this.deps.onRoute?.(item.transferId, 'relay');
    await this.startRelayPut(peer, item, bytes, toHex(hash));
  }

  /** Starts a PUT and returns once fewer than the allowed number are under way for `peer`. */
  private async startRelayPut(peer: string, item: QueuedChunk, bytes: Uint8Array, sha256Hex: string): Promise<void> {
    const puts = this.relayPuts.get(peer) ?? new Set<Promise<void>>();
    this.relayPuts.set(peer, puts);
    const put = this.sendOverRelay(peer, item, bytes, sha256Hex).finally(() => {
      puts.delete(put);
      if (puts.size === 0 && this.relayPuts.get(peer) === puts) this.relayPuts.delete(peer);
    });
    puts.add(put);
    while (puts.size >= Math.max(1, this.tuning.relayConcurrency)) await Promise.race(puts);
  }

  /** Header, then payload frames sized to the channel; false if the channel died on the way. */
  private async sendOverChannel(
    channel: PeerChannel,
    item: QueuedChunk,
    bytes: Uint8Array,
    hash: Uint8Array,
  ): Promise<boolean> {
    const messageBytes = Math.min(this.tuning.maxMessageBytes, channel.maxMessageBytes);
    const payloadBytes = Math.max(1024, messageBytes - dataFrameOverhead(item.transferId));
    try {
      if (!(await this.drain(channel))) return false;
      channel.send(encodeChunkHeader(item.transferId, item.index, bytes.length, hash));
      for (let offset = 0; offset < bytes.length; offset += payloadBytes) {
        if (this.cancelled.has(item.transferId)) return true;
        if (!(await this.drain(channel))) return false;
        channel.send(
          this.frames.frame(item.transferId, item.index, offset, bytes.subarray(offset, offset + payloadBytes)),
        );
      }
      return true;
    } catch {
      return false;
    }
  }

  /** Waits until the channel's buffer is under the high-water mark; false if it closed. */
  private drain(channel: PeerChannel): Promise<boolean> {
    if (channel.state !== 'open') return Promise.resolve(false);
    if (channel.bufferedAmount <= this.tuning.highWaterBytes) return Promise.resolve(true);
    channel.bufferedAmountLowThreshold = this.tuning.lowWaterBytes;
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        offLow();
        offClose();
        resolve(ok);
      };
      const offLow = channel.onBufferedAmountLow(() => done(true));
      const offClose = channel.onClose(() => done(false));
    });
  }

  private async sendOverRelay(peer: string, item: QueuedChunk, bytes: Uint8Array, sha256Hex: string): Promise<void> {
    for (let attempt = 0; attempt <= this.tuning.relayMaxRetries; attempt++) {
      if (this.cancelled.has(item.transferId) || this.destroyed) return;
      let result: RelayPutResult;
      try {
        result = await this.deps.relayPut(item.transferId, item.index, bytes, sha256Hex);
      } catch {
        result = 'retry';
      }
      if (result === 'ok' && !this.cancelled.has(item.transferId)) this.deps.onServed?.(peer, item, bytes.length);
      if (result !== 'retry') return;
      await sleep(this.deps.clock, backoffDelayMs(attempt, this.tuning.relayRetry));
    }
  }
}
