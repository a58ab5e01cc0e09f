import type { Hash } from 'node:crypto';
import { createHash } from 'node:crypto';
import { TransferError, type DownloadStore } from '@ferry/common/transfer';

/**
 * A Node peer's download store: verified chunks kept in memory, and the whole file's SHA-256 fed
 * as chunks arrive in order. Hashing at the end instead made every download wait, after its last
 * chunk, for one pass over the whole file (about 0.3 s per 256 MiB here); fed in order, that pass
 * overlaps the transfer and only chunks that came out of order are left for `digestHex`.
 */
export class MemoryDownloadStore implements DownloadStore {
  private readonly chunks = new Map<number, Uint8Array>();
  private hash: Hash = createHash('sha256');
  /** Chunks 0..hashedChunks-1 have been fed to `hash`. */
  private hashedChunks = 0;
  private digest: string | null = null;

  constructor(private readonly totalChunks: number) {}

  putChunk(index: number, bytes: Uint8Array): Promise<void> {
    this.chunks.set(index, bytes);
    this.feedInOrder();
    return Promise.resolve();
  }

  saveProgress(): Promise<void> {
    return Promise.resolve();
  }

  clear(): Promise<void> {
    this.chunks.clear();
    this.hash = createHash('sha256');
    this.hashedChunks = 0;
    this.digest = null;
    return Promise.resolve();
  }

  /** Every chunk in order, or the index of the first one missing. */
  ordered(): Uint8Array[] | number {
    const out: Uint8Array[] = [];
    for (let i = 0; i < this.totalChunks; i++) {
      const chunk = this.chunks.get(i);
      if (!chunk) return i;
      out.push(chunk);
    }
    return out;
  }

  /** Every chunk in order, checked against the file's SHA-256; throws the TransferError that says what is wrong. */
  verified(sha256: string | undefined): Uint8Array[] {
    const ordered = this.ordered();
    if (typeof ordered === 'number') throw new TransferError('CHUNK_MISSING', { chunkIndex: ordered });
    if (sha256 !== undefined && this.digestHex() !== sha256) throw new TransferError('HASH_MISMATCH');
    return ordered;
  }

  /** The whole file's SHA-256 (hex), or null while a chunk is missing. Idempotent. */
  digestHex(): string | null {
    if (this.digest !== null) return this.digest;
    this.feedInOrder();
    if (this.hashedChunks < this.totalChunks) return null;
    this.digest = this.hash.digest('hex');
    return this.digest;
  }

  private feedInOrder(): void {
    if (this.digest !== null) return;
    for (let chunk = this.chunks.get(this.hashedChunks); chunk; chunk = this.chunks.get(this.hashedChunks)) {
      this.hash.update(chunk);
      this.hashedChunks++;
    }
  }
}
