import { PrivateId, Token, type ErrorCode, type FileOffer, type FromDaemon, type FromDaemonOf, type ToDaemon } from '@ferry/common';
import { z } from 'zod';
import { PeerSession, type PeerDeps } from '../../client/src/session/peer-session';
import { decideAddFiles, mayRemoveFile } from './authority';

const IDENTITY_KEY = 'ferry.master.identity';

/** The host's secret and the token that proved it, kept so a reload resumes the same master. */
const StoredMaster = z.object({ privateId: PrivateId, token: Token });

export interface MasterDeps extends PeerDeps {
  /** The token from the master link's fragment, if the page was opened with one. */
  token: string | null;
}

/**
 * The host's tab: registers with the master token, approves people, and is the authority on the
 * file list (it answers forwarded ADD_FILES and REMOVE_FILE). It shares files like a guest, by
 * answering its own offers itself.
 */
export class MasterSession extends PeerSession {
  private token: string | null;
  private privateId: string | undefined;

  constructor(protected override readonly deps: MasterDeps) {
    super(deps, 'master');
    this.token = deps.token;
  }

  async init(): Promise<void> {
    await this.transfers.load();
    const stored = StoredMaster.safeParse(await this.deps.storage.get(IDENTITY_KEY));
    if (stored.success && (this.token === null || this.token === stored.data.token)) {
      this.privateId = stored.data.privateId;
      this.token = stored.data.token;
    }
    if (this.token === null) {
      this.store.update({ entry: 'joined', problem: { kind: 'no-token' } });
      return;
    }
    this.store.update({ entry: 'joined' });
    this.connection.start();
  }

  approve(publicId: string): void {
    this.send({ type: 'APPROVE_CLIENT', publicId, reqId: this.deps.newId() });
  }

  /** Rejects a pending person, or removes an approved one (their files go with them). */
  disapprove(publicId: string): void {
    this.send({ type: 'DIS_APPROVE_CLIENT', publicId, reqId: this.deps.newId() });
  }

  protected registerMessage(): ToDaemon {
    return {
      type: 'MASTER_APP_REGISTER',
      token: this.token ?? '',
      ...(this.privateId === undefined ? {} : { privateId: this.privateId }),
    };
  }

  protected onRegistered(ack: FromDaemonOf<'MASTER_APP_REGISTER_ACK' | 'CLIENT_REGISTER_ACK'>): void {
    this.privateId = ack.privateId;
    if (ack.type === 'MASTER_APP_REGISTER_ACK' && ack.joinUrl !== undefined) this.store.update({ joinUrl: ack.joinUrl });
    if (this.token === null) return;
    this.deps.storage
      .set(IDENTITY_KEY, { privateId: ack.privateId, token: this.token })
      .catch((error: unknown) => this.deps.logger.warn('could not keep the master identity', error));
  }

  protected onRegisterRefused(code: ErrorCode, message: string): void {
    this.connection.stop('refused');
    if (code === 'BAD_TOKEN') {
      this.store.update({ problem: { kind: 'bad-token' } });
      // A stale stored token must not keep failing on the next reload.
      this.deps.storage.del(IDENTITY_KEY).catch((error: unknown) => this.deps.logger.warn('could not forget', error));
    } else if (code === 'MASTER_EXISTS') {
      this.store.update({ problem: { kind: 'master-exists' } });
    } else {
      this.store.update({ problem: { kind: 'refused', message } });
    }
  }

  protected override onRoleMessage(message: FromDaemon): void {
    switch (message.type) {
      case 'ADD_FILES':
        this.answerAddFiles(message.reqId, message.owner, message.files);
        return;
      case 'REMOVE_FILE':
        if (mayRemoveFile(message, this.room.files, this.room.selfId)) {
          this.send({ type: 'FILE_REMOVED', reqId: message.reqId, fileId: message.fileId });
        } else {
          this.deps.logger.warn(`refused a removal of ${message.fileId} asked by ${message.by}`);
        }
        return;
      default:
        return;
    }
  }

  /** The host's own offers skip the round trip through itself: it decides and announces them. */
  protected sendOffers(reqId: string, offers: readonly FileOffer[]): void {
    const selfId = this.room.selfId;
    if (selfId !== null) this.answerAddFiles(reqId, selfId, offers);
  }

  protected sendRemoval(reqId: string, fileId: string): void {
    this.send({ type: 'FILE_REMOVED', reqId, fileId });
  }

  private answerAddFiles(reqId: string, owner: string, offers: readonly FileOffer[]): void {
    const { files, rejected } = decideAddFiles(this.room.files, owner, offers);
    const answer = { type: 'FILES_ADDED', reqId, owner, files, rejected } as const;
    // Applied here at once so that a second request racing the daemon's echo is checked against
    // this one; the echo then changes nothing.
    this.applyLocally(answer);
    this.send(answer);
  }
}
