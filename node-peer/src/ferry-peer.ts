import { createHash } from 'node:crypto';
import SimplePeer from 'simple-peer';
import WebSocket from 'ws';
import type { FileInfo, FileOffer, FromDaemon, FromDaemonOf, ToDaemon } from '@ferry/common';
import {
  chunkCount,
  chunkLength,
  CLOSE_CODES,
  FEATURES,
  limits,
  parseFromDaemon,
  RoomPageAssembler,
} from '@ferry/common';
import type { Download } from '@ferry/common/transfer';
import {
  backoffDelayMs,
  randomId,
  systemClock,
  TransferError,
  TransferService,
  type BackoffOptions,
} from '@ferry/common/transfer';
import { createSimplePeerLink } from '@ferry/common/transport';
import { decideAddFiles } from '@ferry/common/authority';
import { MemoryDownloadStore } from './memory-download-store';
import { RelayClient } from './relay-client';
import { nodeWrtc } from './wrtc';

/**
 * A Ferry peer in Node: the same transfer engine as the browser apps, over node-datachannel
 * WebRTC and the real daemon. Used by integration tests and the benchmark; it keeps shared files
 * and downloads in memory.
 */
export interface FerryPeerOptions {
  url: string;
  /** Register as the master with this token; otherwise as a client named `name`. */
  masterToken?: string;
  name?: string;
  chunkSize?: number;
  /** Force the relay whatever the daemon advises (to test fallback). */
  disableP2p?: boolean;
}

/** Back to a daemon that went away: quick, as tests restart it and wait for the peer. */
const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 50, maxMs: 2_000 };

type Waiter = { type: FromDaemon['type']; predicate: (m: FromDaemon) => boolean; resolve: (m: FromDaemon) => void };

export class FerryPeer {
  publicId = '';
  privateId = '';
  p2p = true;
  files: FileInfo[] = [];
  readonly service: TransferService;
  /** Times the socket to the daemon was lost and the identity resumed with its privateId. */
  reconnects = 0;
  private ws: WebSocket;
  private isClosing = false;
  private isReconnecting = false;
  private readonly shared = new Map<string, Uint8Array>();
  private readonly waiters = new Set<Waiter>();
  /** Verified chunks of each completed download, in order (joined only when a caller reads them). */
  private readonly completed = new Map<string, Uint8Array[]>();
  private readonly relay: RelayClient;

  private constructor(
    private readonly options: FerryPeerOptions,
    ws: WebSocket,
  ) {
    this.ws = ws;
    this.relay = new RelayClient(options.url, () => this.privateId);
    this.service = new TransferService({
      send: (m) => this.send(m),
      selfId: () => this.publicId,
      p2pEnabled: () => this.p2p && !options.disableP2p,
      createLink: ({ initiator, sendSignal }) =>
        createSimplePeerLink({
          SimplePeer,
          wrtc: nodeWrtc,
          initiator,
          config: { iceServers: [] },
          sendSignal,
          channelName: 'ferry',
        }),
      readChunk: (fileId, index) => Promise.resolve(this.readChunk(fileId, index)),
      sha256: (bytes) => Promise.resolve(new Uint8Array(createHash('sha256').update(bytes).digest())),
      clock: systemClock,
      relayPut: (transferId, index, bytes, sha) => this.relay.put(transferId, index, bytes, sha),
      relayGet: (transferId, index) => this.relay.get(transferId, index),
      finish: (download) => this.finish(download),
    });
    this.listen(ws);
  }

  static async connect(options: FerryPeerOptions): Promise<FerryPeer> {
    const peer = new FerryPeer(options, await FerryPeer.open(options.url));
    await peer.register();
    return peer;
  }

  private static async open(url: string): Promise<WebSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return ws;
  }

  /** Registers, or resumes the identity it already has (its privateId), like a reloaded tab. */
  private async register(timeoutMs = 10_000): Promise<void> {
    // Declared as the apps do, so the daemon speaks REMOVE_FILES / FILES_REMOVED to it.
    const resume = { features: [FEATURES.removeFiles], ...(this.privateId ? { privateId: this.privateId } : {}) };
    if (this.options.masterToken !== undefined) {
      this.send({ type: 'MASTER_APP_REGISTER', token: this.options.masterToken, ...resume });
      const ack = await this.next('MASTER_APP_REGISTER_ACK', () => true, timeoutMs);
      this.publicId = ack.publicId;
      this.privateId = ack.privateId;
      this.p2p = ack.p2p ?? true;
      this.files = ack.files;
    } else {
      this.send({ type: 'CLIENT_REGISTER', name: this.options.name ?? 'node peer', ...resume });
      const ack = await this.next('CLIENT_REGISTER_ACK', () => true, timeoutMs);
      this.publicId = ack.publicId;
      this.privateId = ack.privateId;
      this.p2p = ack.p2p;
    }
  }

  private listen(ws: WebSocket): void {
    // A room state sent in pages is handled whole, once its last page is in (PROTOCOL.md §9.11).
    const pages = new RoomPageAssembler();
    ws.on('message', (data) => {
      if (ws !== this.ws) return;
      const parsed = parseFromDaemon(Buffer.isBuffer(data) ? data.toString('utf8') : '');
      if (!parsed.ok) return;
      for (const message of pages.accept(parsed.message)) this.onMessage(message);
    });
    ws.on('error', () => undefined);
    // The daemon went away (restart, crash, kill -9): come back as the same identity, as a tab
    // does; not after another socket took the identity over, or after leaving.
    ws.on('close', (code) => {
      if (code === CLOSE_CODES.sessionReplaced || code === CLOSE_CODES.left) return;
      if (ws === this.ws && !this.isClosing && !this.isReconnecting) void this.reconnect();
    });
  }

  private async reconnect(): Promise<void> {
    this.isReconnecting = true;
    try {
      for (let attempt = 0; !this.isClosing; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(attempt, RECONNECT_BACKOFF)).unref());
        if (this.isClosing) return;
        const ws = await FerryPeer.open(this.options.url).catch(() => null);
        if (!ws) continue;
        this.ws = ws;
        this.listen(ws);
        try {
          await this.register(5_000);
        } catch {
          ws.terminate();
          continue;
        }
        this.reconnects++;
        // Chunk requests sent while the daemon was away were lost, and a restarted daemon knows
        // no transfer: ask again now rather than after each chunk's timeout.
        for (const download of this.service.downloads.values()) download.transferEnded();
        return;
      }
    } finally {
      this.isReconnecting = false;
    }
  }

  send(message: ToDaemon): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** The next message of `type` (matching `predicate`), however it interleaves with others. */
  next<T extends FromDaemon['type']>(
    type: T,
    predicate: (m: FromDaemonOf<T>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<FromDaemonOf<T>> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        type,
        predicate: (m) => predicate(m as FromDaemonOf<T>),
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as FromDaemonOf<T>);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${type}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Master only: admit a client. */
  async approve(publicId: string): Promise<void> {
    this.send({ type: 'APPROVE_CLIENT', publicId });
    await this.next('CLIENT_APPROVED', (m) => m.client.publicId === publicId);
  }

  /** Shares bytes as a file; resolves with its FileInfo once the master has listed it. */
  async share(name: string, bytes: Uint8Array): Promise<FileInfo> {
    const offer: FileOffer = {
      id: randomId(),
      name,
      size: bytes.length,
      chunkSize: this.options.chunkSize ?? limits.DEFAULT_CHUNK_BYTES,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    this.shared.set(offer.id, bytes);
    const reqId = randomId();
    this.send({ type: 'ADD_FILES', reqId, files: [offer] });
    const added = await this.next('FILES_ADDED', (m) => m.reqId === reqId);
    const file = added.files.find((f) => f.id === offer.id);
    if (!file) throw new Error(`not shared: ${added.rejected[0]?.reason ?? 'unknown'}`);
    return file;
  }

  /**
   * Downloads a file into memory; resolves once it is verified. `bytes` joins the chunks on first
   * read: like a browser's Blob of stored chunks, a finished download is its chunks, and copying
   * them into one buffer (a fresh 256 MiB costs about a second on these machines) is the caller's
   * choice, not part of the transfer.
   */
  async download(
    file: FileInfo,
  ): Promise<{ readonly bytes: Uint8Array; readonly chunks: readonly Uint8Array[]; download: Download }> {
    const store = new MemoryDownloadStore(chunkCount(file.size, file.chunkSize));
    this.stores.set(file.id, store);
    const download = this.service.download(file, randomId(), store);
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (download.status === 'complete') resolve();
        else if (download.status === 'failed' || download.status === 'cancelled')
          reject(download.snapshot().error ?? new Error(`download ${download.status}`));
      };
      download.onChange(check);
      check();
    });
    const parts = this.completed.get(download.transferId);
    if (!parts) throw new Error('completed without bytes');
    this.completed.delete(download.transferId);
    let joined: Uint8Array | null = null;
    return {
      chunks: parts,
      download,
      get bytes() {
        joined ??= Buffer.concat(parts);
        return joined;
      },
    };
  }

  async close(): Promise<void> {
    this.isClosing = true;
    this.relay.close();
    this.service.destroy();
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  private readonly stores = new Map<string, MemoryDownloadStore>();

  private onMessage(message: FromDaemon): void {
    if (message.type === 'ADD_FILES' && this.options.masterToken !== undefined) {
      const decision = decideAddFiles(this.files, message.owner, message.files);
      this.send({ type: 'FILES_ADDED', reqId: message.reqId, owner: message.owner, ...decision });
    } else if (message.type === 'REMOVE_FILE' && this.options.masterToken !== undefined) {
      this.send({ type: 'FILE_REMOVED', reqId: message.reqId, fileId: message.fileId });
    } else if (message.type === 'REMOVE_FILES' && this.options.masterToken !== undefined) {
      this.send({ type: 'FILES_REMOVED', reqId: message.reqId, fileIds: message.fileIds });
    } else if (message.type === 'FILES_ADDED') {
      const ids = new Set(message.files.map((f) => f.id));
      this.files = [...this.files.filter((f) => !ids.has(f.id)), ...message.files];
    } else if (message.type === 'ROOM_STATE') {
      this.files = message.files;
    } else if (message.type === 'FILE_REMOVED') {
      this.files = this.files.filter((f) => f.id !== message.fileId);
    } else if (message.type === 'FILES_REMOVED') {
      const gone = new Set(message.fileIds);
      this.files = this.files.filter((f) => !gone.has(f.id));
    }
    this.service.handle(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.type === message.type && waiter.predicate(message)) {
        this.waiters.delete(waiter);
        waiter.resolve(message);
      }
    }
  }

  /** Tests: act like a browser that lost the file (after a reload) until `restore`. */
  loseFile(fileId: string): void {
    this.lost.add(fileId);
  }

  restoreFile(fileId: string): void {
    this.lost.delete(fileId);
  }

  private readonly lost = new Set<string>();

  private readChunk(fileId: string, index: number): Uint8Array | 'gone' | 'needs-repick' {
    if (this.lost.has(fileId)) return 'needs-repick';
    const bytes = this.shared.get(fileId);
    const file = this.files.find((f) => f.id === fileId);
    if (!bytes || !file) return 'gone';
    const start = index * file.chunkSize;
    return bytes.subarray(start, start + chunkLength(file.size, file.chunkSize, index));
  }

  private finish(download: Download): Promise<void> {
    const store = this.stores.get(download.file.id);
    const ordered = store?.ordered() ?? 0;
    if (typeof ordered === 'number') return Promise.reject(new TransferError('CHUNK_MISSING', { chunkIndex: ordered }));
    if (download.file.sha256 !== undefined && store?.digestHex() !== download.file.sha256) {
      return Promise.reject(new TransferError('HASH_MISMATCH'));
    }
    this.completed.set(download.transferId, ordered);
    this.stores.delete(download.file.id);
    return Promise.resolve();
  }
}
