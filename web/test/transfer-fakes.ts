import { createHash } from 'node:crypto';
import type { CreateHasher, Link, Sha256 } from '@ferry/common/transfer';
import type { FileSaver, SaveTarget } from '../src/transfers/file-saver';
import type { RelayGetOutcome, RelayPutOutcome, TransferPlatform } from '../src/transfers/transfer-platform';
import type { KvStore } from '../src/transfers/transfer-storage';

// Fakes of what transfers touch in a browser: IndexedDB stores, hashing, the relay, saving.

/** An IndexedDB store as a map (keys compared by their JSON, as arrays are keys too). */
export class MemoryKv implements KvStore {
  readonly data = new Map<string, { key: IDBValidKey; value: unknown }>();
  failWrites: Error | null = null;

  get(key: IDBValidKey): Promise<unknown> {
    return Promise.resolve(this.data.get(JSON.stringify(key))?.value);
  }
  set(key: IDBValidKey, value: unknown): Promise<void> {
    if (this.failWrites) return Promise.reject(this.failWrites);
    this.data.set(JSON.stringify(key), { key, value });
    return Promise.resolve();
  }
  delMany(keys: IDBValidKey[]): Promise<void> {
    for (const key of keys) this.data.delete(JSON.stringify(key));
    return Promise.resolve();
  }
  keys(): Promise<IDBValidKey[]> {
    return Promise.resolve([...this.data.values()].map((entry) => entry.key));
  }
}

export const nodeHasher: CreateHasher = () => {
  const hash = createHash('sha256');
  return Promise.resolve({ update: (bytes) => void hash.update(bytes), digestHex: () => hash.digest('hex') });
};

export const nodeSha256: Sha256 = (bytes) =>
  Promise.resolve(new Uint8Array(createHash('sha256').update(bytes).digest()));

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What a fake saver was asked to save, read back as bytes. */
export interface SavedFile {
  name: string;
  bytes: Uint8Array;
  via: 'link' | 'picker';
}

export class FakeSaver implements FileSaver {
  readonly saved: SavedFile[] = [];
  /** When set, chooseTarget hands out a picker target (as a browser with the API would). */
  hasPicker = false;

  chooseTarget(suggestedName: string): Promise<SaveTarget | null> {
    if (!this.hasPicker) return Promise.resolve(null);
    const target: SaveTarget = {
      writeParts: async (parts) => {
        this.saved.push({
          name: suggestedName,
          bytes: new Uint8Array(await new Blob([...parts]).arrayBuffer()),
          via: 'picker',
        });
      },
      writeStream: async (stream) => {
        this.saved.push({
          name: suggestedName,
          bytes: new Uint8Array(await new Response(stream).arrayBuffer()),
          via: 'picker',
        });
      },
    };
    return Promise.resolve(target);
  }

  async saveParts(name: string, parts: readonly Blob[]): Promise<void> {
    this.saved.push({ name, bytes: new Uint8Array(await new Blob([...parts]).arrayBuffer()), via: 'link' });
  }

  async saveStream(name: string, stream: ReadableStream<Uint8Array>): Promise<void> {
    this.saved.push({ name, bytes: new Uint8Array(await new Response(stream).arrayBuffer()), via: 'link' });
  }
}

/**
 * The daemon's relay as a map of chunks the test puts there. `busyPuts` / `busyGets`: that many
 * requests from now on are refused for now (as a full relay or a byte-rate limit would).
 */
export class FakeRelay {
  readonly chunks = new Map<string, Uint8Array>();
  readonly puts: Array<{ transferId: string; index: number; bytes: Uint8Array }> = [];
  /** Every PUT tried, refused ones too. */
  putTries = 0;
  getTries = 0;
  busyPuts = 0;
  busyGets = 0;

  put(_privateId: string, transferId: string, index: number, bytes: Uint8Array): Promise<RelayPutOutcome> {
    this.putTries++;
    if (this.busyPuts > 0) {
      this.busyPuts--;
      return Promise.resolve('busy');
    }
    this.puts.push({ transferId, index, bytes });
    return Promise.resolve('ok');
  }

  get(_privateId: string, transferId: string, index: number): Promise<RelayGetOutcome> {
    this.getTries++;
    if (this.busyGets > 0) {
      this.busyGets--;
      return Promise.resolve('busy');
    }
    const bytes = this.chunks.get(`${transferId}/${index}`);
    return Promise.resolve(bytes ? { bytes, sha256: sha256Hex(bytes) } : 'missing');
  }
}

/** A peer connection that never opens (tests use the relay). */
function idleLink(): Link {
  let state: 'connecting' | 'closed' = 'connecting';
  const closers = new Set<() => void>();
  return {
    channel: {
      get state() {
        return state;
      },
      maxMessageBytes: 64 * 1024,
      bufferedAmount: 0,
      bufferedAmountLowThreshold: 0,
      send: () => undefined,
      onOpen: () => () => undefined,
      onMessage: () => () => undefined,
      onBufferedAmountLow: () => () => undefined,
      onClose: (listener) => {
        closers.add(listener);
        return () => closers.delete(listener);
      },
      close: () => undefined,
    },
    signal: () => undefined,
    destroy: () => {
      if (state === 'closed') return;
      state = 'closed';
      for (const close of closers) close();
    },
  };
}

export interface FakeTransferPlatform extends TransferPlatform {
  relay: FakeRelay;
  chunkKv: MemoryKv;
  recordKv: MemoryKv;
  saver: FakeSaver;
}

export function fakeTransferPlatform(): FakeTransferPlatform {
  return {
    createHasher: nodeHasher,
    sha256: nodeSha256,
    createLink: () => idleLink(),
    relay: new FakeRelay(),
    chunkKv: new MemoryKv(),
    recordKv: new MemoryKv(),
    saver: new FakeSaver(),
  };
}
