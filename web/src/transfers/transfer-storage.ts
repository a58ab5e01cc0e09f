/*
 * Where downloads live until they are saved: each chunk as a Blob under [transferId, index] in one
 * store, and one record per download in another. Both are idb-keyval stores that main.tsx binds;
 * tests pass maps. Blobs keep memory bounded: the browser writes them to disk and hands back
 * references, so a file is never held whole in memory.
 */

/** The idb-keyval functions used here, bound to one store. */
export interface KvStore {
  get(key: IDBValidKey): Promise<unknown>;
  set(key: IDBValidKey, value: unknown): Promise<void>;
  delMany(keys: IDBValidKey[]): Promise<void>;
  keys(): Promise<IDBValidKey[]>;
}

type ChunkKey = [string, number];

function asChunkKey(key: IDBValidKey): ChunkKey | null {
  if (!Array.isArray(key) || key.length !== 2) return null;
  const [transferId, index] = key as unknown[];
  return typeof transferId === 'string' && typeof index === 'number' ? [transferId, index] : null;
}

export class ChunkStorage {
  constructor(private readonly kv: KvStore) {}

  put(transferId: string, index: number, bytes: Uint8Array): Promise<void> {
    return this.kv.set([transferId, index], new Blob([bytes as Uint8Array<ArrayBuffer>]));
  }

  async get(transferId: string, index: number): Promise<Blob | undefined> {
    const value = await this.kv.get([transferId, index]);
    return value instanceof Blob ? value : undefined;
  }

  /** Indices stored for each transfer. */
  async stored(): Promise<Map<string, Set<number>>> {
    const byTransfer = new Map<string, Set<number>>();
    for (const raw of await this.kv.keys()) {
      const key = asChunkKey(raw);
      if (!key) continue;
      const set = byTransfer.get(key[0]) ?? new Set<number>();
      set.add(key[1]);
      byTransfer.set(key[0], set);
    }
    return byTransfer;
  }

  /** Deletes every chunk of the given transfers. */
  async deleteTransfers(transferIds: Iterable<string>): Promise<void> {
    const doomed = new Set(transferIds);
    if (doomed.size === 0) return;
    const keys = (await this.kv.keys()).filter((raw) => {
      const key = asChunkKey(raw);
      return key !== null && doomed.has(key[0]);
    });
    if (keys.length > 0) await this.kv.delMany(keys);
  }

  deleteChunks(transferId: string, indices: Iterable<number>): Promise<void> {
    const keys: IDBValidKey[] = [...indices].map((index) => [transferId, index]);
    return keys.length > 0 ? this.kv.delMany(keys) : Promise.resolve();
  }
}

export class RecordStorage {
  constructor(private readonly kv: KvStore) {}

  /** Every stored record, unvalidated, with its key. */
  async list(): Promise<Array<{ key: IDBValidKey; value: unknown }>> {
    const keys = await this.kv.keys();
    const out: Array<{ key: IDBValidKey; value: unknown }> = [];
    for (const key of keys) out.push({ key, value: await this.kv.get(key) });
    return out;
  }

  put(id: string, record: unknown): Promise<void> {
    return this.kv.set(id, record);
  }

  delete(keys: IDBValidKey[]): Promise<void> {
    return keys.length > 0 ? this.kv.delMany(keys) : Promise.resolve();
  }
}
