import {
  batchOffers,
  type ErrorCode,
  type FileOffer,
  type FromDaemon,
  type FromDaemonOf,
  type ToDaemon,
} from '@ferry/common';
import { busyBatchIds, recountOffers } from '../files/folder-batches';
import { LocalFiles } from '../files/local-files';
import { textPostOffer } from '../files/text-posts';
import { prepareOffers, type PickedFile } from '../files/offers';
import { OutboxDriver } from '../files/outbox-driver';
import type { OutboxOptions } from '../files/outbox-machine';
import type { RemovalPace } from '../files/removal-queue';
import type { BackoffOptions, Clock } from '@ferry/common/transfer';
import type { KeyValueStore, Logger, SocketFactory } from '../platform/types';
import { applyToRoom, type RoomState } from '../room/room-reducer';
import { SignalingConnection } from '../signaling/connection';
import type { ConnectionState } from '../signaling/connection-machine';
import type { AppRole } from '../transfers/download-records';
import { matchRepicks } from '../transfers/repick';
import type { TransferPlatform } from '../transfers/transfer-platform';
import { filesInFolder } from '../transfers/folder-zip';
import { SessionTransfers } from '../transfers/session-transfers';
import { removedFileIds, withAccepted, withDeclined } from './direct-sends';
import { OwnRemovals } from './own-removals';
import { initialView, type SessionView } from './session-view';
import { ViewStore } from './view-store';

export interface PeerDeps {
  connect: SocketFactory;
  clock: Clock;
  /** In [0, 1): jitter for the reconnect backoff. */
  random: () => number;
  /** UUID v4 source for file ids and reqIds. */
  newId: () => string;
  storage: KeyValueStore;
  logger: Logger;
  /** Peer connections, the relay, chunk storage, hashing and saving. */
  transfers: TransferPlatform;
  outbox?: OutboxOptions;
  backoff?: BackoffOptions;
  removalPace?: RemovalPace;
}

const BUSY_MESSAGE =
  'The room is busy: too many people are connecting at once. This page tries again by itself in a moment.';

/** Errors of requests with no reqId: CANCEL_TRANSFER of a transfer the daemon already forgot, SIGNAL to a peer that just left. */
const isUnnamedTransferError = (code: ErrorCode, reqId: string | undefined) =>
  reqId === undefined && (code === 'NO_SUCH_TRANSFER' || code === 'NO_SUCH_PEER');

/**
 * What the guest and the host tab share: the connection, the room as the daemon describes it, and
 * this tab's own files (offers waiting for an answer, removals). The two subclasses add how they
 * register and how their offers reach the authority.
 */
export abstract class PeerSession {
  readonly store = new ViewStore<SessionView>(initialView);
  readonly localFiles = new LocalFiles();
  protected readonly connection: SignalingConnection;
  protected readonly outbox: OutboxDriver;
  readonly transfers: SessionTransfers;
  private readonly removals: OwnRemovals;
  /** `batchId:count` of every recount sent (folder-batches.ts), so none is sent twice. */
  private readonly recountsSent = new Set<string>();

  constructor(
    protected readonly deps: PeerDeps,
    role: AppRole,
  ) {
    this.connection = new SignalingConnection(
      { connect: deps.connect, clock: deps.clock, random: deps.random, logger: deps.logger, backoff: deps.backoff },
      {
        register: () => this.registerMessage(),
        onMessage: (message) => this.handle(message),
        onState: (state) => this.onConnectionState(state),
      },
    );
    this.outbox = new OutboxDriver(
      deps.clock,
      {
        send: (reqId, offers) => this.sendOffers(reqId, offers),
        // A recount the host refused names a file that stays listed: its bytes stay too.
        forget: (fileIds) => this.localFiles.forget(fileIds.filter((id) => !this.isListedAsOurs(id))),
        onChange: (outbox) => {
          this.store.update({ outbox });
          this.recountFolders();
        },
      },
      deps.outbox,
    );
    this.removals = new OwnRemovals(
      deps.clock,
      {
        room: () => this.room,
        removing: () => this.view.removing,
        setRemoving: (removing) => this.store.update({ removing }),
        send: (reqId, fileIds) => this.sendRemovals(reqId, fileIds),
        newId: deps.newId,
      },
      deps.removalPace,
    );
    this.transfers = new SessionTransfers({
      platform: deps.transfers,
      role,
      clock: deps.clock,
      newId: deps.newId,
      storage: deps.storage,
      logger: deps.logger,
      localFiles: this.localFiles,
      host: {
        send: (message) => this.send(message),
        room: () => this.room,
        isLive: () => this.isLive,
        onPreparing: (preparing) => {
          this.store.update({ preparing });
          this.recountFolders();
        },
        onOffersReady: (offers) => this.outbox.dispatch({ type: 'add', reqId: this.deps.newId(), offers }),
        onUnreadable: (offer, reason) => {
          this.localFiles.forget([offer.id]);
          this.outbox.dispatch({ type: 'refuse', rejected: [{ offer, reason }] });
        },
        onLocalFilesChanged: () => this.refreshNeedsRepick(),
      },
    });
  }

  get view(): SessionView {
    return this.store.get();
  }

  protected get room(): RoomState {
    return this.view.room;
  }

  /** The register message for a new socket. */
  protected abstract registerMessage(): ToDaemon;
  /** Gets a batch of offers to the authority under `reqId`. */
  protected abstract sendOffers(reqId: string, offers: readonly FileOffer[]): void;
  /** Gets one removal message naming `fileIds` (ours, or a direct offer to us) to the authority. */
  protected abstract sendRemovals(reqId: string, fileIds: string[]): void;
  /** The register ACK arrived (persist the identity here). */
  protected abstract onRegistered(message: FromDaemonOf<'MASTER_APP_REGISTER_ACK' | 'CLIENT_REGISTER_ACK'>): void;
  /** The daemon refused the register message itself. */
  protected abstract onRegisterRefused(code: ErrorCode, message: string): void;
  /** Messages only one role handles (forwarded requests for the host). */
  protected onRoleMessage(_message: FromDaemon): void {}
  /** An ERROR answering a request only one role sends (the host's approvals); true if handled. */
  protected onRoleError(_error: FromDaemonOf<'ERROR'>): boolean {
    return false;
  }

  /**
   * Files picked or dropped. Those matching a listed file of ours that lost its File (after a
   * reload) take it back under the same id; the rest are hashed, then offered, with the empty
   * folders a drop held (folder-relative paths).
   */
  addFiles(picked: readonly PickedFile[], emptyFolders: readonly string[] = []): void {
    const { reattached, rest } = matchRepicks(picked, this.transfers.missingOwnFiles());
    if (reattached.length > 0) {
      this.localFiles.add(reattached);
      this.refreshNeedsRepick();
    }
    this.offerPicked(rest, undefined, emptyFolders);
  }

  /** Files picked to send to one person (`to`): offered to them alone, never matched as repicks. */
  sendFiles(to: string, picked: readonly PickedFile[]): void {
    if (to !== this.room.selfId) this.offerPicked(picked, to);
  }

  /** Accepts a direct offer to us: its download starts at once, the prompt goes. */
  acceptOffer(fileId: string): void {
    this.store.update({ acceptedOffers: new Set([...this.view.acceptedOffers, fileId]) });
    this.downloadFile(fileId);
  }

  /** Declines a direct offer to us by removing it (the recipient may: PROTOCOL.md §9.5). */
  declineOffer(fileId: string): void {
    const file = this.room.files.find((f) => f.id === fileId);
    if (!file || file.to !== this.room.selfId || !this.isLive) return;
    this.sendRemovals(this.deps.newId(), [fileId]);
  }

  dismissDeclined(fileId: string): void {
    this.store.update({ declinedSends: this.view.declinedSends.filter((d) => d.fileId !== fileId) });
  }

  private offerPicked(picked: readonly PickedFile[], to?: string, emptyFolders: readonly string[] = []): void {
    if (picked.length === 0 && emptyFolders.length === 0) return;
    const { batches, folders, refused, blobs } = prepareOffers(picked, this.deps.newId, to, emptyFolders);
    this.localFiles.add(blobs);
    if (refused.length > 0) this.outbox.dispatch({ type: 'refuse', rejected: refused });
    // Empty folders have nothing to hash: they go to the host as they are.
    for (const offers of batchOffers(folders)) this.outbox.dispatch({ type: 'add', reqId: this.deps.newId(), offers });
    const items = batches.flat().flatMap((offer) => {
      const blob = blobs.get(offer.id);
      return blob ? [{ offer, blob }] : [];
    });
    this.transfers.preparer.enqueue(items);
  }

  /**
   * Posts a short text (a link, a password, a snippet) as a room entry: it goes to the authority
   * like a file (outbox, dedupe, budgets) but carries its text, so nothing is prepared or served.
   * Returns why it cannot be posted, or null once it is on its way.
   */
  postText(text: string): string | null {
    const offer = textPostOffer(text, this.deps.newId());
    if (typeof offer === 'string') return offer;
    this.outbox.dispatch({ type: 'add', reqId: this.deps.newId(), offers: [offer] });
    return null;
  }

  downloadFile(fileId: string): void {
    const file = this.room.files.find((f) => f.id === fileId);
    if (!file || file.owner === this.room.selfId) return;
    this.transfers.downloads
      .downloadFile(file)
      .catch((error: unknown) => this.deps.logger.warn('could not start a download', error));
  }

  downloadFolder(owner: string, folder: string): void {
    if (owner === this.room.selfId) return;
    this.transfers.downloads
      .downloadFolder(owner, folder)
      .catch((error: unknown) => this.deps.logger.warn('could not start a download', error));
  }

  removeFile(fileId: string): void {
    this.removals.remove([fileId]);
  }

  /** Stops sharing every file of ours in `folder` and below. */
  removeFolder(folder: string): void {
    const selfId = this.room.selfId;
    if (selfId !== null) this.removals.remove(filesInFolder(this.room.files, selfId, folder).map((f) => f.id));
  }

  /** Stops sharing everything: our listed files, and those still being prepared or sent. */
  stopSharingAll(): void {
    const unsent = this.transfers.preparer.pendingOffers.map((offer) => offer.id);
    this.transfers.preparer.cancelAll();
    this.localFiles.forget(unsent);
    for (const request of this.outbox.state.requests) this.dismissRequest(request.reqId);
    this.removals.remove(this.room.files.filter((f) => f.owner === this.room.selfId).map((f) => f.id));
  }

  private isListedAsOurs(fileId: string): boolean {
    const selfId = this.room.selfId;
    return selfId !== null && this.room.files.some((f) => f.id === fileId && f.owner === selfId);
  }

  /**
   * Lowers the count of our folder batches that will never be whole as counted (files rejected,
   * unreadable, dismissed or removed), once nothing of them is on the way: the others can then
   * download the folder as it is. See recountOffers.
   */
  private recountFolders(): void {
    const selfId = this.room.selfId;
    // While files are being hashed this would run after each one; once they are done is soon enough.
    if (selfId === null || !this.isLive || !this.transfers.preparer.isIdle) return;
    const onTheWay = this.outbox.state.requests.flatMap((request) => request.offers);
    const busy = busyBatchIds(onTheWay, this.room.files, this.view.removing);
    const offers = recountOffers(this.room.files, selfId, busy, this.recountsSent);
    if (offers.length === 0) return;
    for (const offer of offers) if (offer.batch) this.recountsSent.add(`${offer.batch.id}:${offer.batch.count}`);
    for (const batch of batchOffers(offers))
      this.outbox.dispatch({ type: 'add', reqId: this.deps.newId(), offers: batch });
  }

  retryRequest(reqId: string): void {
    this.outbox.dispatch({ type: 'retry', reqId });
  }

  dismissRequest(reqId: string): void {
    this.outbox.dispatch({ type: 'dismiss-request', reqId });
  }

  dismissRejected(fileId: string): void {
    this.outbox.dispatch({ type: 'dismiss-rejected', fileId });
  }

  dismissNotice(): void {
    this.store.update({ notice: null });
  }

  dismissPeopleNotice(): void {
    this.store.update({ peopleNotice: null });
  }

  /** Reconnects after another tab took the session over, or after a refusal the person fixed. */
  takeBack(): void {
    this.store.update({ problem: null });
    this.connection.start();
  }

  /** Skips the rest of the reconnect backoff (the browser says it is online again). */
  retryNow(): void {
    this.connection.retryNow();
  }

  destroy(): void {
    this.connection.stop('left');
    this.removals.forgetAll();
    this.outbox.destroy();
    this.transfers.destroy();
  }

  /**
   * The room is over for this tab (the guest left, the host ended it): its downloads and their
   * stored chunks, its shared files and offers not yet answered go.
   */
  protected forgetRoomHere(): void {
    this.transfers.leave();
    this.localFiles.forgetAll();
    for (const request of this.outbox.state.requests) this.dismissRequest(request.reqId);
    for (const rejected of this.outbox.state.rejected) this.dismissRejected(rejected.offer.id);
    this.removals.forgetAll();
    this.store.update({ removing: new Set(), needsRepick: new Set(), notice: null, peopleNotice: null });
  }

  protected send(message: ToDaemon): boolean {
    return this.connection.send(message);
  }

  protected applyLocally(message: FromDaemon): void {
    this.store.update({ room: applyToRoom(this.room, message) });
  }

  /** Connected, registered and approved: room actions reach the daemon. */
  protected get isLive(): boolean {
    return this.connection.state.kind === 'ready' && this.room.selfStatus === 'approved';
  }

  private handle(message: FromDaemon): void {
    const removed = removedFileIds(message);
    const declinedSends = withDeclined(this.view, this.room, removed);
    if (declinedSends) this.store.update({ declinedSends });
    if (message.type === 'UPLOAD_CHUNK_REQUEST') {
      const acceptedSends = withAccepted(this.view, this.room, message.fileId, message.from);
      if (acceptedSends) this.store.update({ acceptedSends });
    }
    this.applyLocally(message);
    switch (message.type) {
      case 'MASTER_APP_REGISTER_ACK':
      case 'CLIENT_REGISTER_ACK':
        this.connection.registered();
        if (this.view.problem?.kind === 'busy') this.store.update({ problem: null });
        this.onRegistered(message);
        break;
      case 'FILES_ADDED':
        if (message.owner === this.room.selfId) {
          this.outbox.dispatch({
            type: 'answered',
            reqId: message.reqId,
            acceptedIds: message.files.map((f) => f.id),
            rejected: message.rejected,
          });
        }
        break;
      case 'FILE_REMOVED':
      case 'FILES_REMOVED':
        this.removals.finish(removed);
        this.localFiles.forget(removed);
        break;
      case 'MASTER_CONNECTED':
        this.outbox.dispatch({ type: 'host-online' });
        break;
      case 'ERROR':
        this.handleError(message);
        break;
      default:
        this.onRoleMessage(message);
    }
    this.syncOutboxLink();
    this.transfers.handle(message);
    this.refreshNeedsRepick();
    // What the room lists of our folders changed: one of them may need its count lowered.
    if (
      ['FILES_ADDED', 'FILE_REMOVED', 'FILES_REMOVED', 'ROOM_STATE', 'MASTER_APP_REGISTER_ACK'].includes(message.type)
    )
      this.recountFolders();
  }

  /** Which of our listed files must be picked again (they have no File in this tab). */
  private refreshNeedsRepick(): void {
    const missing = this.transfers.missingOwnFiles();
    const current = this.view.needsRepick;
    if (missing.length === current.size && missing.every((f) => current.has(f.id))) return;
    this.store.update({ needsRepick: new Set(missing.map((f) => f.id)) });
  }

  private handleError(error: FromDaemonOf<'ERROR'>): void {
    const { reqId, code, message } = error;
    if (reqId !== undefined && this.outbox.state.requests.some((r) => r.reqId === reqId)) {
      this.outbox.dispatch({ type: 'error', reqId, code, message });
      return;
    }
    if (this.onRoleError(error)) return;
    // The engine handles those of its own requests (this.transfers.handle, below).
    if (this.transfers.service.isOwnRequest(reqId) || isUnnamedTransferError(code, reqId)) {
      this.deps.logger.warn(`transfer error ${code}: ${message}`);
      return;
    }
    const refused = this.removals.filesOf(reqId);
    if (refused.length > 0 && reqId !== undefined) {
      // Dropped unread: the same files go again, paced. Gone already: what was asked is done.
      if (code === 'RATE_LIMITED') return this.removals.retry(reqId);
      this.removals.finish(refused);
      if (code === 'NO_SUCH_FILE') return;
      const what = refused.length === 1 ? 'The file' : `${refused.length} files`;
      this.store.update({ notice: `${what} could not be removed: ${message}` });
      return;
    }
    if (this.connection.state.kind === 'open') {
      if (code === 'RATE_LIMITED') {
        // Too many registers at once: not the person's fault, and waiting fixes it.
        this.store.update({ problem: { kind: 'busy', message: BUSY_MESSAGE } });
        this.connection.retryLater();
        return;
      }
      this.onRegisterRefused(code, message);
      return;
    }
    this.deps.logger.warn(`daemon error ${code}: ${message}`);
    if (code !== 'RATE_LIMITED') this.store.update({ notice: message });
  }

  private onConnectionState(connection: ConnectionState): void {
    if (connection.kind !== 'ready' && this.removals.forgetAll()) {
      this.store.update({ connection, removing: new Set() });
    } else {
      this.store.update({ connection });
    }
    this.syncOutboxLink();
    this.transfers.connectionChanged(connection.kind === 'replaced');
  }

  /** Offers can go out only over a registered connection, as an approved member of the room. */
  private syncOutboxLink(): void {
    if (this.isLive !== this.outbox.state.isConnected) {
      this.outbox.dispatch({ type: this.isLive ? 'connection-ready' : 'connection-lost' });
    }
  }
}
