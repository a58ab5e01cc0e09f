import type { FileInfo, ToDaemon } from '@ferry/common';
import { ClientSession } from '../src/session/client-session';
import type { DownloadView } from '@ferry/web/transfers/download-view';
import { person, shared } from '@ferry/common/test/builders';
import { fakeDeps, flush, sha256Hex, until, type FakeSocket } from '@ferry/web/test/fakes';
import { MemoryKv } from '@ferry/web/test/transfer-fakes';

/*
 * Downloads through the whole guest session: the real transfer engine, the daemon played by the
 * test (it answers REQUEST_CHUNK with CHUNK_READY and holds the chunks in a fake relay), and
 * IndexedDB played by maps that outlive a "reload".
 */

export const CHUNK = 1024;
const IDENTITY = { name: 'Ben', privateId: 'secret-ben' };

export function makeFile(id: string, bytes: Uint8Array, extra: Partial<FileInfo> = {}): FileInfo {
  return shared(id, 'ann', `${id}.bin`, { size: bytes.length, chunkSize: CHUNK, sha256: sha256Hex(bytes), ...extra });
}

const sessions: ClientSession[] = [];

/** Ends every session the tests started (call from afterEach). */
export function destroySessions(): void {
  for (const session of sessions.splice(0)) session.destroy();
}

export type Fakes = ReturnType<typeof fakeDeps>;

/** Chunk storage that counts chunk bytes read back (Blob reads), as opposed to Blob lookups. */
export class CountingKv extends MemoryKv {
  byteReads = 0;

  override async get(key: IDBValidKey): Promise<unknown> {
    const value = await super.get(key);
    if (!(value instanceof Blob)) return value;
    const count = () => this.byteReads++;
    return new (class extends Blob {
      override arrayBuffer(): Promise<ArrayBuffer> {
        count();
        return super.arrayBuffer();
      }
    })([value]);
  }
}

/**
 * A guest whose identity is stored, so it connects at once; `previous` carries storage over a
 * reload; `chunkKv` replaces a first guest's chunk storage.
 */
export async function guest(files: FileInfo[], previous?: Fakes, chunkKv?: MemoryKv) {
  const fakes = fakeDeps(previous ? { storage: previous.storage } : {});
  if (chunkKv) fakes.platform.chunkKv = chunkKv;
  if (previous) {
    fakes.platform.chunkKv = previous.platform.chunkKv;
    fakes.platform.recordKv = previous.platform.recordKv;
  } else {
    fakes.storage.data.set('ferry.client.identity', IDENTITY);
  }
  const session = new ClientSession(fakes.deps);
  sessions.push(session);
  await session.init();
  const socket = fakes.network.last;
  socket.open();
  // fakeDeps hands back its own store even when given one; keep the one the session uses.
  return {
    ...fakes,
    storage: previous?.storage ?? fakes.storage,
    session,
    socket,
    enter: () => enterRoom(socket, files),
  };
}

/**
 * A guest downloading `f1`, a 3-chunk file of Ann's, with its first REQUEST_CHUNK sent. `show`
 * puts the app on screen first (the UI tests render it; this file stays free of JSX).
 */
export async function downloadingF1(show: (session: ClientSession) => void) {
  const bytes = new Uint8Array(3 * CHUNK).map((_, i) => i % 251);
  const fakes = await guest([makeFile('f1', bytes)]);
  show(fakes.session);
  fakes.enter();
  fakes.session.downloadFile('f1');
  await until(() => sent(fakes.socket, 'REQUEST_CHUNK').length > 0);
  const [request] = sent(fakes.socket, 'REQUEST_CHUNK');
  if (request?.type !== 'REQUEST_CHUNK') throw new Error('no request');
  return { ...fakes, bytes, request };
}

export function enterRoom(socket: FakeSocket, files: FileInfo[], online = true): void {
  socket.receive({
    type: 'CLIENT_REGISTER_ACK',
    publicId: 'me',
    privateId: IDENTITY.privateId,
    status: 'approved',
    iceServers: [],
    p2p: false,
    masterOnline: true,
  });
  socket.receive({
    type: 'ROOM_STATE',
    clients: [person('h', 'Host', { isMaster: true }), person('me', 'Ben'), person('ann', 'Ann', { online })],
    files,
    masterOnline: true,
  });
}

/** Plays the owner and the relay: every chunk asked so far (up to `limit`) is put on the relay and announced. */
export function serve(fakes: Fakes, socket: FakeSocket, sources: Map<string, Uint8Array>, limit = Infinity): number {
  let served = 0;
  const done = new Set<string>();
  for (const request of socket.sentOfType('REQUEST_CHUNK')) {
    const bytes = sources.get(request.fileId);
    if (!bytes) continue;
    for (let index = request.start; index < request.end && served < limit; index++) {
      const key = `${request.transferId}/${index}`;
      if (done.has(key) || fakes.platform.relay.chunks.has(key)) continue;
      done.add(key);
      fakes.platform.relay.chunks.set(key, bytes.subarray(index * CHUNK, (index + 1) * CHUNK));
      socket.receive({ type: 'CHUNK_READY', transferId: request.transferId, fileId: request.fileId, index });
      served++;
    }
  }
  return served;
}

/** Serves until the download ends (each CHUNK_READY the engine fetches opens room for more requests). */
export async function serveAll(
  fakes: Fakes,
  socket: FakeSocket,
  sources: Map<string, Uint8Array>,
  session: ClientSession,
): Promise<DownloadView> {
  for (let round = 0; round < 200; round++) {
    serve(fakes, socket, sources);
    await flush();
    const view = session.transfers.downloads.view.get().items.at(-1);
    if (view && ['saved', 'failed', 'cancelled'].includes(view.state)) return view;
  }
  throw new Error('the download never ended');
}

export const lastView = (session: ClientSession) => session.transfers.downloads.view.get().items.at(-1);
export const sent = (socket: FakeSocket, type: ToDaemon['type']) => socket.sent.filter((m) => m.type === type);
