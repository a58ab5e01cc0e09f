import type { ClientInfo, ErrorCode, FileInfo, FromDaemon, FromDaemonOf } from '@ferry/common';
import { CLOSE_CODES } from '@ferry/common';
import type { DaemonOptions } from './options';
import type { Peer, Session } from './peers';
import { ListedBytes } from './listed-bytes';
import { announceRemoved } from './removal-news';
import { clientInfo, PeerRegistry } from './peers';
import { TokenBucket } from './rate-limit';
import { RelayStore } from './relay-store';
import { roomStateFrames } from './room-pages';
import { PeerBuckets } from './peer-buckets';
import { SignalBudget } from './signal-budget';
import type { RoomStore } from './store/room-store';
import { TransferRegistry } from './transfer-registry';

/**
 * The room: identities, the mirror of the file list, transfers and relay chunks, and the effects
 * that keep them consistent (sending, broadcasting, storing, ending transfers, presence). It holds
 * no message rules: those are the handlers', reached through dispatch.ts. Sockets reach it only
 * through `Session`; it never touches the network itself, so every effect can be driven directly.
 */
export class Room {
  readonly peers: PeerRegistry;
  readonly files = new Map<string, FileInfo>();
  /** Bytes of the listed files as serialized, per owner and in all: the budgets of handlers/files.ts. */
  readonly listed = new ListedBytes();
  readonly transfers = new TransferRegistry();
  readonly relay: RelayStore;
  readonly signalBudget: SignalBudget;
  /** Listed-file bytes each peer may offer (ADD_FILES), so no one makes the room's broadcasts a flood. */
  readonly listingRate: PeerBuckets;

  /**
   * Identities and the file list come back from `store` as they were; every peer starts offline
   * with its grace period running, as if its socket had just closed. Transfers and relay chunks
   * are not kept: askers ask again (REQUEST_CHUNK opens a transfer the daemon does not know).
   */
  constructor(
    readonly options: DaemonOptions,
    readonly store: RoomStore,
  ) {
    this.relay = new RelayStore(options.relayQuotaBytes, options.relayPeerQuotaBytes, options.relayAskerQuotaBytes);
    this.signalBudget = new SignalBudget(
      {
        sendBytesPerSecond: options.signalSendBytesPerSecond,
        sendBurstBytes: options.signalSendBurstBytes,
        receiveBytesPerSecond: options.signalReceiveBytesPerSecond,
        receiveBurstBytes: options.signalReceiveBurstBytes,
      },
      options.now,
    );
    this.listingRate = new PeerBuckets(options.listingBytesPerSecond, options.listingBurstBytes, options.now);
    this.peers = new PeerRegistry(store);
    const stored = store.load();
    for (const peer of stored.peers) this.peers.restore(peer, this.newBucket());
    for (const file of stored.files) {
      const owner = this.peers.get(file.owner);
      if (!owner) continue;
      this.files.set(file.id, file);
      this.listed.put(file);
      owner.fileIds.add(file.id);
    }
    for (const peer of this.peers.all()) this.startGrace(peer);
  }

  newBucket(): TokenBucket {
    return new TokenBucket(this.options.rateMessagesPerSecond, this.options.rateBurst, this.options.now);
  }

  get masterOnline(): boolean {
    return this.peers.master?.session != null;
  }

  // ---- sending --------------------------------------------------------------------------------

  send(peer: Peer, message: FromDaemon): void {
    peer.session?.sendText(JSON.stringify(message));
  }

  sendTo(session: Session, message: FromDaemon): void {
    session.sendText(JSON.stringify(message));
  }

  /** ERROR to one socket; `reqId` is the refused message's, when it had one. */
  error(session: Session, code: ErrorCode, message: string, reqId?: string): void {
    this.sendTo(
      session,
      reqId === undefined ? { type: 'ERROR', code, message } : { type: 'ERROR', code, message, reqId },
    );
  }

  /** Every online approved peer (the master included), serialized and encoded once. */
  broadcastApproved(message: FromDaemon, except?: Peer): void {
    const frame = Buffer.from(JSON.stringify(message));
    for (const peer of this.peers.all()) {
      if (peer !== except && peer.status === 'approved' && peer.session) peer.session.sendText(frame);
    }
  }

  /** Every online peer whatever its status. */
  broadcastAll(message: FromDaemon, except?: Peer): void {
    const frame = Buffer.from(JSON.stringify(message));
    for (const peer of this.peers.all()) {
      if (peer !== except && peer.session) peer.session.sendText(frame);
    }
  }

  sendToMaster(message: FromDaemon): void {
    const master = this.peers.master;
    if (master) this.send(master, message);
  }

  /**
   * Whether `peer` may know of `file`: everyone of a room file; of a direct offer (`to`) only its
   * owner, its recipient and the master (which authorized it), so that nothing of it reaches others.
   */
  canSee(peer: Peer, file: FileInfo): boolean {
    return file.to === undefined || peer.isMaster || peer.publicId === file.owner || peer.publicId === file.to;
  }

  /**
   * FILES_ADDED to every online approved peer, each told only of the files it may see. Without
   * direct offers it is one broadcast, serialized once, as before; a peer that may see none of
   * the files still hears the answer (its reqId and rejections), with no files.
   */
  broadcastFilesAdded(message: FromDaemonOf<'FILES_ADDED'>): void {
    if (!message.files.some((f) => f.to !== undefined)) return this.broadcastApproved(message);
    for (const peer of this.peers.all()) {
      if (peer.status !== 'approved' || !peer.session) continue;
      this.send(peer, { ...message, files: message.files.filter((f) => this.canSee(peer, f)) });
    }
  }

  /** Presence news about `peer`: everyone approved hears of an approved peer, only the master of others. */
  announce(peer: Peer, message: FromDaemon): void {
    if (peer.status === 'approved') this.broadcastApproved(message, peer);
    else this.sendToMaster(message);
  }

  /** ROOM_STATE in bounded pages (room-pages.ts), read from the live room as the socket drains. */
  roomStateFor(peer: Peer): void {
    peer.session?.sendRoomState(
      roomStateFrames(
        (clients, files) => ({ type: 'ROOM_STATE', clients, files, masterOnline: this.masterOnline }),
        this.approvedClients(),
        this.filesSeenBy(peer),
      ),
    );
  }

  private *filesSeenBy(peer: Peer): Generator<FileInfo, void, undefined> {
    for (const file of this.files.values()) if (this.canSee(peer, file)) yield file;
  }

  private *approvedClients(): Generator<ClientInfo, void, undefined> {
    for (const peer of this.peers.all()) if (peer.status === 'approved') yield clientInfo(peer);
  }

  // ---- shared effects -------------------------------------------------------------------------

  /** Lists files of `owner` (new ones last, known ids in place), durably, before anyone is told. */
  putFiles(owner: Peer, files: readonly FileInfo[]): void {
    this.store.putFiles(files);
    for (const file of files) {
      this.files.set(file.id, file);
      this.listed.put(file);
      owner.fileIds.add(file.id);
    }
  }

  /** Removes a file from the mirror, ends its transfers and tells the room (FILE_REMOVED, as the contract has it). */
  removeFile(fileId: string, reqId?: string): void {
    const file = this.files.get(fileId);
    if (!file) return;
    this.store.deleteFile(fileId);
    this.dropFiles([file]);
    announceRemoved(this.peers.all(), [file], reqId, 'each');
  }

  /**
   * Removes the listed files among `fileIds` in one write, ends their transfers and tells the room
   * (removal-news.ts: FILES_REMOVED to peers that understand it). Returns how many were listed.
   */
  removeFiles(fileIds: Iterable<string>, reqId?: string): number {
    const files: FileInfo[] = [];
    for (const fileId of fileIds) {
      const file = this.files.get(fileId);
      if (file) files.push(file);
    }
    if (files.length === 0) return 0;
    this.store.deleteFiles(files.map((f) => f.id));
    this.dropFiles(files);
    announceRemoved(this.peers.all(), files, reqId, 'bulk');
    return files.length;
  }

  /**
   * One write for all of a peer's files (a peer leaving with thousands of files is one commit).
   * Direct offers sent to the peer go too: no one is left to accept them.
   */
  removeFilesOf(peer: Peer): void {
    const sentTo = [...this.files.values()].filter((f) => f.to === peer.publicId);
    const own: FileInfo[] = [];
    for (const fileId of peer.fileIds) {
      const file = this.files.get(fileId);
      if (file) own.push(file);
    }
    if (sentTo.length > 0) this.store.deleteFiles(sentTo.map((f) => f.id));
    if (peer.fileIds.size > 0) this.store.deleteFilesOf(peer.publicId);
    const files = [...sentTo, ...own];
    if (files.length === 0) return;
    this.dropFiles(files);
    announceRemoved(this.peers.all(), files, undefined, 'bulk');
  }

  /** The in-memory side of removing files, once the store has forgotten them: one pass over transfers. */
  private dropFiles(files: readonly FileInfo[]): void {
    const fileIds = new Set<string>();
    for (const file of files) {
      fileIds.add(file.id);
      this.files.delete(file.id);
      this.listed.remove(file.id);
      this.peers.get(file.owner)?.fileIds.delete(file.id);
    }
    for (const t of this.transfers.where((t) => fileIds.has(t.fileId))) this.endTransfer(t.transferId, null);
  }

  /** Forgets a transfer and its relay chunks; tells each side except `by` (who already knows). */
  endTransfer(transferId: string, by: Peer | null): void {
    const transfer = this.transfers.get(transferId);
    if (!transfer) return;
    this.transfers.delete(transferId);
    this.relay.deleteTransfer(transferId);
    for (const side of [transfer.asker, transfer.owner]) {
      const peer = this.peers.get(side);
      if (peer && peer !== by) this.send(peer, { type: 'TRANSFER_CANCELLED', transferId });
    }
  }

  endTransfersOf(peer: Peer): void {
    for (const t of this.transfers.where((t) => t.asker === peer.publicId || t.owner === peer.publicId)) {
      this.endTransfer(t.transferId, peer);
    }
  }

  // ---- presence -------------------------------------------------------------------------------

  /** Binds a socket to an identity; an identity online elsewhere is taken over. */
  attach(peer: Peer, session: Session): { wasOnline: boolean } {
    const previous = peer.session;
    if (peer.graceTimer) {
      clearTimeout(peer.graceTimer);
      peer.graceTimer = null;
    }
    if (previous && previous !== session) {
      previous.peer = null;
      previous.close(CLOSE_CODES.sessionReplaced, 'session resumed elsewhere');
    }
    peer.session = session;
    session.peer = peer;
    return { wasOnline: previous !== null };
  }

  /** The socket of `session` closed. */
  detach(session: Session): void {
    const peer = session.peer;
    session.peer = null;
    if (!peer || peer.session !== session) return;
    peer.session = null;
    if (peer.isMaster) this.broadcastAll({ type: 'MASTER_DISCONNECTED' });
    else this.announce(peer, { type: 'CLIENT_DISCONNECTED', publicId: peer.publicId });
    this.startGrace(peer);
  }

  private startGrace(peer: Peer): void {
    if (peer.graceTimer) clearTimeout(peer.graceTimer);
    peer.graceTimer = setTimeout(() => this.graceExpired(peer), this.options.gracePeriodMs);
    peer.graceTimer.unref?.();
  }

  private graceExpired(peer: Peer): void {
    peer.graceTimer = null;
    if (peer.session || this.peers.get(peer.publicId) !== peer) return;
    this.endTransfersOf(peer);
    if (peer.status === 'approved') {
      this.removeFilesOf(peer);
    } else {
      this.peers.remove(peer);
      this.sendToMaster({ type: 'CLIENT_LEFT', publicId: peer.publicId });
    }
  }

  /** Drops expired relay chunks and idle transfers. */
  sweep(): void {
    const now = this.options.now();
    this.relay.sweep(now, this.options.relayTtlMs);
    for (const t of this.transfers.where((t) => now - t.lastActivityMs >= this.options.transferIdleMs)) {
      this.transfers.delete(t.transferId);
      this.relay.deleteTransfer(t.transferId);
    }
  }

  close(): void {
    for (const peer of this.peers.all()) if (peer.graceTimer) clearTimeout(peer.graceTimer);
    this.relay.clear();
  }
}
