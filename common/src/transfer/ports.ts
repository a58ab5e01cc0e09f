/**
 * What the transfer engine needs from the world, injected so it runs alike in browsers, Node and
 * tests (time is clock.ts).
 */

/** SHA-256 of one buffer (a chunk), as 32 bytes. */
export type Sha256 = (bytes: Uint8Array) => Promise<Uint8Array>;

/** Incremental SHA-256 for a whole file, fed chunk by chunk. */
export interface Hasher {
  update(bytes: Uint8Array): void;
  digestHex(): string;
}
export type CreateHasher = () => Promise<Hasher>;

export type Route = 'p2p' | 'relay';
