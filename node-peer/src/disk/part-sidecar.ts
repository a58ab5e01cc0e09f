import { constants } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { chunkCount, type FileInfo } from '@ferry/common';

/*
 * The sidecar beside a partial download (`<target>.ferry-part.json`): which file the partial file
 * holds, which chunks are in it, and each stored chunk's SHA-256, so a resume can re-check the
 * bytes on disk rather than trust them. JSON (with base64 tables) so a person can read it; for a
 * 4 GiB file in 1 MiB chunks it is about 175 KB, written at most once per progress interval.
 */

const FORMAT = 'ferry-part';
const VERSION = 1;
const DIGEST_BYTES = 32;
/** O_NOFOLLOW is 0 where it does not exist (Windows), which then opens as plain O_CREAT. */
const NO_FOLLOW_WRITE = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0);

export interface PartState {
  fileId: string;
  size: number;
  chunkSize: number;
  sha256?: string;
  /** Bit i of byte i >> 3: chunk i is in the partial file (ChunkSet's layout). */
  have: Uint8Array;
  /** Chunk i's SHA-256 at i * 32; zeros for a chunk not stored. */
  chunkHashes: Uint8Array;
}

/** A fresh, empty state for `file`. */
export function emptyPartState(file: FileInfo): PartState {
  const chunks = chunkCount(file.size, file.chunkSize);
  return {
    fileId: file.id,
    size: file.size,
    chunkSize: file.chunkSize,
    ...(file.sha256 === undefined ? {} : { sha256: file.sha256 }),
    have: new Uint8Array(Math.ceil(chunks / 8)),
    chunkHashes: new Uint8Array(chunks * DIGEST_BYTES),
  };
}

/**
 * Whether a stored state is a partial copy of `file`: the same id, or (the same file offered
 * again under a new id, after the owner's restart) the same hash, size and chunk size.
 */
export function isSameFile(state: PartState, file: FileInfo): boolean {
  if (state.size !== file.size || state.chunkSize !== file.chunkSize) return false;
  if (state.fileId === file.id) return state.sha256 === file.sha256;
  return state.sha256 !== undefined && state.sha256 === file.sha256;
}

function fromBase64(value: unknown, length: number): Uint8Array | null {
  if (typeof value !== 'string') return null;
  const bytes = new Uint8Array(Buffer.from(value, 'base64'));
  return bytes.length === length ? bytes : null;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The state stored at `path`, or null when there is none or it is not one we wrote whole. */
export async function readPartState(path: string): Promise<PartState | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    // Missing, or cut short by a crash before its rename reached the disk: start again.
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as Record<string, unknown>;
  const { fileId, size, chunkSize, sha256 } = record;
  if (record.format !== FORMAT || record.version !== VERSION || typeof fileId !== 'string') return null;
  if (!isCount(size) || !isCount(chunkSize) || chunkSize === 0) return null;
  if (sha256 !== undefined && (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))) return null;
  const chunks = chunkCount(size, chunkSize);
  const have = fromBase64(record.have, Math.ceil(chunks / 8));
  const chunkHashes = fromBase64(record.chunkHashes, chunks * DIGEST_BYTES);
  if (!have || !chunkHashes) return null;
  return { fileId, size, chunkSize, ...(sha256 === undefined ? {} : { sha256 }), have, chunkHashes };
}

/**
 * Writes the state atomically: a temporary file renamed over the old one, so a crash leaves the
 * old state or the new, never half of one. Not fsynced: whatever a crash loses, the resume's
 * re-check of every claimed chunk catches (at worst those chunks are fetched again).
 */
export async function writePartState(path: string, state: PartState): Promise<void> {
  const text = JSON.stringify({
    format: FORMAT,
    version: VERSION,
    fileId: state.fileId,
    size: state.size,
    chunkSize: state.chunkSize,
    sha256: state.sha256,
    have: Buffer.from(state.have).toString('base64'),
    chunkHashes: Buffer.from(state.chunkHashes).toString('base64'),
  });
  const temporary = `${path}.tmp`;
  // Never through a link someone left in the output folder.
  const handle = await open(temporary, NO_FOLLOW_WRITE, 0o644);
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}
