import type { ConnectionState } from '../signaling/connection-machine';
import { emptyRoom, type RoomState } from '../room/room-reducer';
import { emptyOutbox, type OutboxState } from '../files/outbox-machine';
import { initialConnection } from '../signaling/connection-machine';
import type { PreparingFile } from '../transfers/file-preparer';

/** Why the tab cannot go on without the person doing something. */
export type SessionProblem =
  | { kind: 'no-token' }
  | { kind: 'bad-token' }
  | { kind: 'master-exists' }
  | { kind: 'refused'; message: string }
  /** The daemon turned the register down for now (rate limit); the tab tries again by itself. */
  | { kind: 'busy'; message: string }
  /** The host ended the room (ROOM_ENDED): this guest's identity is gone. */
  | { kind: 'room-ended' };

/** Everything the UI shows, in one immutable value. */
export interface SessionView {
  /** 'join' only for a guest who has not given a name yet. */
  entry: 'loading' | 'join' | 'joined';
  name: string;
  connection: ConnectionState;
  room: RoomState;
  outbox: OutboxState;
  /** Picked files being hashed before they are offered. */
  preparing: readonly PreparingFile[];
  /** Our listed files with no File in this tab (after a reload): they must be picked again. */
  needsRepick: ReadonlySet<string>;
  /** Files whose removal was asked and not yet confirmed. */
  removing: ReadonlySet<string>;
  /** A passing message about something that went wrong (a removal refused, say). */
  notice: string | null;
  /** The same, about approving or removing people (host only): shown beside those buttons. */
  peopleNotice: string | null;
  problem: SessionProblem | null;
  /** The join link the daemon printed (master only), when it told us. */
  joinUrl: string | null;
  /** Files we sent to one person that they declined (or left without taking), newest last. */
  declinedSends: readonly DeclinedSend[];
  /** Direct offers to us that we accepted in this tab: no longer asked about. */
  acceptedOffers: ReadonlySet<string>;
  /** Direct offers of ours whose recipient asked for them (accepted), in this tab. */
  acceptedSends: ReadonlySet<string>;
}

/** A direct offer of ours that went without our asking: its recipient declined it. */
export interface DeclinedSend {
  fileId: string;
  name: string;
  to: string;
}

export const initialView: SessionView = {
  entry: 'loading',
  name: '',
  connection: initialConnection,
  room: emptyRoom,
  outbox: emptyOutbox,
  preparing: [],
  needsRepick: new Set(),
  removing: new Set(),
  notice: null,
  peopleNotice: null,
  problem: null,
  joinUrl: null,
  declinedSends: [],
  acceptedOffers: new Set(),
  acceptedSends: new Set(),
};
