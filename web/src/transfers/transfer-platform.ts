import type { IceServer } from '@ferry/common';
import type { CreateHasher, Link, RelayGetResult, RelayPutResult, Sha256 } from '@ferry/common/transfer';
import type { FileSaver } from './file-saver';
import type { KvStore } from './transfer-storage';

/**
 * 'busy': the relay refused the request for now and it is worth trying again later (507 when it
 * is full, 429 when this peer is over its byte rate). The engine knows only 'retry' and 'missing';
 * SessionTransfers turns 'busy' into those and shows why things wait.
 */
export type RelayPutOutcome = RelayPutResult | 'busy';
export type RelayGetOutcome = RelayGetResult | 'busy';

/** The daemon's HTTP relay, authenticated with this peer's privateId. */
export interface RelayClient {
  put(
    privateId: string,
    transferId: string,
    index: number,
    bytes: Uint8Array,
    sha256Hex: string,
  ): Promise<RelayPutOutcome>;
  get(privateId: string, transferId: string, index: number): Promise<RelayGetOutcome>;
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
