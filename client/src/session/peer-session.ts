import type { ErrorCode, FileOffer, FromDaemon, FromDaemonOf, ToDaemon } from '@ferry/common';
import { LocalFiles } from '../files/local-files';
import { prepareOffers, type PickedFile } from '../files/offers';
import { OutboxDriver } from '../files/outbox-driver';
import type { OutboxOptions } from '../files/outbox-machine';
import type { Clock, KeyValueStore, Logger, SocketFactory } from '../platform/types';
import { applyToRoom, type RoomState } from '../room/room-store';
import type { BackoffOptions } from '../signaling/backoff';
import { SignalingConnection } from '../signaling/connection';
import type { ConnectionState } from '../signaling/connection-machine';
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
  outbox?: OutboxOptions;
  backoff?: BackoffOptions;
}

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
  /** reqId of each removal we asked for, to the file it removes. */
  private readonly removals = new Map<string, string>();

  constructor(protected readonly deps: PeerDeps) {
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
        forget: (fileIds) => this.localFiles.forget(fileIds),
        onChange: (outbox) => this.store.update({ outbox }),
      },
      deps.outbox,
    );
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
  protected abstract sendRemoval(reqId: string, fileId: string): void;
  /** The register ACK arrived (persist the identity here). */
  protected abstract onRegistered(message: FromDaemonOf<'MASTER_APP_REGISTER_ACK' | 'CLIENT_REGISTER_ACK'>): void;
  /** The daemon refused the register message itself. */
  protected abstract onRegisterRefused(code: ErrorCode, message: string): void;
  /** Messages only one role handles (forwarded requests for the host). */
  protected onRoleMessage(_message: FromDaemon): void {}

  addFiles(picked: readonly PickedFile[]): void {
    if (picked.length === 0) return;
    const { batches, refused, blobs } = prepareOffers(picked, this.deps.newId);
    this.localFiles.add(blobs);
    if (refused.length > 0) this.outbox.dispatch({ type: 'refuse', rejected: refused });
    for (const offers of batches) this.outbox.dispatch({ type: 'add', reqId: this.deps.newId(), offers });
  }

  removeFile(fileId: string): void {
    const file = this.room.files.find((f) => f.id === fileId);
    if (!file || file.owner !== this.room.selfId || this.view.removing.has(fileId)) return;
    const reqId = this.deps.newId();
    this.removals.set(reqId, fileId);
    this.store.update({ removing: new Set([...this.view.removing, fileId]) });
    this.sendRemoval(reqId, fileId);
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
    this.outbox.destroy();
  }

  protected send(message: ToDaemon): boolean {
    return this.connection.send(message);
  }

  protected applyLocally(message: FromDaemon): void {
    this.store.update({ room: applyToRoom(this.room, message) });
  }

  private handle(message: FromDaemon): void {
    this.applyLocally(message);
    switch (message.type) {
      case 'MASTER_APP_REGISTER_ACK':
      case 'CLIENT_REGISTER_ACK':
        this.connection.registered();
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
        this.finishRemoval(message.fileId, message.reqId);
        this.localFiles.forget([message.fileId]);
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
  }

  private handleError(error: FromDaemonOf<'ERROR'>): void {
    const { reqId, code, message } = error;
    if (reqId !== undefined && this.outbox.state.requests.some((r) => r.reqId === reqId)) {
      this.outbox.dispatch({ type: 'error', reqId, code, message });
      return;
    }
    if (reqId !== undefined && this.removals.has(reqId)) {
      const fileId = this.removals.get(reqId) ?? '';
      this.finishRemoval(fileId, reqId);
      this.store.update({ notice: `The file could not be removed: ${message}` });
      return;
    }
    if (this.connection.state.kind === 'open') {
      this.onRegisterRefused(code, message);
      return;
    }
    this.deps.logger.warn(`daemon error ${code}: ${message}`);
    if (code !== 'RATE_LIMITED') this.store.update({ notice: message });
  }

  private finishRemoval(fileId: string, reqId: string | undefined): void {
    if (reqId !== undefined) this.removals.delete(reqId);
    for (const [id, file] of this.removals) if (file === fileId) this.removals.delete(id);
    if (this.view.removing.has(fileId)) {
      const removing = new Set(this.view.removing);
      removing.delete(fileId);
      this.store.update({ removing });
    }
  }

  private onConnectionState(connection: ConnectionState): void {
    if (connection.kind !== 'ready' && this.removals.size > 0) {
      // Unanswered removals are lost with the socket; the next room state says what happened.
      this.removals.clear();
      this.store.update({ connection, removing: new Set() });
    } else {
      this.store.update({ connection });
    }
    this.syncOutboxLink();
  }

  /** Offers can go out only over a registered connection, as an approved member of the room. */
  private syncOutboxLink(): void {
    const isLive = this.connection.state.kind === 'ready' && this.room.selfStatus === 'approved';
    if (isLive !== this.outbox.state.isConnected) {
      this.outbox.dispatch({ type: isLive ? 'connection-ready' : 'connection-lost' });
    }
  }
}
