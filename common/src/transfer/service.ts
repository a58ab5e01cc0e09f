import type { FromDaemon, ToDaemon } from '../protocol/messages';
import type { FileInfo } from '../protocol/shapes';
import type { DownloadDeps, DownloadStore, DownloadTuning } from './download';
import { Download } from './download';
import type { Frame } from './framing';
import type { CreateLink, PeerLinksTuning } from './links';
import { PeerLinks } from './links';
import type { Clock } from './clock';
import { isId } from './ids';
import type { Sha256 } from './ports';
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
  tuning?: { download?: Partial<DownloadTuning>; upload?: Partial<UploadTuning>; links?: Partial<PeerLinksTuning> };
}

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
  /** The master is a peer too, but its presence comes as MASTER_(DIS)CONNECTED. */
  private masterId: string | null = null;

  constructor(private readonly deps: TransferServiceDeps) {
    this.links = new PeerLinks(
      {
        self: deps.selfId,
        createLink: deps.createLink,
        sendSignal: (to, data) => deps.send({ type: 'SIGNAL', to, data }),
        p2pEnabled: deps.p2pEnabled,
        clock: deps.clock,
        onFrame: (from, frame) => this.onFrame(from, frame),
      },
      deps.tuning?.links,
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
      },
      deps.tuning?.upload,
    );
  }

  /** Starts (or resumes, with the stored bitmap) downloading `file` under `transferId`. */
  download(file: FileInfo, transferId: string, store: DownloadStore, storedBits?: Uint8Array): Download {
    this.downloads.get(transferId)?.cancel();
    const deps: DownloadDeps = {
      port: {
        requestChunks: (tid, fileId, start, end) => {
          // The transferId in the reqId is for people reading the daemon's logs; lookups use the table.
          const reqId = `rc.${tid}.${++this.requestCounter % 1e9}`;
          this.requests.add(reqId, tid);
          this.deps.send({ type: 'REQUEST_CHUNK', transferId: tid, fileId, start, end, reqId });
        },
        cancelTransfer: (tid) => this.deps.send({ type: 'CANCEL_TRANSFER', transferId: tid }),
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
  }

  /** Every message from the daemon goes through here; those about transfers are acted on. */
  handle(message: FromDaemon): void {
    switch (message.type) {
      case 'UPLOAD_CHUNK_REQUEST':
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
      case 'ERROR':
        return this.onRequestError(message.code, message.reqId);
      default:
        return;
    }
  }

  peerOffline(publicId: string): void {
    this.links.forget(publicId);
    this.uploader.forgetPeer(publicId);
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
    return this.requests.has(reqId);
  }

  private onFrame(from: string, frame: Frame): void {
    const download = this.downloads.get(frame.transferId);
    // Only the file's owner may feed a transfer: another peer's frames are dropped.
    if (download && download.file.owner === from) download.receiveFrame(frame);
  }

  private async fetchRelayChunk(transferId: string, index: number): Promise<void> {
    const download = this.downloads.get(transferId);
    if (!download) return;
    const result = await this.deps.relayGet(transferId, index).catch((): RelayGetResult => 'missing');
    if (typeof result === 'string') return; // the window's timeout asks again
    await download.receiveChunk(index, result.bytes, result.sha256, 'relay');
  }

  private onRequestError(code: string, reqId: string | undefined): void {
    const transferId = this.requests.get(reqId);
    const download = transferId === undefined ? undefined : this.downloads.get(transferId);
    if (!download) return;
    if (code === 'NO_SUCH_PEER') download.ownerOffline();
    else if (code === 'NO_SUCH_FILE') download.fileRemoved();
  }
}
