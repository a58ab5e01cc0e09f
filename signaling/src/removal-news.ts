import type { FileInfo, FromDaemon } from '@ferry/common';
import { FEATURES, limits } from '@ferry/common';
import type { Peer } from './peers';

/**
 * How the room hears that files left the list. Every approved online peer is told of the files it
 * may see (Room.canSee: a direct offer only reaches its owner, its recipient and the master):
 *
 * - `'each'`: one FILE_REMOVED per file, to everyone, as the contract has it (a master's
 *   FILE_REMOVED answer is announced exactly so).
 * - `'bulk'`: a peer that declared FEATURES.removeFiles gets FILES_REMOVED frames of at most
 *   MAX_FILE_IDS_PER_MESSAGE ids; any other peer gets one FILE_REMOVED per file, as before.
 *
 * Frames every recipient shares are serialized once; only a peer that may see some of the direct
 * offers gets a frame of its own for them. The work is O(peers + files), never peers × files.
 */
export type RemovalForm = 'each' | 'bulk';

export function announceRemoved(
  recipients: Iterable<Peer>,
  files: readonly FileInfo[],
  reqId: string | undefined,
  form: RemovalForm,
): void {
  const shared = files.filter((f) => f.to === undefined);
  const direct = files.filter((f) => f.to !== undefined);
  const directOf = directOffersBySeer(direct);
  const sharedEach = lazy(() => shared.map((f) => fileRemoved(f.id, reqId)));
  const sharedBulk = lazy(() => filesRemoved(shared, reqId));
  const directEach = lazy(() => new Map(direct.map((f) => [f.id, fileRemoved(f.id, reqId)])));
  for (const peer of recipients) {
    const session = peer.session;
    if (peer.status !== 'approved' || !session) continue;
    const seen = peer.isMaster ? direct : (directOf.get(peer.publicId) ?? []);
    if (form === 'bulk' && session.features.has(FEATURES.removeFiles)) {
      for (const frame of sharedBulk()) session.sendText(frame);
      for (const frame of filesRemoved(seen, reqId)) session.sendText(frame);
    } else {
      for (const frame of sharedEach()) session.sendText(frame);
      for (const file of seen) session.sendText(directEach().get(file.id) ?? fileRemoved(file.id, reqId));
    }
  }
}

/** The direct offers among `direct` each peer but the master may see: its own and those sent to it. */
function directOffersBySeer(direct: readonly FileInfo[]): Map<string, FileInfo[]> {
  const bySeer = new Map<string, FileInfo[]>();
  const add = (publicId: string, file: FileInfo) => {
    const list = bySeer.get(publicId);
    if (list) list.push(file);
    else bySeer.set(publicId, [file]);
  };
  for (const file of direct) {
    add(file.owner, file);
    if (file.to !== undefined && file.to !== file.owner) add(file.to, file);
  }
  return bySeer;
}

function fileRemoved(fileId: string, reqId: string | undefined): Buffer {
  return encode(reqId === undefined ? { type: 'FILE_REMOVED', fileId } : { type: 'FILE_REMOVED', reqId, fileId });
}

/** FILES_REMOVED frames of at most MAX_FILE_IDS_PER_MESSAGE ids each; none for no files. */
function filesRemoved(files: readonly FileInfo[], reqId: string | undefined): Buffer[] {
  const frames: Buffer[] = [];
  for (let start = 0; start < files.length; start += limits.MAX_FILE_IDS_PER_MESSAGE) {
    const fileIds = files.slice(start, start + limits.MAX_FILE_IDS_PER_MESSAGE).map((f) => f.id);
    frames.push(
      encode(reqId === undefined ? { type: 'FILES_REMOVED', fileIds } : { type: 'FILES_REMOVED', reqId, fileIds }),
    );
  }
  return frames;
}

function encode(message: FromDaemon): Buffer {
  return Buffer.from(JSON.stringify(message));
}

function lazy<T>(make: () => T): () => T {
  let made: { value: T } | null = null;
  return () => (made ??= { value: make() }).value;
}
