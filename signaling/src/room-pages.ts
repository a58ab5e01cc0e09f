import type { ClientInfo, FileInfo, FromDaemonOf } from '@ferry/common';

/**
 * A room state (ROOM_STATE, MASTER_APP_REGISTER_ACK) in frames of bounded size, so that no guest's
 * listing can make a frame another peer cannot accept (PROTOCOL.md §9.11). Each page holds at most
 * this many bytes of entries besides its head; an entry is never split.
 */
export const ROOM_PAGE_BYTES = 256 * 1024;

export type PagedMessage = FromDaemonOf<'ROOM_STATE' | 'MASTER_APP_REGISTER_ACK'>;

/** Builds the message with the given page of entries, in the key order the wire has always had. */
export type PagedBuilder = (clients: ClientInfo[], files: FileInfo[]) => PagedMessage;

const EMPTY_CLIENTS = '"clients":[]';
const EMPTY_FILES = '"files":[]';

interface Page {
  clients: string[];
  files: string[];
}

/**
 * The frames of one room state, made lazily: the sender pulls the next page only when the socket
 * has room for it, and entries are read from the live room at that moment (`clients` and `files`
 * are iterated as the pages go, so an entry removed before its page is never sent, one added is).
 * A room that fits in one page is one frame, byte for byte what the daemon sent before paging;
 * otherwise the first frame is the message with its first page and `more: true`, followed by
 * ROOM_STATE_PAGE frames, the last with `last: true`.
 */
export function* roomStateFrames(
  build: PagedBuilder,
  clients: Iterable<ClientInfo>,
  files: Iterable<FileInfo>,
  pageBytes = ROOM_PAGE_BYTES,
): Generator<string, void, undefined> {
  const entries = entriesOf(clients, files);
  let pending = entries.next();
  const fill = (): Page => {
    const page: Page = { clients: [], files: [] };
    let bytes = 0;
    while (!pending.done) {
      const { kind, json } = pending.value;
      const size = Buffer.byteLength(json) + 1;
      if (bytes > 0 && bytes + size > pageBytes) break;
      bytes += size;
      page[kind].push(json);
      pending = entries.next();
    }
    return page;
  };
  const first = fill();
  const head = JSON.stringify(build([], []));
  if (pending.done) {
    yield withEntries(head, first);
    return;
  }
  yield withEntries(JSON.stringify({ ...build([], []), more: true }), first);
  while (!pending.done) {
    const page = fill();
    const parts = ['{"type":"ROOM_STATE_PAGE"'];
    if (page.clients.length > 0) parts.push(`,"clients":[${page.clients.join(',')}]`);
    if (page.files.length > 0) parts.push(`,"files":[${page.files.join(',')}]`);
    parts.push(`,"last":${pending.done ? 'true' : 'false'}}`);
    yield parts.join('');
  }
}

function* entriesOf(
  clients: Iterable<ClientInfo>,
  files: Iterable<FileInfo>,
): Generator<{ kind: keyof Page; json: string }, void, undefined> {
  for (const client of clients) yield { kind: 'clients', json: JSON.stringify(client) };
  for (const file of files) yield { kind: 'files', json: JSON.stringify(file) };
}

/**
 * Puts a page's entries into the head's empty arrays. The head is serialized before any entry
 * and its only strings ahead of the two keys are daemon-made (type, ids, the privateId), so the
 * first unescaped `"clients":[]` and `"files":[]` are the keys themselves.
 */
function withEntries(head: string, page: Page): string {
  return head
    .replace(EMPTY_CLIENTS, () => `"clients":[${page.clients.join(',')}]`)
    .replace(EMPTY_FILES, () => `"files":[${page.files.join(',')}]`);
}

/** `items` mapped lazily, so pages read the room as they are made. */
export function* mapIterable<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U, void, undefined> {
  for (const item of items) yield map(item);
}
