import type { FromDaemon, ToDaemon } from '../protocol/messages';
import type { FileInfo } from '../protocol/shapes';
import { chunkCount } from '../protocol/shapes';
import { ChannelRequestGate, type ChannelRequestTuning } from './channel-requests';
import type { DownloadDeps, DownloadStore, DownloadTuning } from './download';
import { Download } from './download';
import type { AskerFrame, Frame, OwnerFrame } from './framing';
import { encodeChunkRequest, encodeRequestRefused } from './framing';
import type { CreateLink, PeerLinksTuning } from './links';
import { PeerLinks } from './links';
import type { Clock } from './clock';
import { isId } from './ids';
import type { Sha256 } from './ports';
import type { PeerChannel } from '../transport/peer-channel';
import { RequestTable } from './request-table';
import type { ReadChunk, RelayPutResult, UploadTuning } from './upload';
import { Uploader } from './upload';

export type RelayGetResult = { bytes: Uint8Array; sha256?: string } | 'missing' | 'gone';

export interface TransferServiceDeps {
  send: (message: ToDaemon) => void;
  selfId: () => string;
  p2pEnabled: () => boolean;
  createLink: CreateLink;
  readChunk: ReadChunk;
  sha256: Sha256;
  clock: Clock;
  relayPut: (transferId: string, index: number, bytes: Uint8Array, sha256Hex: string) => Promise<RelayPutResult>;
  relayGet: (transferId: string, index: number) => Promise<RelayGetResult>;
  /** Checks the whole file and saves it; throws a TransferError when it does not match. */
  finish(download: Download): Promise<void>;
  /**
   * Whether a REQUEST_CHUNK sent now reaches `owner` (we are in the room, and the daemon lists it
   * online). When it does not, a running download asks over its open data channel to the owner
   * instead, if there is one, or waits. Absent: always (every request goes through the daemon).
   */
  daemonReaches?(owner: string): boolean;
  /**
   * One of our shared files, by id, for checking requests made over the data channel. Absent:
   * such requests are refused, and askers wait for the daemon.
   */
  ownFile?(fileId: string): { size: number; chunkSize: number } | undefined;
  /** A chunk of one of our files left for an asker (the uploads view). */
  onServed?(asker: string, sent: { transferId: string; fileId: string; index: number }, bytes: number): void;
  /** The link to `remote` opened, closed or failed (for what downloads show before their first chunk). */
  onLinkChange?(remote: string): void;
  tuning?: {
    download?: Partial<DownloadTuning>;
    upload?: Partial<UploadTuning>;
    links?: Partial<PeerLinksTuning>;
    channelRequests?: Partial<ChannelRequestTuning>;
  };
}

/** How a download's bytes will come, as far as this side can tell before they do. */
export type DownloadPath = 'connecting' | 'relay';

/** Far more chunk requests than are ever on their way to the daemon at once (see RequestTable). */
const REMEMBERED_REQUESTS = 1024;

/** A chunk-unavailable notice sent as SIGNAL data (the relay path has no data channel), or null. */
function unavailableNotice(data: unknown): Frame | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  if (d['ferry'] !== 'chunk-unavailable') return null;
  const { transferId, index, reason } = d;
  if (!isId(transferId)) return null;
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) return null;
  if (reason !== 'needs-repick' && reason !== 'gone') return null;
  return { kind: 'chunk-unavailable', transferId, index, reason };
}

/**
 * Wires the transfer engine to the signaling channel: chunk requests out, upload requests, signals,
 * relay notices and presence in. The same code runs in the browser apps and in Node peers; only
 * the injected ports differ.
 */
export class TransferService {
  readonly downloads = new Map<string, Download>();
  readonly uploader: Uploader;
  readonly links: PeerLinks;
  private requestCounter = 0;
  /** Our REQUEST_CHUNKs, reqId -> transferId, so the daemon's ERRORs reach their download. */
  private readonly requests = new RequestTable<string>(REMEMBERED_REQUESTS);
  /** Our SIGNALs, reqId -> the peer they were for, so a refused one fails its connection at once. */
  private readonly signals = new RequestTable<string>(REMEMBERED_REQUESTS);
  private signalCounter = 0;
  /** The master is a peer too, but its presence comes as MASTER_(DIS)CONNECTED. */
  private masterId: string | null = null;
  /** Which transfers the daemon routed to us, from whom: channel requests are checked against it. */
  private readonly channelRequests: ChannelRequestGate;
  /**
   * Our downloads that have sent a REQUEST_CHUNK through the daemon in this page life: only those
   * may ask over the channel (a transfer's first request always goes through the daemon).
   */
  private readonly askedThroughDaemon = new Set<string>();
  /** Our downloads whose owner refused a channel request: they ask through the daemon until it answers. */
  private readonly refusedOverChannel = new Set<string>();
  private isDaemonUp = true;

  constructor(private readonly deps: TransferServiceDeps) {
    this.links = new PeerLinks(
      {
        self: deps.selfId,
        createLink: deps.createLink,
        sendSignal: (to, data) => this.sendSignal(to, data),
        p2pEnabled: deps.p2pEnabled,
        clock: deps.clock,
        onFrame: (from, frame) => this.onFrame(from, frame),
        onChange: (remote) => this.linkChanged(remote),
      },
      deps.tuning?.links,
    );
    this.channelRequests = new ChannelRequestGate(
      deps.clock,
      (fileId) => {
        const file = deps.ownFile?.(fileId);
        return file ? chunkCount(file.size, file.chunkSize) : undefined;
      },
      deps.tuning?.channelRequests,
    );
    this.uploader = new Uploader(
      {
        readChunk: deps.readChunk,
        sha256: deps.sha256,
        clock: deps.clock,
        channelTo: (peer) => this.links.channelTo(peer),
        relayPut: deps.relayPut,
        // Without a data channel the notice travels as a SIGNAL the daemon relays as is.
        notifyUnavailable: (peer, transferId, index, reason) =>
          deps.send({ type: 'SIGNAL', to: peer, data: { ferry: 'chunk-unavailable', transferId, index, reason } }),
        onServed: (peer, sent, bytes) => deps.onServed?.(peer, sent, bytes),
      },
      deps.tuning?.upload,
    );
  }

  /** Starts (or resumes, with the stored bitmap) downloading `file` under `transferId`. */
  download(file: FileInfo, transferId: string, store: DownloadStore, storedBits?: Uint8Array): Download {
    this.downloads.get(transferId)?.cancel();
    const deps: DownloadDeps = {
      port: {
        requestChunks: (tid, fileId, start, end) => this.requestChunks(file.owner, tid, fileId, start, end),
        cancelTransfer: (tid) => this.deps.send({ type: 'CANCEL_TRANSFER', transferId: tid }),
        canAsk: () => this.daemonReaches(file.owner) || this.channelForRequests(file.owner, transferId) !== null,
      },
      store,
      sha256: this.deps.sha256,
      clock: this.deps.clock,
      finish: () => this.deps.finish(download),
    };
    const download = new Download(file, transferId, deps, storedBits, this.deps.tuning?.download);
    this.downloads.set(transferId, download);
    download.start();
    return download;
  }

  /** Forgets a download the app no longer shows (after it completed, failed or was cancelled). */
  remove(transferId: string): void {
    this.downloads.delete(transferId);
    this.askedThroughDaemon.delete(transferId);
    this.refusedOverChannel.delete(transferId);
  }

  /** How the bytes of a download from `owner` will come, until its first chunk says. */
  pathFrom(owner: string): DownloadPath {
    if (!this.deps.p2pEnabled()) return 'relay';
    return this.links.stateOf(owner) === 'failed' ? 'relay' : 'connecting';
  }

  /**
   * Our own connection to the daemon (registered and approved) went down or came back. While it
   * is down, transfers whose data channel is open carry on over it; once it is back, the owner
   * serves only what the daemon routes to it anew (channel-requests.ts). Only changes count:
   * calling it again with the same value does nothing.
   */
  daemonConnectionChanged(isUp: boolean): void {
    if (isUp === this.isDaemonUp) return;
    this.isDaemonUp = isUp;
    this.channelRequests.daemonConnection(isUp);
    if (isUp) return;
    // Downloads with no channel to their owner cannot ask anything now.
    for (const d of this.downloads.values()) if (!this.canAsk(d)) d.ownerOffline();
  }

  /** Every message from the daemon goes through here; those about transfers are acted on. */
  handle(message: FromDaemon): void {
    switch (message.type) {
      case 'UPLOAD_CHUNK_REQUEST':
        this.channelRequests.routedByDaemon(message.transferId, message.from, message.fileId);
        return this.uploader.request(message.from, message.transferId, message.fileId, message.start, message.end);
      case 'SIGNAL': {
        const notice = unavailableNotice(message.data);
        if (notice) return this.onFrame(message.from, notice);
        return this.links.handleSignal(message.from, message.data);
      }
      case 'CHUNK_READY':
        return void this.fetchRelayChunk(message.transferId, message.index);
      case 'TRANSFER_CANCELLED':
        this.uploader.cancel(message.transferId);
        this.channelRequests.ended(message.transferId);
        return this.downloads.get(message.transferId)?.transferEnded();
      case 'CLIENT_DISCONNECTED':
      case 'CLIENT_LEFT':
        return this.peerOffline(message.publicId);
      case 'CLIENT_DIS_APPROVED':
        return this.peerOffline(message.publicId);
      case 'CLIENT_RECONNECTED':
        return this.peerOnline(message.publicId);
      case 'ROOM_STATE':
      case 'MASTER_APP_REGISTER_ACK':
        this.masterId = message.clients.find((c) => c.isMaster)?.publicId ?? this.masterId;
        for (const c of message.clients) if (c.online) this.peerOnline(c.publicId);
        return;
      case 'MASTER_DISCONNECTED':
        return this.masterId === null ? undefined : this.peerOffline(this.masterId);
      case 'MASTER_CONNECTED':
        return this.masterId === null ? undefined : this.peerOnline(this.masterId);
      case 'FILE_REMOVED':
        for (const d of this.downloads.values()) if (d.file.id === message.fileId) d.fileRemoved();
        return;
      case 'FILES_REMOVED': {
        const gone = new Set(message.fileIds);
        for (const d of this.downloads.values()) if (gone.has(d.file.id)) d.fileRemoved();
        return;
      }
      case 'ERROR':
        return this.onRequestError(message.code, message.reqId);
      default:
        return;
    }
  }

  peerOffline(publicId: string): void {
    this.links.forget(publicId);
    this.uploader.forgetPeer(publicId);
    this.channelRequests.forgetPeer(publicId);
    for (const d of this.downloads.values()) if (d.file.owner === publicId) d.ownerOffline();
  }

  peerOnline(publicId: string): void {
    this.links.remoteReturned(publicId);
    for (const d of this.downloads.values()) if (d.file.owner === publicId) d.ownerOnline();
  }

  destroy(): void {
    this.uploader.destroy();
    this.links.destroy();
    for (const d of this.downloads.values()) d.pause();
  }

  /** Whether `reqId` is one of this engine's requests (its ERRORs are the engine's to handle). */
  isOwnRequest(reqId: string | undefined): boolean {
    return this.requests.has(reqId) || this.signals.has(reqId);
  }

  private sendSignal(to: string, data: unknown): void {
    const reqId = `sg.${++this.signalCounter % 1e9}`;
    this.signals.add(reqId, to);
    // reqId before data: a RATE_LIMITED answer finds it only in the frame's first 512 bytes.
    this.deps.send({ type: 'SIGNAL', reqId, to, data });
  }

  private onFrame(from: string, frame: Frame): void {
    if (frame.kind === 'chunk-request') return this.onChannelRequest(from, frame);
    this.onOwnerFrame(from, frame);
  }

  private onOwnerFrame(from: string, frame: OwnerFrame): void {
    const download = this.downloads.get(frame.transferId);
    // Only the file's owner may feed a transfer: another peer's frames are dropped.
    if (!download || download.file.owner !== from) return;
    if (frame.kind === 'request-refused') this.refusedOverChannel.add(frame.transferId);
    download.receiveFrame(frame);
  }

  /** An asker asks for more of a transfer over the channel (the daemon is out of its reach). */
  private onChannelRequest(from: string, frame: AskerFrame): void {
    const verdict = this.channelRequests.check(from, frame.transferId, frame.index, frame.count);
    if (verdict.ok) return this.uploader.request(from, frame.transferId, verdict.fileId, verdict.start, verdict.end);
    try {
      this.links
        .openChannel(from)
        ?.send(encodeRequestRefused(frame.transferId, frame.index, frame.count, verdict.reason));
    } catch {
      // The channel closed meanwhile: the asker finds out by itself.
    }
  }

  private daemonReaches(owner: string): boolean {
    return this.deps.daemonReaches?.(owner) ?? true;
  }

  private canAsk(download: Download): boolean {
    const owner = download.file.owner;
    return this.daemonReaches(owner) || this.channelForRequests(owner, download.transferId) !== null;
  }

  /** The channel a request of `transferId` may go over, or null: it must go through the daemon. */
  private channelForRequests(owner: string, transferId: string): PeerChannel | null {
    if (!this.askedThroughDaemon.has(transferId) || this.refusedOverChannel.has(transferId)) return null;
    return this.links.openChannel(owner);
  }

  private requestChunks(owner: string, transferId: string, fileId: string, start: number, end: number): void {
    const channel = this.daemonReaches(owner) ? null : this.channelForRequests(owner, transferId);
    if (channel) {
      try {
        return channel.send(encodeChunkRequest(transferId, start, end - start));
      } catch {
        // Closed under us: the daemon's way, which the stall timer retries if it is down too.
      }
    }
    // The transferId in the reqId is for people reading the daemon's logs; lookups use the table.
    const reqId = `rc.${transferId}.${++this.requestCounter % 1e9}`;
    this.requests.add(reqId, transferId);
    this.askedThroughDaemon.add(transferId);
    this.refusedOverChannel.delete(transferId);
    this.deps.send({ type: 'REQUEST_CHUNK', transferId, fileId, start, end, reqId });
  }

  /** A link opened, closed or failed: downloads from that peer that can no longer ask wait. */
  private linkChanged(remote: string): void {
    for (const d of this.downloads.values()) {
      if (d.file.owner === remote && d.status === 'running' && !this.canAsk(d)) d.ownerOffline();
    }
    this.deps.onLinkChange?.(remote);
  }

  private async fetchRelayChunk(transferId: string, index: number): Promise<void> {
    const download = this.downloads.get(transferId);
    if (!download) return;
    const result = await this.deps.relayGet(transferId, index).catch((): RelayGetResult => 'missing');
    if (typeof result === 'string') return; // the window's timeout asks again
    await download.receiveChunk(index, result.bytes, result.sha256, 'relay');
  }

  private onRequestError(code: string, reqId: string | undefined): void {
    const signalledPeer = this.signals.get(reqId);
    if (signalledPeer !== undefined) return this.links.signalRefused(signalledPeer, code === 'RATE_LIMITED');
    const transferId = this.requests.get(reqId);
    const download = transferId === undefined ? undefined : this.downloads.get(transferId);
    if (!download) return;
    if (code === 'NO_SUCH_PEER') download.ownerOffline();
    else if (code === 'NO_SUCH_FILE') download.fileRemoved();
  }
}
