import {
  DisplayName,
  PrivateId,
  type ErrorCode,
  type FileOffer,
  type FromDaemonOf,
  type ToDaemon,
} from '@ferry/common';
import * as z from 'zod/mini';
import { emptyRoom } from '@ferry/web/room/room-reducer';
import { PeerSession, type PeerDeps } from '@ferry/web/session/peer-session';

const IDENTITY_KEY = 'ferry.client.identity';

/** What a guest keeps across reloads: the name it joined with and its secret. Read back with care. */
const StoredIdentity = z.object({ name: DisplayName, privateId: PrivateId });

/** A guest's tab: joins with a name, waits for the host, then shares like everyone else. */
export class ClientSession extends PeerSession {
  private privateId: string | undefined;

  constructor(deps: PeerDeps) {
    super(deps, 'client');
  }

  /** Resumes the stored identity, or asks for a name. */
  async init(): Promise<void> {
    await this.transfers.load();
    const stored = StoredIdentity.safeParse(await this.deps.storage.get(IDENTITY_KEY));
    if (stored.success) {
      this.privateId = stored.data.privateId;
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
    this.privateId = undefined;
    this.transfers.leave();
    for (const request of this.outbox.state.requests) this.dismissRequest(request.reqId);
    for (const rejected of this.outbox.state.rejected) this.dismissRejected(rejected.offer.id);
    this.store.update({ entry: 'join', room: emptyRoom, problem: null, notice: null });
    this.deps.storage
      .del(IDENTITY_KEY)
      .catch((error: unknown) => this.deps.logger.warn('could not forget the identity', error));
  }

  protected registerMessage(): ToDaemon {
    return {
      type: 'CLIENT_REGISTER',
      name: this.view.name,
      ...(this.privateId === undefined ? {} : { privateId: this.privateId }),
    };
  }

  protected onRegistered(ack: FromDaemonOf<'MASTER_APP_REGISTER_ACK' | 'CLIENT_REGISTER_ACK'>): void {
    this.privateId = ack.privateId;
    this.deps.storage
      .set(IDENTITY_KEY, { name: this.view.name, privateId: ack.privateId })
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

  protected sendRemoval(reqId: string, fileId: string): void {
    this.send({ type: 'REMOVE_FILE', reqId, fileId });
  }
}
