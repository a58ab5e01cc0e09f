import type Database from 'better-sqlite3';
import { StoreError } from './room-store';

/**
 * MIGRATIONS[n] takes a database from version n to n + 1 (PRAGMA user_version). A release that
 * changes the schema appends one; a database is never rebuilt from scratch.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE peers (
    public_id TEXT PRIMARY KEY,
    -- SHA-256 of the privateId: the secret itself is never stored.
    private_digest BLOB NOT NULL UNIQUE,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    is_master INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE files (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL REFERENCES peers (public_id) ON DELETE CASCADE,
    -- The FileInfo as JSON: the protocol's fields may grow without a migration.
    info TEXT NOT NULL
  );
  CREATE INDEX files_by_owner ON files (owner);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database, location: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `the room database ${location} was written by a newer Ferry (schema ${version}, this one knows ${SCHEMA_VERSION}); it was left as it is`,
      'newer',
    );
  }
  if (version === SCHEMA_VERSION) return;
  if (version === 0) {
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number };
    if (tables.n > 0)
      throw new StoreError(`${location} is an SQLite database, but not Ferry's; it was left as it is`, 'foreign');
  }
  db.transaction(() => {
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] ?? '');
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
