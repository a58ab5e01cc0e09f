import type { ErrorCode } from '@ferry/common';
import type { Session } from '../peers';
import type { Room } from '../room';

/**
 * One message being handled: the room it acts on, the socket it came on and its reqId. Every
 * ERROR it causes, and a register's ACK, echo that reqId (PROTOCOL.md §4); carrying it here
 * rather than in the room keeps the room free of per-message state.
 */
export class MessageContext {
  constructor(
    readonly room: Room,
    readonly session: Session,
    readonly reqId: string | undefined,
  ) {}

  /** Answers the sender with ERROR; the message changes nothing else. */
  refuse(code: ErrorCode, text: string): void {
    this.room.error(this.session, code, text, this.reqId);
  }
}
