import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FileInfo } from '@ferry/common';
import { ClientStatus, FileInfo as FileInfoSchema } from '@ferry/common';
import { DATABASE_FILE, LOCK_FILE } from './data-dir';
import type { RoomStore, StoredPeer, StoredRoom } from './room-store';
import { StoreError } from './room-store';
import { migrate } from './schema';

type Db = Database.Database;

export interface PeerRow {
  public_id: string;
  private_digest: Buffer;
  name: string;
  status: string;
  is_master: number;
}

interface FileRow {
  id: string;
  owner: string;
  info: string;
}

const DIGEST_BYTES = 32;

/**
 * The room in SQLite (better-sqlite3: synchronous, so a write is done when the call returns).
 * WAL with synchronous=NORMAL: a killed daemon (kill -9, a crash) loses nothing that was
 * committed, since the OS still writes what the process handed it; only a power cut can lose the
 * last moments, and never leaves the file damaged. FULL would fsync on every change and cap
 * registration and file churn at the disk's fsync rate.
 */
export class SqliteRoomStore implements RoomStore {
  private readonly statements;
  private readonly putFilesTx;
  private readonly deleteFilesTx;
  private readonly clearRoomTx;

  private constructor(
    private readonly db: Db,
    readonly location: string,
    private readonly lock: Db | null,
    private readonly warn: (message: string) => void,
  ) {
    const s = {
      upsertPeer: db.prepare<[string, Buffer, string, string, number]>(
        `INSERT INTO peers (public_id, private_digest, name, status, is_master) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (public_id) DO UPDATE SET private_digest = excluded.private_digest, name = excluded.name, status = excluded.status`,
      ),
      deletePeer: db.prepare<[string]>('DELETE FROM peers WHERE public_id = ?'),
      // Replacing keeps the row (and so the file's place in the list); a new id goes last.
      upsertFile: db.prepare<[string, string, string]>(
        'INSERT INTO files (id, owner, info) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, info = excluded.info',
      ),
      deleteFile: db.prepare<[string]>('DELETE FROM files WHERE id = ?'),
      deleteFilesOf: db.prepare<[string]>('DELETE FROM files WHERE owner = ?'),
      setMeta: db.prepare<[string, string]>(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    };
    this.statements = s;
    this.putFilesTx = db.transaction((files: readonly FileInfo[]) => {
      for (const f of files) s.upsertFile.run(f.id, f.owner, JSON.stringify(f));
    });
    this.deleteFilesTx = db.transaction((fileIds: readonly string[]) => {
      for (const id of fileIds) s.deleteFile.run(id);
    });
    const deleteAllFiles = db.prepare('DELETE FROM files');
    const deleteGuests = db.prepare('DELETE FROM peers WHERE is_master = 0');
    this.clearRoomTx = db.transaction(() => {
      deleteAllFiles.run();
      deleteGuests.run();
    });
  }

  /** A room on disk in `dataDir` (created 0700 if missing), locked against a second daemon. */
  static open(dataDir: string, warn: (message: string) => void): SqliteRoomStore {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const lock = acquireLock(join(dataDir, LOCK_FILE), dataDir);
    const file = join(dataDir, DATABASE_FILE);
    try {
      // The master token is kept in clear (the master link is printed again at start): owner-only.
      closeSync(openSync(file, 'a', 0o600));
      const db = new Database(file);
      try {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
        migrate(db, file);
        return new SqliteRoomStore(db, file, lock, warn);
      } catch (error) {
        db.close();
        throw error;
      }
    } catch (error) {
      lock.close();
      if (error instanceof StoreError) throw error;
      throw new StoreError(
        `cannot read the room database ${file}: ${(error as Error).message}. It was left as it is: move it away to start an empty room, or pass another --data-dir.`,
        'unreadable',
      );
    }
  }

  /** A room that lives as long as the process (tests, --port 0 without --data-dir): same code, no file. */
  static inMemory(warn: (message: string) => void): SqliteRoomStore {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 'memory');
    return new SqliteRoomStore(db, 'memory', null, warn);
  }

  load(): StoredRoom {
    // Only admitted people list files; a crash between rejecting someone and dropping their files
    // could leave some behind.
    this.db
      .prepare(`DELETE FROM files WHERE owner NOT IN (SELECT public_id FROM peers WHERE status = 'approved')`)
      .run();
    const peers = this.db
      .prepare<[], PeerRow>('SELECT public_id, private_digest, name, status, is_master FROM peers ORDER BY rowid')
      .all()
      .map((row) => this.peerOf(row));
    const files: FileInfo[] = [];
    for (const row of this.db.prepare<[], FileRow>('SELECT id, owner, info FROM files ORDER BY rowid').all()) {
      const file = fileOf(row);
      // A file the protocol no longer allows (limits may tighten between versions) is not listed:
      // its owner shares it again. One odd row must not keep the room from starting.
      if (file) files.push(file);
      else this.warn(`not listing stored file ${row.id.slice(0, 8)}: it no longer fits the protocol`);
    }
    return { peers, files };
  }

  savePeer(peer: StoredPeer): void {
    this.statements.upsertPeer.run(peer.publicId, peer.privateIdDigest, peer.name, peer.status, peer.isMaster ? 1 : 0);
  }

  deletePeer(publicId: string): void {
    // Files go with their owner (ON DELETE CASCADE), in the same statement's transaction.
    this.statements.deletePeer.run(publicId);
  }

  putFiles(files: readonly FileInfo[]): void {
    if (files.length > 0) this.putFilesTx(files);
  }

  deleteFile(fileId: string): void {
    this.statements.deleteFile.run(fileId);
  }

  deleteFiles(fileIds: readonly string[]): void {
    if (fileIds.length > 0) this.deleteFilesTx(fileIds);
  }

  deleteFilesOf(owner: string): void {
    this.statements.deleteFilesOf.run(owner);
  }

  clearRoom(): void {
    this.clearRoomTx();
  }

  masterToken(): string | null {
    return this.statements.getMeta.get('master_token')?.value ?? null;
  }

  setMasterToken(token: string): void {
    this.statements.setMeta.run('master_token', token);
  }

  close(): void {
    if (this.db.open) this.db.close();
    if (this.lock?.open) this.lock.close();
  }

  private peerOf(row: PeerRow): StoredPeer {
    const status = ClientStatus.safeParse(row.status);
    const digest = row.private_digest;
    if (!status.success || !Buffer.isBuffer(digest) || digest.length !== DIGEST_BYTES || typeof row.name !== 'string') {
      throw new StoreError(
        `the room database ${this.location} holds a damaged identity (${String(row.public_id).slice(0, 8)}); it was left as it is`,
        'unreadable',
      );
    }
    return {
      publicId: row.public_id,
      name: row.name,
      status: status.data,
      isMaster: row.is_master === 1,
      privateIdDigest: digest,
    };
  }
}

function fileOf(row: FileRow): FileInfo | null {
  let raw: unknown;
  try {
    raw = JSON.parse(row.info);
  } catch {
    return null;
  }
  const parsed = FileInfoSchema.safeParse({ ...(raw as object), id: row.id, owner: row.owner });
  return parsed.success ? parsed.data : null;
}

/** The room's store: on disk in `dataDir`, or in memory when there is none. */
export function openRoomStore(dataDir: string | null, warn: (message: string) => void): RoomStore {
  return dataDir === null ? SqliteRoomStore.inMemory(warn) : SqliteRoomStore.open(dataDir, warn);
}

/**
 * An exclusive SQLite lock on a small side file, held until the daemon exits. The OS drops it when
 * the process dies however it dies (kill -9 included), so there is no stale lock to clean up; and
 * the room database itself stays readable by other processes (backups, inspection, tests).
 */
function acquireLock(path: string, dataDir: string): Db {
  let lock: Db | null = null;
  try {
    closeSync(openSync(path, 'a', 0o600));
    lock = new Database(path, { timeout: 250 });
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL)');
    // The first write takes the exclusive lock; locking_mode EXCLUSIVE keeps it until close.
    lock.transaction(() => {
      lock?.prepare('DELETE FROM holder').run();
      lock?.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
    })();
    return lock;
  } catch (error) {
    lock?.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new StoreError(
        `another Ferry daemon is already using ${dataDir}; stop it first, or pass another --data-dir`,
        'locked',
      );
    }
    throw new StoreError(`cannot lock ${path}: ${(error as Error).message}`, 'unreadable');
  }
}
