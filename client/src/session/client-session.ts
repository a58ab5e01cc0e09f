import {
  DisplayName,
  FEATURES,
  Id,
  PrivateId,
  type ErrorCode,
  type FileOffer,
  type FromDaemon,
  type FromDaemonOf,
  type ToDaemon,
} from '@ferry/common';
import * as z from 'zod/mini';
import { emptyRoom } from '@ferry/web/room/room-reducer';
import { PeerSession, type PeerDeps } from '@ferry/web/session/peer-session';

const IDENTITY_KEY = 'ferry.client.identity';

/**
 * What a guest keeps across reloads: the name it joined with and its secret, and the publicId it
 * had once the host let it in (so that, after a reload, "rejected" reads as removed, not as
 * turned away). Read back with care.
 */
const StoredIdentity = z.object({ name: DisplayName, privateId: PrivateId, admittedAs: z.optional(Id) });
type StoredIdentity = z.infer<typeof StoredIdentity>;

/** A guest's tab: joins with a name, waits for the host, then shares like everyone else. */
export class ClientSession extends PeerSession {
  private privateId: string | undefined;
  /** The publicId this identity had when it was last in the room, as kept in storage. */
  private admittedAs: string | undefined;

  constructor(deps: PeerDeps) {
    super(deps, 'client');
  }

  /** Resumes the stored identity, or asks for a name. */
  async init(): Promise<void> {
    await this.transfers.load();
    const stored = StoredIdentity.safeParse(await this.deps.storage.get(IDENTITY_KEY));
    if (stored.success) {
      this.privateId = stored.data.privateId;
      this.admittedAs = stored.data.admittedAs;
      this.store.update({ entry: 'joined', name: stored.data.name });
      this.connection.start();
    } else {
      this.store.update({ entry: 'join' });
    }
  }

  /** Joins under `name`; returns why the name cannot be used, or null. */
  join(name: string): string | null {
    const parsed = DisplayName.safeParse(name);
    if (!parsed.success)
      return parsed.error.issues[0]?.message === 'name is empty'
        ? 'Type a name first.'
        : 'Use at most 64 ordinary characters.';
    this.store.update({ entry: 'joined', name: parsed.data, problem: null });
    this.connection.start();
    return null;
  }

  /** Forgets this identity here and on the daemon (files go with it) and goes back to the join screen. */
  leave(): void {
    this.send({ type: 'LEAVE' });
    this.connection.stop('left');
    this.forgetIdentity();
    this.store.update({ entry: 'join', room: emptyRoom, problem: null });
  }

  /** After "The host ended this room": back to the join form, the name kept, to ask again. */
  joinAgain(): void {
    this.store.update({ entry: 'join', room: emptyRoom, problem: null });
  }

  private forgetIdentity(): void {
    this.privateId = undefined;
    this.admittedAs = undefined;
    this.forgetRoomHere();
    this.deps.storage
      .del(IDENTITY_KEY)
      .catch((error: unknown) => this.deps.logger.warn('could not forget the identity', error));
  }

  /** The host ended the room: the daemon forgot us, and so does this browser. */
  private roomEnded(): void {
    this.connection.stop('ended');
    this.forgetIdentity();
    this.store.update({ room: emptyRoom, problem: { kind: 'room-ended' } });
  }

  protected registerMessage(): ToDaemon {
    return {
      type: 'CLIENT_REGISTER',
      name: this.view.name,
      ...(this.privateId === undefined ? {} : { privateId: this.privateId }),
      features: [FEATURES.removeFiles],
    };
  }

  protected onRegistered(ack: FromDaemonOf<'MASTER_APP_REGISTER_ACK' | 'CLIENT_REGISTER_ACK'>): void {
    this.privateId = ack.privateId;
    if (this.admittedAs !== ack.publicId) this.admittedAs = undefined;
    // Removed while this tab was away: the daemon says only "rejected"; this browser remembers more.
    if (this.admittedAs !== undefined && !this.room.selfWasApproved) {
      this.store.update({ room: { ...this.room, selfWasApproved: true } });
    }
    this.keepIdentity();
  }

  protected override onRoleMessage(message: FromDaemon): void {
    if (message.type === 'ROOM_ENDED') return this.roomEnded();
    if (this.room.selfWasApproved && this.room.selfId !== null && this.admittedAs !== this.room.selfId) {
      this.admittedAs = this.room.selfId;
      this.keepIdentity();
    }
  }

  private keepIdentity(): void {
    if (this.privateId === undefined) return;
    const identity: StoredIdentity = {
      name: this.view.name,
      privateId: this.privateId,
      ...(this.admittedAs === undefined ? {} : { admittedAs: this.admittedAs }),
    };
    this.deps.storage
      .set(IDENTITY_KEY, identity)
      .catch((error: unknown) => this.deps.logger.warn('could not keep the identity', error));
  }

  protected onRegisterRefused(code: ErrorCode, message: string): void {
    this.connection.stop('refused');
    if (code === 'BAD_MESSAGE' || code === 'NAME_TAKEN') {
      this.store.update({
        entry: 'join',
        problem: { kind: 'refused', message: `That name cannot be used: ${message}` },
      });
      return;
    }
    if (code === 'LIMIT_EXCEEDED') {
      // Too many people waiting, or the room full: back to the form, name kept, to try again later.
      this.store.update({
        entry: 'join',
        problem: {
          kind: 'refused',
          message: `The room cannot take you in right now: ${message.replace(/[.\s]+$/, '')}.`,
        },
      });
      return;
    }
    this.store.update({ problem: { kind: 'refused', message } });
  }

  protected sendOffers(reqId: string, offers: readonly FileOffer[]): void {
    this.send({ type: 'ADD_FILES', reqId, files: [...offers] });
  }

  protected sendRemovals(reqId: string, fileIds: string[]): void {
    this.send({ type: 'REMOVE_FILES', reqId, fileIds });
  }
}
