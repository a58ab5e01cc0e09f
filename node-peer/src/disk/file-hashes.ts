import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { chunkCount, chunkLength } from '@ferry/common';

const DIGEST_BYTES = 32;

export interface FileHashes {
  /** The whole file's SHA-256, lowercase hex (FileOffer.sha256). */
  sha256: string;
  /** Each chunk's SHA-256, 32 bytes each, chunk i at i * 32. */
  chunkHashes: Uint8Array;
}

/** The file is not the one that was listed: it changed (size, time or bytes) or went away. */
export class FileChangedError extends Error {
  override readonly name = 'FileChangedError';
}

/** Chunk `index`'s SHA-256 out of a FileHashes.chunkHashes table. */
export function chunkHashAt(chunkHashes: Uint8Array, index: number): Uint8Array {
  return chunkHashes.subarray(index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES);
}

/** Fills `buffer[0, length)` from `position`, or throws FileChangedError at an early end of file. */
export async function readExactly(handle: FileHandle, buffer: Uint8Array, length: number, position: number) {
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw new FileChangedError('the file is shorter than when it was listed');
    filled += bytesRead;
  }
  return buffer.subarray(0, length);
}

export interface HashOptions {
  size: number;
  mtimeMs: number;
  chunkSize: number;
  /** Called after each chunk with its length. */
  onBytes?(bytes: number): void;
  signal?: AbortSignal;
}

/**
 * The whole file's SHA-256 and every chunk's, in one streaming pass: two chunk buffers (the next
 * chunk is read while this one is hashed), never the whole file, so memory is flat for any size.
 * Throws FileChangedError if the file is not `size` bytes with mtime `mtimeMs` from start to end.
 */
export async function hashFile(absPath: string, options: HashOptions): Promise<FileHashes> {
  const { size, chunkSize } = options;
  const chunks = chunkCount(size, chunkSize);
  const whole = createHash('sha256');
  const chunkHashes = new Uint8Array(chunks * DIGEST_BYTES);
  const handle = await open(absPath, 'r');
  try {
    const before = await handle.stat();
    if (before.size !== size || before.mtimeMs !== options.mtimeMs)
      throw new FileChangedError('the file changed since it was listed');
    const buffers = [new Uint8Array(Math.min(size, chunkSize)), new Uint8Array(Math.min(size, chunkSize))];
    const readAt = (index: number) =>
      readExactly(
        handle,
        buffers[index % 2] ?? new Uint8Array(0),
        chunkLength(size, chunkSize, index),
        index * chunkSize,
      );
    let next = chunks > 0 ? readAt(0) : null;
    for (let index = 0; next !== null; index++) {
      const bytes = await next;
      options.signal?.throwIfAborted();
      next = index + 1 < chunks ? readAt(index + 1) : null;
      // A read left running when hashing throws must not become an unhandled rejection.
      next?.catch(() => undefined);
      whole.update(bytes);
      chunkHashes.set(createHash('sha256').update(bytes).digest(), index * DIGEST_BYTES);
      options.onBytes?.(bytes.length);
    }
    const after = await handle.stat();
    const grown = (await handle.read(new Uint8Array(1), 0, 1, size)).bytesRead > 0;
    if (grown || after.size !== size || after.mtimeMs !== options.mtimeMs)
      throw new FileChangedError('the file changed while it was being read');
  } finally {
    await handle.close();
  }
  return { sha256: whole.digest('hex'), chunkHashes };
}
