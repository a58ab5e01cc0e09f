import type { Clock } from '@ferry/common/transfer';
import { RemovalQueue, type RemovalPace } from '../files/removal-queue';
import type { RoomState } from '../room/room-reducer';

export interface OwnRemovalsHooks {
  room(): RoomState;
  /** The files shown as "Removing…", and a way to change them. */
  removing(): ReadonlySet<string>;
  setRemoving(removing: ReadonlySet<string>): void;
  /** Sends one removal (REMOVE_FILE, or the host's FILE_REMOVED) under `reqId`. */
  send(reqId: string, fileId: string): void;
  newId(): string;
}

/**
 * The removals this tab asked for: each file shows "Removing…" from the click until the room
 * confirms, and they leave paced (RemovalQueue), so that a whole folder never trips the daemon's
 * rate limit.
 */
export class OwnRemovals {
  /** reqId of each removal sent, to the file it removes. */
  private readonly sent = new Map<string, string>();
  private readonly queue: RemovalQueue;

  constructor(
    clock: Clock,
    private readonly hooks: OwnRemovalsHooks,
    pace?: RemovalPace,
  ) {
    this.queue = new RemovalQueue(clock, (fileId) => this.sendNow(fileId), pace);
  }

  /** Our listed files among `fileIds` go; others' files, and files already going, are ignored. */
  remove(fileIds: readonly string[]): void {
    const removing = new Set(this.hooks.removing());
    const asked = fileIds.filter((id) => !removing.has(id) && this.ownIds().has(id));
    if (asked.length === 0) return;
    for (const id of asked) removing.add(id);
    this.hooks.setRemoving(removing);
    this.queue.push(asked);
  }

  /** The file a removal of ours was about, by its reqId (an ERROR answering it). */
  fileOf(reqId: string | undefined): string | undefined {
    return reqId === undefined ? undefined : this.sent.get(reqId);
  }

  /** The room removed `fileId` (or refused to): it is no longer "Removing…". */
  finish(fileId: string, reqId: string | undefined): void {
    if (reqId !== undefined) this.sent.delete(reqId);
    for (const [id, file] of this.sent) if (file === fileId) this.sent.delete(id);
    const current = this.hooks.removing();
    if (current.has(fileId)) {
      const removing = new Set(current);
      removing.delete(fileId);
      this.hooks.setRemoving(removing);
    }
  }

  /**
   * The connection went: unanswered and unsent removals are lost with it (the next room state says
   * what happened, and the person may ask again). True if there were any.
   */
  forgetAll(): boolean {
    const hadAny = this.sent.size > 0 || this.queue.size > 0;
    this.sent.clear();
    this.queue.clear();
    return hadAny;
  }

  private sendNow(fileId: string): void {
    // Gone meanwhile (removed by the host, its owner left): nothing to ask.
    const { files, selfId } = this.hooks.room();
    if (!files.some((f) => f.id === fileId && f.owner === selfId)) return;
    const reqId = this.hooks.newId();
    this.sent.set(reqId, fileId);
    this.hooks.send(reqId, fileId);
  }

  private ownIds(): Set<string> {
    const { files, selfId } = this.hooks.room();
    return new Set(files.filter((f) => f.owner === selfId).map((f) => f.id));
  }
}
