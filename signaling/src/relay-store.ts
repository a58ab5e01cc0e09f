/**
 * The relay's chunks, held in memory only briefly: deleted when fetched, when their transfer ends,
 * or when older than the TTL. Bytes are reserved before an upload is read, so the quotas bound
 * memory even while many uploads are in flight. Each chunk counts against its owner (who sent it)
 * and its asker (who has not fetched it yet): an asker that asks a lot and never fetches fills its
 * own share, not the relay.
 */
export interface StoredChunk {
  readonly data: Buffer;
  /** The owner's SHA-256 of the chunk (hex), passed on to the asker so it can check the bytes. */
  readonly sha256: string | undefined;
  readonly owner: string;
  readonly asker: string;
  readonly storedAtMs: number;
}

export type ReserveResult = 'ok' | 'total-quota' | 'peer-quota' | 'asker-quota';

/** Who a chunk's bytes are counted against. */
export interface ChunkParties {
  readonly owner: string;
  readonly asker: string;
}

export class RelayStore {
  private readonly chunks = new Map<string, StoredChunk>();
  private totalBytes = 0;
  private readonly bytesByOwner = new Map<string, number>();
  private readonly bytesByAsker = new Map<string, number>();

  constructor(
    private readonly quotaBytes: number,
    private readonly peerQuotaBytes: number,
    private readonly askerQuotaBytes: number,
  ) {}

  get bytes(): number {
    return this.totalBytes;
  }

  get count(): number {
    return this.chunks.size;
  }

  /**
   * Whether the asker's share has room for `size` more bytes. An asker holding nothing always has:
   * one chunk (at most 16 MiB) in flight is how an honest download moves, whatever the share.
   */
  private askerHasRoom(asker: string, size: number): boolean {
    const held = this.bytesByAsker.get(asker) ?? 0;
    return held === 0 || held + size <= this.askerQuotaBytes;
  }

  /**
   * Claims room for an upload of `size` bytes; release it if the upload fails. The asker's share
   * is checked first, so a hoarding asker's refusals never read as the owner's own quota.
   */
  reserve(parties: ChunkParties, size: number): ReserveResult {
    if (!this.askerHasRoom(parties.asker, size)) return 'asker-quota';
    if (this.totalBytes + size > this.quotaBytes) return 'total-quota';
    if ((this.bytesByOwner.get(parties.owner) ?? 0) + size > this.peerQuotaBytes) return 'peer-quota';
    this.account(parties, size);
    return 'ok';
  }

  release(parties: ChunkParties, size: number): void {
    this.account(parties, -size);
  }

  /** Stores a chunk whose bytes were reserved; replaces an earlier copy of the same chunk. */
  put(
    transferId: string,
    index: number,
    parties: ChunkParties,
    data: Buffer,
    sha256: string | undefined,
    nowMs: number,
  ): void {
    this.delete(transferId, index);
    this.chunks.set(key(transferId, index), {
      data,
      sha256,
      owner: parties.owner,
      asker: parties.asker,
      storedAtMs: nowMs,
    });
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
    this.bytesByAsker.clear();
    this.totalBytes = 0;
  }

  private delete(transferId: string, index: number): void {
    this.deleteKey(key(transferId, index));
  }

  private deleteKey(k: string): void {
    const chunk = this.chunks.get(k);
    if (!chunk) return;
    this.chunks.delete(k);
    this.account(chunk, -chunk.data.length);
  }

  private account(parties: ChunkParties, delta: number): void {
    this.totalBytes += delta;
    addTo(this.bytesByOwner, parties.owner, delta);
    addTo(this.bytesByAsker, parties.asker, delta);
  }
}

function addTo(counts: Map<string, number>, id: string, delta: number): void {
  const next = (counts.get(id) ?? 0) + delta;
  if (next <= 0) counts.delete(id);
  else counts.set(id, next);
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
