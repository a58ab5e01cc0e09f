import { FileInfo, Id, limits } from '@ferry/common';
import type { TransferErrorCode } from '@ferry/common/transfer';
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

/** Why a stored download of `wanted` cannot resume against the room's list, or null when it can. */
export function itemProblem(
  wanted: FileInfo,
  listed: readonly FileInfo[],
): Extract<TransferErrorCode, 'FILE_NOT_SHARED' | 'FILE_CHANGED'> | null {
  const file = listed.find((f) => f.id === wanted.id);
  if (!file) return 'FILE_NOT_SHARED';
  const same =
    file.owner === wanted.owner &&
    file.size === wanted.size &&
    file.chunkSize === wanted.chunkSize &&
    file.sha256 === wanted.sha256;
  return same ? null : 'FILE_CHANGED';
}

/**
 * The stored bitmap, keeping only chunks that really are in storage: a bit whose chunk is missing
 * (storage cleared, or a crash between the two writes) is fetched again instead of failing at the end.
 */
export function presentBits(
  have: Uint8Array,
  stored: ReadonlySet<number> | undefined,
  totalChunks: number,
): Uint8Array {
  const bits = new Uint8Array(Math.ceil(totalChunks / 8));
  for (let index = 0; index < totalChunks; index++) {
    const isMarked = ((have[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
    if (isMarked && stored?.has(index)) bits[index >> 3] = (bits[index >> 3] ?? 0) | (1 << (index & 7));
  }
  return bits;
}
