import { createHash } from 'node:crypto';
import SimplePeer from 'simple-peer';
import WebSocket from 'ws';
import type { ClientInfo, FileInfo, FileOffer, FromDaemon, FromDaemonOf, IceServer, ToDaemon } from '@ferry/common';
import {
  batchOffers,
  chunkCount,
  chunkLength,
  CLOSE_CODES,
  FEATURES,
  limits,
  parseFromDaemon,
  RoomPageAssembler,
} from '@ferry/common';
import type { Download, DownloadStore, ReadChunk } from '@ferry/common/transfer';
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
import { MessageWaiters } from './message-waiters';
import { RoomPeople } from './room-people';
import { RelayClient } from './relay-client';
import type { TlsOptions } from './cli/tls-pin';
import { nodeWrtc, type Wrtc } from './wrtc';

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
  /** Come back as this identity (its privateId) instead of registering a new one. */
  privateId?: string;
  /** For https rooms: a pinned certificate (cli/tls-pin.ts), on the socket and the relay alike. */
  tls?: TlsOptions;
  /** WebRTC for data channels (default: loopback only, for tests and peers on one machine). */
  wrtc?: Wrtc;
  /** Reads chunks of files shared with `shareOffers` (default: the bytes given to `share`). */
  readChunk?: ReadChunk;
  /** A chunk of one of our files left for an asker (who is downloading what, and how fast). */
  onServed?: (asker: string, sent: { transferId: string; fileId: string; index: number }, bytes: number) => void;
}

/** Back to a daemon that went away: quick, as tests restart it and wait for the peer. */
const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 50, maxMs: 2_000 };

/** Resolves once `download` completes; rejects with its error if it fails or is cancelled. */
export function completed(download: Download): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (download.status === 'complete') resolve();
      else if (download.status === 'failed' || download.status === 'cancelled')
        reject(download.snapshot().error ?? new Error(`download ${download.status}`));
    };
    download.onChange(check);
    check();
  });
}

/** The daemon answered a register with a refusal (`code`: an error code, or ROOM_ENDED). */
export class RegisterRefused extends Error {
  override readonly name = 'RegisterRefused';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class FerryPeer {
  publicId = '';
  privateId = '';
  p2p = true;
  files: FileInfo[] = [];
  /** A ROOM_STATE (or the master's ACK) came: `files` and `clients` are the room's. */
  hasRoomState = false;
  /** Approved people as the room lists them (the master included), and our standing. */
  readonly people = new RoomPeople();
  private iceServers: IceServer[] = [];
  private readonly listeners = new Set<(message: FromDaemon) => void>();
  readonly service: TransferService;
  /** Times the socket to the daemon was lost and the identity resumed with its privateId. */
  reconnects = 0;
  private ws: WebSocket;
  private isClosing = false;
  private isReconnecting = false;
  private readonly shared = new Map<string, Uint8Array>();
  private readonly waiters = new MessageWaiters();
  private readonly relay: RelayClient;

  private constructor(
    private readonly options: FerryPeerOptions,
    ws: WebSocket,
  ) {
    this.ws = ws;
    this.privateId = options.privateId ?? '';
    this.relay = new RelayClient(options.url, () => this.privateId, options.tls);
    this.service = new TransferService({
      send: (m) => this.send(m),
      selfId: () => this.publicId,
      p2pEnabled: () => this.p2p && !options.disableP2p,
      createLink: ({ initiator, sendSignal }) =>
        createSimplePeerLink({
          SimplePeer,
          wrtc: options.wrtc ?? nodeWrtc,
          initiator,
          config: { iceServers: this.iceServers },
          sendSignal,
          channelName: 'ferry',
        }),
      readChunk: options.readChunk ?? ((fileId, index) => Promise.resolve(this.readChunk(fileId, index))),
      ownFile: (fileId) => this.files.find((f) => f.id === fileId && f.owner === this.publicId),
      onServed: (asker, sent, bytes) => options.onServed?.(asker, sent, bytes),
      sha256: (bytes) => Promise.resolve(new Uint8Array(createHash('sha256').update(bytes).digest())),
      clock: systemClock,
      relayPut: (transferId, index, bytes, sha) => this.relay.put(transferId, index, bytes, sha),
      relayGet: (transferId, index) => this.relay.get(transferId, index),
      finish: (download) => this.finish(download),
    });
    this.listen(ws);
  }

  static async connect(options: FerryPeerOptions): Promise<FerryPeer> {
    const peer = new FerryPeer(options, await FerryPeer.open(options.url, options.tls));
    try {
      await peer.register();
    } catch (error) {
      await peer.close();
      throw error;
    }
    return peer;
  }

  private static async open(url: string, tls: TlsOptions = {}): Promise<WebSocket> {
    // ws hands these to https.request (node:tls's checkServerIdentity); its own typing of that
    // option is an older, narrower one, hence the cast.
    const ws = new WebSocket(
      `${url.replace(/^http/, 'ws').replace(/\/+$/, '')}/ws`,
      tls as unknown as WebSocket.ClientOptions,
    );
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
      const ack = await this.registerAnswer('MASTER_APP_REGISTER_ACK', timeoutMs);
      this.publicId = ack.publicId;
      this.privateId = ack.privateId;
      this.p2p = ack.p2p ?? true;
      this.iceServers = ack.iceServers ?? [];
      this.people.status = 'approved';
      this.files = ack.files;
    } else {
      this.send({ type: 'CLIENT_REGISTER', name: this.options.name ?? 'node peer', ...resume });
      const ack = await this.registerAnswer('CLIENT_REGISTER_ACK', timeoutMs);
      this.publicId = ack.publicId;
      this.privateId = ack.privateId;
      this.p2p = ack.p2p;
      this.iceServers = ack.iceServers;
      this.people.status = ack.status;
    }
  }

  /** The register's ACK; a refusal (ERROR, or ROOM_ENDED for an identity the room forgot) throws it. */
  private async registerAnswer<T extends 'MASTER_APP_REGISTER_ACK' | 'CLIENT_REGISTER_ACK'>(
    type: T,
    timeoutMs: number,
  ): Promise<FromDaemonOf<T>> {
    const refused = Promise.race([
      this.next('ERROR', () => true, timeoutMs),
      this.next('ROOM_ENDED', () => true, timeoutMs),
    ]).then((message) => {
      throw new RegisterRefused(
        message.type === 'ERROR' ? message.code : 'ROOM_ENDED',
        message.type === 'ERROR' ? message.message : 'the host ended this room',
      );
    });
    // Settled either way once the ACK is in: its waiters time out later, unheard.
    refused.catch(() => undefined);
    return Promise.race([this.next(type, () => true, timeoutMs), refused]);
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
      if (code === CLOSE_CODES.sessionReplaced || code === CLOSE_CODES.left || code === CLOSE_CODES.roomEnded) {
        if (ws === this.ws) for (const listener of this.closedListeners) listener(code);
        return;
      }
      if (ws === this.ws && !this.isClosing && !this.isReconnecting) void this.reconnect();
    });
  }

  private async reconnect(): Promise<void> {
    this.isReconnecting = true;
    try {
      for (let attempt = 0; !this.isClosing; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(attempt, RECONNECT_BACKOFF)).unref());
        if (this.isClosing) return;
        const ws = await FerryPeer.open(this.options.url, this.options.tls).catch(() => null);
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
    return this.waiters.next(type, predicate, timeoutMs);
  }

  /** Approved people as the room lists them (the master included), by publicId. */
  get clients(): ReadonlyMap<string, ClientInfo> {
    return this.people.clients;
  }

  /** The name this peer registered with (a resumed identity keeps the one the room knows). */
  get name(): string {
    return this.options.name ?? 'node peer';
  }

  /** Our standing in the room ('approved' for the master). */
  get status(): ClientInfo['status'] {
    return this.people.status;
  }

  /** Every validated message from the daemon, after the peer has taken it in; returns an unsubscribe. */
  subscribe(listener: (message: FromDaemon) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The socket closed for good (replaced by another session of this identity, left, room ended). */
  onClosed(listener: (code: number) => void): void {
    this.closedListeners.add(listener);
  }

  private readonly closedListeners = new Set<(code: number) => void>();

  /**
   * Offers files whose bytes `options.readChunk` serves: in messages the protocol accepts, each
   * answered by the host. Resolves with what the room lists and what it refused, with reasons.
   */
  async shareOffers(
    offers: readonly FileOffer[],
    timeoutMs = 60_000,
  ): Promise<{ listed: FileInfo[]; rejected: Array<{ id: string; reason: string }> }> {
    const listed: FileInfo[] = [];
    const rejected: Array<{ id: string; reason: string }> = [];
    for (const batch of batchOffers(offers)) {
      const reqId = randomId();
      const answer = Promise.race([
        this.next('FILES_ADDED', (m) => m.reqId === reqId, timeoutMs),
        this.next('ERROR', (m) => m.reqId === reqId, timeoutMs).then((error) => {
          throw new Error(`the room refused the files: ${error.message} (${error.code})`);
        }),
      ]);
      this.send({ type: 'ADD_FILES', reqId, files: batch });
      const added = await answer;
      listed.push(...added.files);
      rejected.push(...added.rejected);
    }
    return { listed, rejected };
  }

  /** Stops sharing `fileIds` (ours); the room tells everyone. */
  removeFiles(fileIds: readonly string[]): void {
    for (const fileId of fileIds) this.send({ type: 'REMOVE_FILE', reqId: randomId(), fileId });
  }

  /**
   * Downloads `file` into `store` (resuming from `storedBits`); `finish` checks and saves it once
   * every chunk is stored. The returned Download reports progress and ends complete or failed.
   */
  startDownload(
    file: FileInfo,
    store: DownloadStore,
    finish: () => Promise<void>,
    storedBits?: Uint8Array,
    transferId: string = randomId(),
  ): Download {
    this.finishers.set(transferId, finish);
    return this.service.download(file, transferId, store, storedBits);
  }

  private readonly finishers = new Map<string, () => Promise<void>>();

  /** Master only: admit a client. */
  async approve(publicId: string): Promise<void> {
    this.send({ type: 'APPROVE_CLIENT', publicId });
    await this.next('CLIENT_APPROVED', (m) => m.client.publicId === publicId);
  }

  /**
   * Master only, for tests of hostile rooms: list every offered file as it is, unchecked (a daemon
   * checks only the schema; the host's rules are what this turns off).
   */
  acceptEverything = false;

  /** Shares bytes as a file (`extra`: a path, say); resolves with its FileInfo once the master has listed it. */
  async share(name: string, bytes: Uint8Array, extra: Partial<FileOffer> = {}): Promise<FileInfo> {
    const offer: FileOffer = {
      id: randomId(),
      name,
      size: bytes.length,
      chunkSize: this.options.chunkSize ?? limits.DEFAULT_CHUNK_BYTES,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...extra,
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
    let parts: Uint8Array[] = [];
    const download = this.startDownload(
      file,
      store,
      () =>
        new Promise<void>((resolve) => {
          parts = store.verified(file.sha256);
          resolve();
        }),
    );
    await completed(download);
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

  private onMessage(message: FromDaemon): void {
    if (message.type === 'ADD_FILES' && this.options.masterToken !== undefined) {
      const decision = this.acceptEverything
        ? { files: message.files.map((f) => ({ ...f, owner: message.owner })), rejected: [] }
        : decideAddFiles(this.files, message.owner, message.files);
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
      this.hasRoomState = true;
    } else if (message.type === 'FILE_REMOVED') {
      this.files = this.files.filter((f) => f.id !== message.fileId);
    } else if (message.type === 'FILES_REMOVED') {
      const gone = new Set(message.fileIds);
      this.files = this.files.filter((f) => !gone.has(f.id));
    }
    this.people.apply(message, this.publicId);
    this.service.handle(message);
    for (const listener of [...this.listeners]) listener(message);
    this.waiters.deliver(message);
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

  /** The engine's `finish`: the one given to startDownload for that transfer. */
  private finish(download: Download): Promise<void> {
    const finish = this.finishers.get(download.transferId);
    this.finishers.delete(download.transferId);
    return finish ? finish() : Promise.reject(new TransferError('NOT_WANTED'));
  }
}
