import {
  FEATURES,
  personLabel,
  PrivateId,
  Token,
  type ErrorCode,
  type FileOffer,
  type FromDaemon,
  type FromDaemonOf,
  type ToDaemon,
} from '@ferry/common';
import * as z from 'zod/mini';
import { PeerSession, type PeerDeps } from '@ferry/web/session/peer-session';
import { decideAddFiles, fitAnswer, mayRemoveFile, mayRemoveFiles } from '@ferry/common/authority';

const IDENTITY_KEY = 'ferry.master.identity';
const MAX_TRACKED_ACTIONS = 64;

/** The host's secret and the token that proved it, kept so a reload resumes the same master. */
const StoredMaster = z.object({ privateId: PrivateId, token: Token });

export interface MasterDeps extends PeerDeps {
  /** The token from the master link's fragment, if the page was opened with one. */
  token: string | null;
}

/**
 * The host's tab: registers with the master token, approves people, and is the authority on the
 * file list (it answers forwarded ADD_FILES, REMOVE_FILE and REMOVE_FILES). It shares files like a
 * guest, by answering its own offers and removals itself.
 */
export class MasterSession extends PeerSession {
  private token: string | null;
  private privateId: string | undefined;
  /** reqId of each approval or removal sent and not yet answered, to what it asked (for errors). */
  private readonly personActions = new Map<string, string>();
  /** reqIds of the latest answers to guests' requests: an error about one is not the host's doing. */
  private readonly answersForOthers = new Set<string>();

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

  /**
   * Ends the room (END_ROOM): every guest is let out and forgotten with every file, this tab's
   * included; the host stays, in a fresh room that new requests reach at once.
   */
  endRoom(): void {
    if (!this.send({ type: 'END_ROOM' })) {
      this.store.update({ peopleNotice: 'Could not end the room: it is out of reach. Try again once it is back.' });
    }
  }

  /** Turns every pending request away at once (REJECT_ALL_PENDING): against a flood of requests. */
  rejectAllPending(): void {
    this.send({ type: 'REJECT_ALL_PENDING' });
  }

  approve(publicId: string): void {
    this.askAboutPerson('APPROVE_CLIENT', publicId);
  }

  /** Rejects a pending person, or removes an approved one (their files go with them). */
  disapprove(publicId: string): void {
    this.askAboutPerson('DIS_APPROVE_CLIENT', publicId);
  }

  /**
   * Sends an approval or removal and remembers it by reqId, so that a refusal is told beside the
   * people, naming who and what; a click while the room is out of reach is told at once.
   */
  private askAboutPerson(type: 'APPROVE_CLIENT' | 'DIS_APPROVE_CLIENT', publicId: string): void {
    const person = this.room.clients.find((c) => c.publicId === publicId);
    const verb = type === 'APPROVE_CLIENT' ? 'let' : person?.status === 'approved' ? 'remove' : 'turn away';
    // Named with their code: two people may share a name.
    const who = person ? personLabel(person.name, person.publicId) : 'that person';
    const what = type === 'APPROVE_CLIENT' ? `${verb} ${who} in` : `${verb} ${who}`;
    const reqId = this.deps.newId();
    if (!this.send({ type, publicId, reqId })) {
      this.store.update({ peopleNotice: `Could not ${what}: the room is out of reach. Try again once it is back.` });
      return;
    }
    // Only the latest few matter: an answer that never comes must not grow this forever.
    if (this.personActions.size >= MAX_TRACKED_ACTIONS)
      this.personActions.delete(this.personActions.keys().next().value ?? '');
    this.personActions.set(reqId, what);
  }

  protected override onRoleError(error: FromDaemonOf<'ERROR'>): boolean {
    if (error.reqId !== undefined && this.answersForOthers.has(error.reqId)) {
      // The host did not ask for this: it answered a guest, who hears the outcome (or has left).
      this.answersForOthers.delete(error.reqId);
      this.deps.logger.warn(`the daemon refused an answer to a guest: ${error.code} ${error.message}`);
      return true;
    }
    const what = error.reqId === undefined ? undefined : this.personActions.get(error.reqId);
    if (what === undefined || error.reqId === undefined) return false;
    this.personActions.delete(error.reqId);
    const reason =
      error.code === 'RATE_LIMITED' ? 'too many actions at once; wait a moment and try again' : error.message;
    this.store.update({ peopleNotice: `Could not ${what}: ${reason}` });
    return true;
  }

  protected registerMessage(): ToDaemon {
    return {
      type: 'MASTER_APP_REGISTER',
      token: this.token ?? '',
      ...(this.privateId === undefined ? {} : { privateId: this.privateId }),
      features: [FEATURES.removeFiles],
    };
  }

  protected onRegistered(ack: FromDaemonOf<'MASTER_APP_REGISTER_ACK' | 'CLIENT_REGISTER_ACK'>): void {
    this.privateId = ack.privateId;
    if (ack.type === 'MASTER_APP_REGISTER_ACK' && ack.joinUrl !== undefined)
      this.store.update({ joinUrl: ack.joinUrl });
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
      case 'CLIENT_APPROVED':
      case 'CLIENT_DIS_APPROVED':
        if (message.reqId !== undefined) this.personActions.delete(message.reqId);
        return;
      case 'ROOM_ENDED':
        this.personActions.clear();
        this.answersForOthers.clear();
        this.forgetRoomHere();
        return;
      case 'ADD_FILES':
        this.answerAddFiles(message.reqId, message.owner, message.files);
        return;
      case 'REMOVE_FILE':
        if (mayRemoveFile(message, this.room.files, this.room.selfId)) {
          if (message.by !== this.room.selfId) this.rememberAnswerForOthers(message.reqId);
          this.send({ type: 'FILE_REMOVED', reqId: message.reqId, fileId: message.fileId });
        } else {
          this.deps.logger.warn(`refused a removal of ${message.fileId} asked by ${message.by}`);
        }
        return;
      case 'REMOVE_FILES': {
        // The host declines what it refuses by leaving it out; the asker's files stay listed.
        const allowed = mayRemoveFiles(message, this.room.files, this.room.selfId);
        if (allowed.length < message.fileIds.length) {
          this.deps.logger.warn(`refused ${message.fileIds.length - allowed.length} removal(s) asked by ${message.by}`);
        }
        if (allowed.length === 0) return;
        if (message.by !== this.room.selfId) this.rememberAnswerForOthers(message.reqId);
        this.send({ type: 'FILES_REMOVED', reqId: message.reqId, fileIds: allowed });
        return;
      }
      default:
        return;
    }
  }

  /** The host's own offers skip the round trip through itself: it decides and announces them. */
  protected sendOffers(reqId: string, offers: readonly FileOffer[]): void {
    const selfId = this.room.selfId;
    if (selfId !== null) this.answerAddFiles(reqId, selfId, offers);
  }

  /**
   * The host takes down a text someone else posted (the host may remove any entry; mayRemoveFile).
   * Its own texts go the usual way (removeFile). Only texts: a guest's files stay the guest's call.
   */
  removeOthersText(fileId: string): void {
    const post = this.room.files.find((f) => f.id === fileId);
    if (post?.text === undefined || post.owner === this.room.selfId) return;
    const reqId = this.deps.newId();
    // An ERROR about it (the text was removed meanwhile) is one the host need not hear of.
    this.rememberAnswerForOthers(reqId);
    this.send({ type: 'FILE_REMOVED', reqId, fileId });
  }

  /** The host's own removals skip the round trip through itself, as its offers do. */
  protected sendRemovals(reqId: string, fileIds: string[]): void {
    this.send({ type: 'FILES_REMOVED', reqId, fileIds });
  }

  private rememberAnswerForOthers(reqId: string): void {
    if (this.answersForOthers.size >= MAX_TRACKED_ACTIONS)
      this.answersForOthers.delete(this.answersForOthers.values().next().value ?? '');
    this.answersForOthers.add(reqId);
  }

  private answerAddFiles(reqId: string, owner: string, offers: readonly FileOffer[]): void {
    if (owner !== this.room.selfId) this.rememberAnswerForOthers(reqId);
    const isApprovedPeer = (publicId: string) =>
      this.room.clients.some((c) => c.publicId === publicId && c.status === 'approved');
    const decision = decideAddFiles(this.room.files, owner, offers, isApprovedPeer);
    const { files, rejected } = fitAnswer(reqId, owner, decision);
    const answer = { type: 'FILES_ADDED', reqId, owner, files, rejected } as const;
    // Applied here at once so that a second request racing the daemon's echo is checked against
    // this one; the echo then changes nothing.
    this.applyLocally(answer);
    this.send(answer);
  }
}
