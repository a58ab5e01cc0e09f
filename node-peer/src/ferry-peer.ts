import { createHash, randomUUID } from 'node:crypto';
import SimplePeer from 'simple-peer';
import WebSocket from 'ws';
import type { FileInfo, FileOffer, FromDaemon, FromDaemonOf, ToDaemon } from '@ferry/common';
import { chunkLength, limits, parseFromDaemon } from '@ferry/common';
import type { Download, DownloadStore, RelayGetResult, RelayPutResult } from '../../common/src/transfer/index';
import { systemClock, TransferService } from '../../common/src/transfer/index';
import { createSimplePeerLink } from '../../common/src/transport/simple-peer-channel';
import { decideAddFiles } from '../../master/src/authority';
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

type Waiter = { type: FromDaemon['type']; predicate: (m: FromDaemon) => boolean; resolve: (m: FromDaemon) => void };

export class FerryPeer {
  publicId = '';
  privateId = '';
  p2p = true;
  files: FileInfo[] = [];
  readonly service: TransferService;
  private readonly ws: WebSocket;
  private readonly shared = new Map<string, Uint8Array>();
  private readonly waiters = new Set<Waiter>();
  private readonly completed = new Map<string, Uint8Array>();

  private constructor(
    private readonly options: FerryPeerOptions,
    ws: WebSocket,
  ) {
    this.ws = ws;
    this.service = new TransferService({
      send: (m) => this.send(m),
      selfId: () => this.publicId,
      p2pEnabled: () => this.p2p && !options.disableP2p,
      createLink: ({ initiator, sendSignal }) =>
        createSimplePeerLink({ SimplePeer, wrtc: nodeWrtc, initiator, config: { iceServers: [] }, sendSignal, channelName: 'ferry' }),
      readChunk: (fileId, index) => Promise.resolve(this.readChunk(fileId, index)),
      sha256: (bytes) => Promise.resolve(new Uint8Array(createHash('sha256').update(bytes).digest())),
      clock: systemClock,
      relayPut: (transferId, index, bytes, sha) => this.relayPut(transferId, index, bytes, sha),
      relayGet: (transferId, index) => this.relayGet(transferId, index),
      finish: (download) => this.finish(download),
    });
    ws.on('message', (data) => {
      const parsed = parseFromDaemon(Buffer.isBuffer(data) ? data.toString('utf8') : '');
      if (parsed.ok) this.onMessage(parsed.message);
    });
  }

  static async connect(options: FerryPeerOptions): Promise<FerryPeer> {
    const ws = new WebSocket(`${options.url.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const peer = new FerryPeer(options, ws);
    if (options.masterToken !== undefined) {
      peer.send({ type: 'MASTER_APP_REGISTER', token: options.masterToken });
      const ack = await peer.next('MASTER_APP_REGISTER_ACK');
      peer.publicId = ack.publicId;
      peer.privateId = ack.privateId;
      peer.p2p = ack.p2p ?? true;
      peer.files = ack.files;
    } else {
      peer.send({ type: 'CLIENT_REGISTER', name: options.name ?? 'node peer' });
      const ack = await peer.next('CLIENT_REGISTER_ACK');
      peer.publicId = ack.publicId;
      peer.privateId = ack.privateId;
      peer.p2p = ack.p2p;
    }
    return peer;
  }

  send(message: ToDaemon): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** The next message of `type` (matching `predicate`), however it interleaves with others. */
  next<T extends FromDaemon['type']>(type: T, predicate: (m: FromDaemonOf<T>) => boolean = () => true, timeoutMs = 10_000): Promise<FromDaemonOf<T>> {
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
      id: randomUUID(),
      name,
      size: bytes.length,
      chunkSize: this.options.chunkSize ?? limits.DEFAULT_CHUNK_BYTES,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    this.shared.set(offer.id, bytes);
    const reqId = randomUUID();
    this.send({ type: 'ADD_FILES', reqId, files: [offer] });
    const added = await this.next('FILES_ADDED', (m) => m.reqId === reqId);
    const file = added.files.find((f) => f.id === offer.id);
    if (!file) throw new Error(`not shared: ${added.rejected[0]?.reason ?? 'unknown'}`);
    return file;
  }

  /** Downloads a file into memory; resolves with its bytes once verified. */
  async download(file: FileInfo): Promise<{ bytes: Uint8Array; download: Download }> {
    const chunks = new Map<number, Uint8Array>();
    const store: DownloadStore = {
      putChunk: (index, bytes) => {
        chunks.set(index, bytes);
        return Promise.resolve();
      },
      saveProgress: () => Promise.resolve(),
      clear: () => {
        chunks.clear();
        return Promise.resolve();
      },
    };
    this.stores.set(file.id, chunks);
    const download = this.service.download(file, randomUUID(), store);
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (download.status === 'complete') resolve();
        else if (download.status === 'failed' || download.status === 'cancelled') reject(new Error(download.snapshot().error ?? download.status));
      };
      download.onChange(check);
      check();
    });
    const bytes = this.completed.get(download.transferId);
    if (!bytes) throw new Error('completed without bytes');
    return { bytes, download };
  }

  async close(): Promise<void> {
    this.service.destroy();
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  private readonly stores = new Map<string, Map<number, Uint8Array>>();

  private onMessage(message: FromDaemon): void {
    if (message.type === 'ADD_FILES' && this.options.masterToken !== undefined) {
      const decision = decideAddFiles(this.files, message.owner, message.files);
      this.send({ type: 'FILES_ADDED', reqId: message.reqId, owner: message.owner, ...decision });
    } else if (message.type === 'REMOVE_FILE' && this.options.masterToken !== undefined) {
      this.send({ type: 'FILE_REMOVED', reqId: message.reqId, fileId: message.fileId });
    } else if (message.type === 'FILES_ADDED') {
      const ids = new Set(message.files.map((f) => f.id));
      this.files = [...this.files.filter((f) => !ids.has(f.id)), ...message.files];
    } else if (message.type === 'ROOM_STATE') {
      this.files = message.files;
    } else if (message.type === 'FILE_REMOVED') {
      this.files = this.files.filter((f) => f.id !== message.fileId);
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

  private async relayPut(transferId: string, index: number, bytes: Uint8Array, sha256: string): Promise<RelayPutResult> {
    const res = await fetch(`${this.options.url}/relay/${transferId}/${index}`, {
      method: 'PUT',
      body: bytes as Uint8Array<ArrayBuffer>,
      headers: { Authorization: `Bearer ${this.privateId}`, 'X-Chunk-Sha256': sha256, 'Content-Type': 'application/octet-stream' },
    });
    await res.arrayBuffer();
    if (res.ok) return 'ok';
    return res.status === 507 || res.status >= 500 ? 'retry' : 'gone';
  }

  private async relayGet(transferId: string, index: number): Promise<RelayGetResult> {
    const res = await fetch(`${this.options.url}/relay/${transferId}/${index}`, { headers: { Authorization: `Bearer ${this.privateId}` } });
    if (!res.ok) {
      await res.arrayBuffer();
      return res.status === 404 ? 'missing' : 'gone';
    }
    const sha256 = res.headers.get('x-chunk-sha256') ?? undefined;
    return { bytes: new Uint8Array(await res.arrayBuffer()), ...(sha256 ? { sha256 } : {}) };
  }

  private finish(download: Download): Promise<void> {
    const chunks = this.stores.get(download.file.id) ?? new Map<number, Uint8Array>();
    const out = new Uint8Array(download.file.size);
    const hash = createHash('sha256');
    for (let i = 0; i < download.totalChunks; i++) {
      const chunk = chunks.get(i);
      if (!chunk) return Promise.reject(new Error(`chunk ${i} is missing`));
      out.set(chunk, i * download.file.chunkSize);
      hash.update(chunk);
    }
    const digest = hash.digest('hex');
    if (download.file.sha256 !== undefined && digest !== download.file.sha256) {
      return Promise.reject(new Error('the file does not match its SHA-256; nothing was saved'));
    }
    this.completed.set(download.transferId, out);
    chunks.clear();
    return Promise.resolve();
  }
}
