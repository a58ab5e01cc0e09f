/**
 * The relay's chunks, held in memory only briefly: deleted when fetched, when their transfer ends,
 * or when older than the TTL. Bytes are reserved before an upload is read, so the quotas bound
 * memory even while many uploads are in flight.
 */
export interface StoredChunk {
  readonly data: Buffer;
  /** The owner's SHA-256 of the chunk (hex), passed on to the asker so it can check the bytes. */
  readonly sha256: string | undefined;
  readonly owner: string;
  readonly storedAtMs: number;
}

export type ReserveResult = 'ok' | 'total-quota' | 'peer-quota';

export class RelayStore {
  private readonly chunks = new Map<string, StoredChunk>();
  private totalBytes = 0;
  private readonly bytesByOwner = new Map<string, number>();

  constructor(
    private readonly quotaBytes: number,
    private readonly peerQuotaBytes: number,
  ) {}

  get bytes(): number {
    return this.totalBytes;
  }

  get count(): number {
    return this.chunks.size;
  }

  /** Claims room for an upload of `size` bytes; release it if the upload fails. */
  reserve(owner: string, size: number): ReserveResult {
    const ownerBytes = this.bytesByOwner.get(owner) ?? 0;
    if (this.totalBytes + size > this.quotaBytes) return 'total-quota';
    if (ownerBytes + size > this.peerQuotaBytes) return 'peer-quota';
    this.account(owner, size);
    return 'ok';
  }

  release(owner: string, size: number): void {
    this.account(owner, -size);
  }

  /** Stores a chunk whose bytes were reserved; replaces an earlier copy of the same chunk. */
  put(transferId: string, index: number, owner: string, data: Buffer, sha256: string | undefined, nowMs: number): void {
    this.delete(transferId, index);
    this.chunks.set(key(transferId, index), { data, sha256, owner, storedAtMs: nowMs });
  }

  /** Removes and returns a chunk: a relay chunk is fetched once. */
  take(transferId: string, index: number): StoredChunk | undefined {
    const chunk = this.chunks.get(key(transferId, index));
    if (!chunk) return undefined;
    this.delete(transferId, index);
    return chunk;
  }

  has(transferId: string, index: number): boolean {
    return this.chunks.has(key(transferId, index));
  }

  deleteTransfer(transferId: string): void {
    const prefix = `${transferId}/`;
    for (const k of [...this.chunks.keys()]) {
      if (k.startsWith(prefix)) this.deleteKey(k);
    }
  }

  /** Deletes chunks older than the TTL; returns how many went. */
  sweep(nowMs: number, ttlMs: number): number {
    let removed = 0;
    for (const [k, chunk] of [...this.chunks]) {
      if (nowMs - chunk.storedAtMs >= ttlMs) {
        this.deleteKey(k);
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.chunks.clear();
    this.bytesByOwner.clear();
    this.totalBytes = 0;
  }

  private delete(transferId: string, index: number): void {
    this.deleteKey(key(transferId, index));
  }

  private deleteKey(k: string): void {
    const chunk = this.chunks.get(k);
    if (!chunk) return;
    this.chunks.delete(k);
    this.account(chunk.owner, -chunk.data.length);
  }

  private account(owner: string, delta: number): void {
    this.totalBytes += delta;
    const next = (this.bytesByOwner.get(owner) ?? 0) + delta;
    if (next <= 0) this.bytesByOwner.delete(owner);
    else this.bytesByOwner.set(owner, next);
  }
}

function key(transferId: string, index: number): string {
  return `${transferId}/${index}`;
}

/**
 * The test hook behind `relayFaults`: flips the first byte of chosen chunks as they are stored,
 * so tests can prove that the asker's SHA-256 check catches a relay that alters bytes. Only a
 * test passing the daemon option reaches it; the CLI and the wire cannot.
 */
export class RelayCorrupter {
  private readonly storedCount = new Map<string, number>();

  constructor(private readonly plan: ReadonlyArray<{ index: number; times: number }>) {}

  /** Corrupts `data` in place if this store of (transferId, index) is one the plan names. */
  apply(transferId: string, index: number, data: Buffer): boolean {
    const entry = this.plan.find((p) => p.index === index);
    if (!entry || data.length === 0) return false;
    const k = key(transferId, index);
    const count = this.storedCount.get(k) ?? 0;
    this.storedCount.set(k, count + 1);
    if (count >= entry.times) return false;
    data[0] = (data[0] ?? 0) ^ 0xff;
    return true;
  }
}
