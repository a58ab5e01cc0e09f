import { FileInfo, Id, limits } from '@ferry/common';
import * as z from 'zod/mini';

/*
 * What a download keeps in IndexedDB so a reload or a crash picks it up where it was. Read back as
 * untrusted input: a record that does not parse is dropped, never half-used.
 */

export type AppRole = 'client' | 'master';

const StoredItem = z.object({
  file: FileInfo,
  transferId: Id,
  /** The chunk bitmap (`download.have.bits`): which chunks are stored. */
  have: z.instanceof(Uint8Array),
  /** Checked against the file's SHA-256 (folder downloads keep checked files until all are). */
  isVerified: z.boolean(),
});
export type StoredItem = z.infer<typeof StoredItem>;

export const StoredJob = z.object({
  version: z.literal(1),
  id: Id,
  /** The guest page and the host page share the origin's storage; each resumes only its own. */
  role: z.enum(['client', 'master']),
  /** The publicId that asked: another identity's transfers are not ours to resume. */
  asker: Id,
  kind: z.enum(['file', 'folder']),
  name: z.string().check(z.minLength(1), z.maxLength(limits.MAX_PATH_CHARS)),
  folder: z.optional(z.string().check(z.minLength(1), z.maxLength(limits.MAX_PATH_CHARS))),
  emptyFolders: z.optional(
    z
      .array(z.string().check(z.minLength(1), z.maxLength(limits.MAX_PATH_CHARS)))
      .check(z.maxLength(limits.MAX_FILES_PER_PEER)),
  ),
  items: z.array(StoredItem).check(z.minLength(1), z.maxLength(limits.MAX_FILES_PER_PEER)),
  isPaused: z.boolean(),
});
export type StoredJob = z.infer<typeof StoredJob>;

export interface ParsedRecords {
  /** This app's records. */
  jobs: StoredJob[];
  /** Keys of records nobody can use (unreadable): delete them. */
  unreadable: IDBValidKey[];
}

export function parseRecords(
  entries: ReadonlyArray<{ key: IDBValidKey; value: unknown }>,
  role: AppRole,
): ParsedRecords {
  const jobs: StoredJob[] = [];
  const unreadable: IDBValidKey[] = [];
  for (const { key, value } of entries) {
    const parsed = StoredJob.safeParse(value);
    if (!parsed.success || parsed.data.id !== key) unreadable.push(key);
    else if (parsed.data.role === role) jobs.push(parsed.data);
  }
  return { jobs, unreadable };
}
