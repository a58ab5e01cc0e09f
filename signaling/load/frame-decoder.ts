import type { FileInfo, FromDaemon, FromDaemonOf } from '@ferry/common';
import type { FileInterner, FileKey } from './room-view';

/*
 * Decoding for a thousand simulated peers in one process. A broadcast reaches every peer as the
 * same text, so it is parsed once; the 5,000 files of a ROOM_STATE are the same for every peer
 * that joins while the list does not change, so that part is parsed and interned once too. The
 * daemon is the system under test: the swarm trusts its frames' shapes and skips zod.
 */

const CACHE_ENTRIES = 256;
const FILES_OPEN = ',"files":[';
const MASTER_ONLINE = ',"masterOnline":';

export interface DecodedRoomState {
  head: FromDaemonOf<'ROOM_STATE'>;
  /** The files as [id, interned key] pairs, shared between the peers that got the same list. */
  filePairs: readonly (readonly [string, FileKey])[];
}

export class FrameDecoder {
  private readonly recent = new Map<string, FromDaemon>();
  private lastFiles: { text: string; pairs: (readonly [string, FileKey])[] } | null = null;

  constructor(private readonly interner: FileInterner) {}

  decode(text: string): FromDaemon {
    const cached = this.recent.get(text);
    if (cached) return cached;
    const message = JSON.parse(text) as FromDaemon;
    // Small frames are cheap to parse again; caching them would only churn the map.
    if (text.length >= 256) {
      if (this.recent.size >= CACHE_ENTRIES) {
        const oldest = this.recent.keys().next();
        if (!oldest.done) this.recent.delete(oldest.value);
      }
      this.recent.set(text, message);
    }
    return message;
  }

  /** ROOM_STATE is JSON.stringify({type, clients, files, masterOnline}) in that order. */
  decodeRoomState(text: string): DecodedRoomState {
    const filesAt = text.lastIndexOf(FILES_OPEN);
    const endAt = text.lastIndexOf(MASTER_ONLINE);
    if (filesAt < 0 || endAt < filesAt) {
      const whole = JSON.parse(text) as FromDaemonOf<'ROOM_STATE'>;
      return { head: { ...whole, files: [] }, filePairs: this.pairsOf(whole.files) };
    }
    const filesText = text.slice(filesAt + FILES_OPEN.length - 1, endAt);
    if (this.lastFiles?.text !== filesText) {
      this.lastFiles = { text: filesText, pairs: this.pairsOf(JSON.parse(filesText) as FileInfo[]) };
    }
    const head = JSON.parse(`${text.slice(0, filesAt)},"files":[]${text.slice(endAt)}`) as FromDaemonOf<'ROOM_STATE'>;
    return { head, filePairs: this.lastFiles.pairs };
  }

  private pairsOf(files: FileInfo[]): (readonly [string, FileKey])[] {
    return files.map((f) => [f.id, this.interner.key(f)] as const);
  }
}
