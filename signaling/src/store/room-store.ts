import type { ClientStatus, FileInfo } from '@ferry/common';

/** An identity as it is kept on disk: never the privateId itself, only its SHA-256. */
export interface StoredPeer {
  readonly publicId: string;
  readonly name: string;
  readonly status: ClientStatus;
  readonly isMaster: boolean;
  readonly privateIdDigest: Buffer;
}

/** What a daemon finds at start: every identity and every listed file, in the order they came. */
export interface StoredRoom {
  peers: StoredPeer[];
  files: FileInfo[];
}

/**
 * The durable copy of the room. Every method writes synchronously and returns once the change is
 * in the database, so a caller that sends its acknowledgement afterwards never acknowledges a
 * change a crash could lose. The in-memory maps stay the read path; this is only written, and
 * read once at start.
 */
export interface RoomStore {
  /** Where the state lives, for the start-up line: a file path, or "memory". */
  readonly location: string;
  load(): StoredRoom;
  /** Inserts or updates an identity (name, status, privateId digest). */
  savePeer(peer: StoredPeer): void;
  /** Forgets an identity and every file it listed. */
  deletePeer(publicId: string): void;
  /** Lists or replaces files, all or none. */
  putFiles(files: readonly FileInfo[]): void;
  deleteFile(fileId: string): void;
  /** Forgets these files, all or none. */
  deleteFiles(fileIds: readonly string[]): void;
  deleteFilesOf(owner: string): void;
  /** Forgets every identity but the master's and every file, all or none (END_ROOM). */
  clearRoom(): void;
  /** The master token last used with this room, so a restart prints the same master link. */
  masterToken(): string | null;
  setMasterToken(token: string): void;
  close(): void;
}

/** The database cannot be used (locked by another daemon, damaged, from a newer Ferry): the daemon must not start. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: 'locked' | 'unreadable' | 'newer' | 'foreign',
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
