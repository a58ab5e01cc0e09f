import type { ClientInfo, FileInfo } from './shapes';
import type { FromDaemon, FromDaemonOf } from './messages';

/** The messages that carry a whole room and may come in pages (`more: true`, then ROOM_STATE_PAGE). */
export type RoomSnapshot = FromDaemonOf<'ROOM_STATE' | 'MASTER_APP_REGISTER_ACK'>;

/**
 * Puts a paged room state back together for readers that want it whole (PROTOCOL.md §9.11).
 * `accept` takes every message from the daemon in order and returns those to handle now: a
 * message with `more: true` is held, its pages are merged into it (an entry replaces one with the
 * same id), and once the page with `last: true` arrives the whole message comes out, followed by
 * whatever else arrived meanwhile, in order. The daemon reads pages from the live room, and every
 * message that changes the room is idempotent on it (an upsert, a removal, a presence flag), so
 * applying the held ones after the whole state gives the room as the daemon has it.
 */
export class RoomPageAssembler {
  private head: RoomSnapshot | null = null;
  private clients = new Map<string, ClientInfo>();
  private files = new Map<string, FileInfo>();
  private held: FromDaemon[] = [];

  /** True between a paged head and its last page. */
  get isAssembling(): boolean {
    return this.head !== null;
  }

  accept(message: FromDaemon): FromDaemon[] {
    const isSnapshot = message.type === 'ROOM_STATE' || message.type === 'MASTER_APP_REGISTER_ACK';
    if (isSnapshot && message.more === true) {
      // A new state replaces one still arriving: what was held meanwhile comes out first.
      const earlier = this.reset();
      this.head = message;
      for (const client of message.clients) this.clients.set(client.publicId, client);
      for (const file of message.files) this.files.set(file.id, file);
      return earlier;
    }
    if (message.type === 'ROOM_STATE_PAGE') {
      if (!this.head) return [];
      for (const client of message.clients ?? []) this.clients.set(client.publicId, client);
      for (const file of message.files ?? []) this.files.set(file.id, file);
      if (!message.last) return [];
      const { more: _more, ...head } = this.head;
      const whole = { ...head, clients: [...this.clients.values()], files: [...this.files.values()] } as RoomSnapshot;
      return [whole, ...this.reset()];
    }
    if (this.head) {
      if (isSnapshot) return [...this.reset(), message];
      this.held.push(message);
      return [];
    }
    return [message];
  }

  /** Forgets a state being assembled (the socket closed); returns what was held. */
  reset(): FromDaemon[] {
    const held = this.held;
    this.head = null;
    this.clients = new Map();
    this.files = new Map();
    this.held = [];
    return held;
  }
}
