import type { CreateHasher } from '@ferry/common/transfer';

/** A readable slice of a file: what a browser File or Blob gives. */
export interface SliceableBlob {
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** Bytes read and hashed at a time: memory stays at one slice whatever the file size. */
export const HASH_SLICE_BYTES = 4 * 1024 * 1024;

/**
 * The SHA-256 of a whole file, read slice by slice into an incremental hasher. `onProgress`
 * gets the bytes hashed so far after each slice; `isCancelled` stops early (returns null).
 */
export async function hashBlob(
  blob: SliceableBlob,
  createHasher: CreateHasher,
  onProgress: (bytesDone: number) => void = () => undefined,
  isCancelled: () => boolean = () => false,
  sliceBytes = HASH_SLICE_BYTES,
): Promise<string | null> {
  const hasher = await createHasher();
  for (let start = 0; start < blob.size; start += sliceBytes) {
    if (isCancelled()) return null;
    const end = Math.min(blob.size, start + sliceBytes);
    hasher.update(new Uint8Array(await blob.slice(start, end).arrayBuffer()));
    onProgress(end);
  }
  return isCancelled() ? null : hasher.digestHex();
}
