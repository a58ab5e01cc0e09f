import type { IceServer } from '@ferry/common';
import type { Clock, CreateHasher, Link, RelayGetResult, RelayPutResult, Sha256 } from '../../../common/src/transfer/index';
import type { FileSaver } from './file-saver';
import type { KvStore } from './transfer-storage';

/** The daemon's HTTP relay, authenticated with this peer's privateId. */
export interface RelayClient {
  put(privateId: string, transferId: string, index: number, bytes: Uint8Array, sha256Hex: string): Promise<RelayPutResult>;
  get(privateId: string, transferId: string, index: number): Promise<RelayGetResult>;
}

export interface LinkOptions {
  initiator: boolean;
  sendSignal: (data: unknown) => void;
  /** From the register ACK (the daemon's --ice-servers). */
  iceServers: readonly IceServer[];
}

/**
 * What transfers need from the world. main.tsx builds the real one (simple-peer, fetch,
 * IndexedDB, hash-wasm, download links); tests pass fakes.
 */
export interface TransferPlatform {
  /** The engine's clock (now, setTimeout, clearTimeout). */
  clock: Clock;
  createHasher: CreateHasher;
  sha256: Sha256;
  createLink(options: LinkOptions): Link;
  relay: RelayClient;
  /** Chunks, as Blobs under [transferId, index]. */
  chunkKv: KvStore;
  /** One record per download. */
  recordKv: KvStore;
  saver: FileSaver;
}
