import { hasBytes, type FileInfo, type FileOffer, type FromDaemon, type IceServer, type ToDaemon } from '@ferry/common';
import {
  backoffDelayMs,
  sleep,
  TransferService,
  type BackoffOptions,
  type Clock,
  type RelayGetResult,
  type RelayPutResult,
} from '@ferry/common/transfer';
import type { LocalFiles } from '../files/local-files';
import type { KeyValueStore, Logger } from '../platform/types';
import type { RoomState } from '../room/room-reducer';
import type { AppRole } from './download-records';
import { DownloadManager } from './download-manager';
import { FilePreparer, type PreparingFile } from './file-preparer';
import { OwnFiles } from './own-files';
import type { TransferPlatform } from './transfer-platform';
import { RelayBusyWatch } from './relay-busy';
import { ChunkStorage, RecordStorage } from './transfer-storage';
import { UploadsPublisher } from './uploads-publisher';

const RELAY_GET_TRIES = 8;
/** Well inside the relay's 60 s TTL: the chunk waits there for us meanwhile. */
const RELAY_GET_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 5_000 };

/** What the session gives the transfers, and hears back from them. */
export interface TransfersHost {
  send(message: ToDaemon): void;
  room(): RoomState;
  /** Registered and approved over an open connection. */
  isLive(): boolean;
  onPreparing(preparing: readonly PreparingFile[]): void;
  /** Hashed offers, ready for ADD_FILES. */
  onOffersReady(offers: FileOffer[]): void;
  onUnreadable(offer: FileOffer, reason: string): void;
  /** Which of our files have a File behind them changed. */
  onLocalFilesChanged(): void;
}

export interface TransfersDeps {
  platform: TransferPlatform;
  role: AppRole;
  clock: Clock;
  newId: () => string;
  storage: KeyValueStore;
  logger: Logger;
  localFiles: LocalFiles;
  host: TransfersHost;
}

/**
 * Both sides of file transfers for one tab, wired to the session: the engine (TransferService)
 * fed with every message from the daemon, this tab's shared files (hashing before offering,
 * reading chunks, re-picking after a reload), and its downloads.
 */
export class SessionTransfers {
  readonly service: TransferService;
  readonly downloads: DownloadManager;
  readonly preparer: FilePreparer;
  readonly ownFiles: OwnFiles;
  /** Whether the relay is holding this tab's transfers back right now (for a calm status line). */
  readonly relayBusy: RelayBusyWatch;
  /** Who is fetching which of this tab's files, how far and how fast. */
  readonly uploads: UploadsPublisher;
  private privateId = '';
  private isP2pOn = true;
  private iceServers: readonly IceServer[] = [];

  constructor(private readonly deps: TransfersDeps) {
    const { platform, host } = deps;
    this.relayBusy = new RelayBusyWatch(deps.clock);
    this.uploads = new UploadsPublisher(deps.clock, () => ({
      ownFiles: this.ownListed(),
      clients: host.room().clients,
    }));
    this.ownFiles = new OwnFiles(deps.localFiles, deps.storage, `ferry.${deps.role}.shared-files`, deps.logger, () =>
      host.onLocalFilesChanged(),
    );
    this.service = new TransferService({
      send: (message) => host.send(message),
      selfId: () => host.room().selfId ?? '',
      p2pEnabled: () => this.isP2pOn,
      createLink: ({ initiator, sendSignal }) =>
        platform.createLink({ initiator, sendSignal, iceServers: this.iceServers }),
      readChunk: (fileId, index) =>
        this.ownFiles.readChunk(
          this.ownListed().find((f) => f.id === fileId),
          index,
        ),
      sha256: platform.sha256,
      clock: deps.clock,
      relayPut: (transferId, index, bytes, sha256) => this.relayPut(transferId, index, bytes, sha256),
      relayGet: (transferId, index) => this.relayGet(transferId, index),
      finish: (download) => this.downloads.finish(download),
      // The daemon is the judge of an owner it might not list yet; only an open channel to an
      // owner it lists offline (it reconnects after us, say) is worth asking over instead.
      daemonReaches: (owner) => host.isLive() && (this.isOnline(owner) || !this.service.links.isOpen(owner)),
      ownFile: (fileId) => this.ownListed().find((f) => f.id === fileId),
      onServed: (asker, sent, bytes) => this.uploads.served(asker, sent, bytes),
      onLinkChange: () => this.downloads.linksChanged(),
    });
    this.downloads = new DownloadManager({
      role: deps.role,
      engine: this.service,
      room: {
        selfId: () => host.room().selfId,
        files: () => host.room().files,
        isOnline: (publicId) => this.isOnline(publicId),
        isLive: () => host.isLive(),
        hasChannelTo: (publicId) => this.service.links.isOpen(publicId),
      },
      pathFrom: (owner) => this.service.pathFrom(owner),
      chunks: new ChunkStorage(platform.chunkKv),
      records: new RecordStorage(platform.recordKv),
      createHasher: platform.createHasher,
      saver: platform.saver,
      clock: deps.clock,
      newId: deps.newId,
      logger: deps.logger,
    });
    this.preparer = new FilePreparer({
      createHasher: platform.createHasher,
      clock: deps.clock,
      onChange: (preparing) => host.onPreparing(preparing),
      onReady: (offers) => host.onOffersReady(offers),
      onUnreadable: (offer, reason) => host.onUnreadable(offer, reason),
    });
  }

  /** Reads what the last page life stored; call before connecting. */
  async load(): Promise<void> {
    await this.ownFiles
      .load()
      .catch((error: unknown) => this.deps.logger.warn('could not read the shared files', error));
    await this.downloads.load().catch((error: unknown) => this.deps.logger.warn('could not read the downloads', error));
  }

  private isOnline(publicId: string): boolean {
    return this.deps.host.room().clients.some((c) => c.publicId === publicId && c.online);
  }

  /** Our files the room lists. */
  ownListed(): FileInfo[] {
    const room = this.deps.host.room();
    // A text post or an empty folder of ours has no bytes to serve or to pick again after a reload.
    return room.files.filter((file) => file.owner === room.selfId && hasBytes(file));
  }

  /** Our listed files with no File behind them (after a reload). */
  missingOwnFiles(): FileInfo[] {
    return this.ownFiles.missing(this.ownListed());
  }

  /** Every validated message from the daemon, after the room has taken it in. */
  handle(message: FromDaemon): void {
    if (message.type === 'MASTER_APP_REGISTER_ACK' || message.type === 'CLIENT_REGISTER_ACK') {
      this.privateId = message.privateId;
      this.isP2pOn = message.p2p ?? true;
      this.iceServers = message.iceServers ?? [];
    }
    this.forgetStaleLink(message);
    this.service.handle(message);
    // Approval changes whether we are in the room without any change of the connection.
    this.service.daemonConnectionChanged(this.deps.host.isLive());
    const room = this.deps.host.room();
    switch (message.type) {
      case 'ROOM_STATE':
      case 'MASTER_APP_REGISTER_ACK':
        this.ownFiles.prune(this.ownListed());
        this.deps.host.onLocalFilesChanged();
        this.downloads
          .attach()
          .catch((error: unknown) => this.deps.logger.warn('could not resume the downloads', error));
        return;
      case 'FILES_ADDED':
        if (message.owner === room.selfId) this.ownFiles.remember(message.files);
        return;
      case 'FILE_REMOVED':
        this.ownFiles.forget([message.fileId]);
        return;
      case 'FILES_REMOVED':
        this.ownFiles.forget(message.fileIds);
        return;
      case 'RELAY_BUSY':
        this.downloads.relayBusy(message);
        return;
      case 'TRANSFER_CANCELLED':
        this.uploads.ended(message.transferId);
        return;
      case 'CLIENT_DISCONNECTED':
      case 'CLIENT_LEFT':
        this.uploads.forgetPeer(message.publicId);
        return;
      case 'CLIENT_DIS_APPROVED':
        // Removed from the room: nothing can be downloaded or shared any more.
        if (message.publicId === room.selfId) {
          this.preparer.cancelAll();
          this.downloads.cancelAll();
        } else this.uploads.forgetPeer(message.publicId);
        return;
      default:
        return;
    }
  }

  /**
   * A peer came back: a connection to it that is not open was dialled while it was away (an
   * upload still draining when it left), its offer was dropped by the daemon (NO_SUCH_PEER), and
   * waiting on it would send the next transfers by relay for a minute. Dial afresh instead.
   */
  private forgetStaleLink(message: FromDaemon): void {
    const room = this.deps.host.room();
    const peer =
      message.type === 'CLIENT_RECONNECTED'
        ? message.publicId
        : message.type === 'MASTER_CONNECTED'
          ? room.clients.find((c) => c.isMaster)?.publicId
          : undefined;
    if (peer !== undefined && !this.service.links.isOpen(peer)) this.service.links.forget(peer);
  }

  /**
   * Our own connection went down or came back (the room state that follows says the rest). When
   * another tab took this identity over, this tab's peer connections close: owners would otherwise
   * keep sending that tab's chunks here.
   */
  connectionChanged(isReplaced: boolean): void {
    if (isReplaced) this.service.links.destroy();
    const isLive = this.deps.host.isLive();
    this.service.daemonConnectionChanged(isLive);
    if (!isLive) this.downloads.followPresence();
  }

  /** The person left: their downloads, stored chunks and shared files go. */
  leave(): void {
    this.preparer.cancelAll();
    this.downloads.cancelAll();
    this.ownFiles.clear();
  }

  /** The engine retries a PUT the relay turned down for now with its own backoff. */
  private async relayPut(
    transferId: string,
    index: number,
    bytes: Uint8Array,
    sha256: string,
  ): Promise<RelayPutResult> {
    const outcome = await this.deps.platform.relay.put(this.privateId, transferId, index, bytes, sha256);
    if (outcome !== 'retry') this.relayBusy.note('sending', outcome === 'busy');
    return outcome === 'busy' ? 'retry' : outcome;
  }

  /**
   * A GET the relay turned down for now is tried again here, with a capped backoff well inside the
   * relay's 60 s TTL: the chunk is still there, and the engine alone would wait for its chunk
   * timeout and have the owner send it again.
   */
  private async relayGet(transferId: string, index: number): Promise<RelayGetResult> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.deps.platform.relay.get(this.privateId, transferId, index);
      this.relayBusy.note('receiving', outcome === 'busy');
      if (outcome !== 'busy') return outcome;
      if (attempt + 1 >= RELAY_GET_TRIES) return 'missing';
      await sleep(this.deps.clock, backoffDelayMs(attempt, RELAY_GET_BACKOFF));
    }
  }

  destroy(): void {
    this.relayBusy.destroy();
    this.uploads.destroy();
    this.preparer.destroy();
    this.downloads.destroy();
    this.service.destroy();
  }
}
