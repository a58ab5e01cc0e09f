import type { Clock } from '@ferry/common/transfer';
import { RemovalQueue, type RemovalPace } from '../files/removal-queue';
import type { RoomState } from '../room/room-reducer';

export interface OwnRemovalsHooks {
  room(): RoomState;
  /** The files shown as "Removing…", and a way to change them. */
  removing(): ReadonlySet<string>;
  setRemoving(removing: ReadonlySet<string>): void;
  /** Sends one removal message (REMOVE_FILES, or the host's FILES_REMOVED) naming `fileIds` under `reqId`. */
  send(reqId: string, fileIds: string[]): void;
  newId(): string;
}

/**
 * The removals this tab asked for: each file shows "Removing…" from the click until the room
 * confirms, and they leave in paced batches (RemovalQueue), so that a whole folder never trips the
 * daemon's rate limit. Every step is one pass over the ids it is given: a folder of 10,000 files
 * costs no more than 10 messages do.
 */
export class OwnRemovals {
  /** reqId of each removal sent, to its files not confirmed yet. */
  private readonly sent = new Map<string, Set<string>>();
  /** Each file of a removal sent, to that removal's reqId. */
  private readonly sentAs = new Map<string, string>();
  private readonly queue: RemovalQueue;

  constructor(
    clock: Clock,
    private readonly hooks: OwnRemovalsHooks,
    pace?: RemovalPace,
  ) {
    this.queue = new RemovalQueue(clock, (fileIds) => this.sendNow(fileIds), pace);
  }

  /** Our listed files among `fileIds` go; others' files, and files already going, are ignored. */
  remove(fileIds: readonly string[]): void {
    const removing = new Set(this.hooks.removing());
    const own = this.ownIds();
    const asked: string[] = [];
    for (const id of fileIds) {
      if (removing.has(id) || !own.has(id)) continue;
      removing.add(id);
      asked.push(id);
    }
    if (asked.length === 0) return;
    this.hooks.setRemoving(removing);
    this.queue.push(asked);
  }

  /** The files of a removal of ours still waiting for the room, by its reqId (an ERROR answering it). */
  filesOf(reqId: string | undefined): readonly string[] {
    const files = reqId === undefined ? undefined : this.sent.get(reqId);
    return files ? [...files] : [];
  }

  /** The room removed `fileIds` (or refused to): they are no longer "Removing…". */
  finish(fileIds: readonly string[]): void {
    const current = this.hooks.removing();
    let removing: Set<string> | null = null;
    for (const fileId of fileIds) {
      this.forgetSent(fileId);
      if (!current.has(fileId)) continue;
      removing ??= new Set(current);
      removing.delete(fileId);
    }
    if (removing) this.hooks.setRemoving(removing);
  }

  /** The daemon dropped the removal `reqId` for now (RATE_LIMITED): its files go again, still "Removing…". */
  retry(reqId: string): void {
    const files = this.filesOf(reqId);
    for (const fileId of files) this.forgetSent(fileId);
    this.queue.push(files);
  }

  /**
   * The connection went: unanswered and unsent removals are lost with it (the next room state says
   * what happened, and the person may ask again). True if there were any.
   */
  forgetAll(): boolean {
    const hadAny = this.sent.size > 0 || this.queue.size > 0;
    this.sent.clear();
    this.sentAs.clear();
    this.queue.clear();
    return hadAny;
  }

  private forgetSent(fileId: string): void {
    const reqId = this.sentAs.get(fileId);
    if (reqId === undefined) return;
    this.sentAs.delete(fileId);
    const files = this.sent.get(reqId);
    files?.delete(fileId);
    if (files?.size === 0) this.sent.delete(reqId);
  }

  private sendNow(fileIds: readonly string[]): void {
    // Gone meanwhile (removed by the host, its owner left): nothing to ask.
    const own = this.ownIds();
    const still = fileIds.filter((id) => own.has(id));
    if (still.length === 0) return;
    const reqId = this.hooks.newId();
    this.sent.set(reqId, new Set(still));
    for (const fileId of still) this.sentAs.set(fileId, reqId);
    this.hooks.send(reqId, still);
  }

  private ownIds(): Set<string> {
    const { files, selfId } = this.hooks.room();
    const own = new Set<string>();
    for (const file of files) if (file.owner === selfId) own.add(file.id);
    return own;
  }
}
