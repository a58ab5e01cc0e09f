import { createSHA256, sha256 } from 'hash-wasm';
import type { CreateHasher, Sha256 } from '../../../common/src/transfer/index';

/*
 * SHA-256 in WebAssembly (hash-wasm): crypto.subtle exists only on secure pages, and Ferry is
 * usually opened over plain HTTP on a LAN address. It also hashes incrementally, which WebCrypto
 * cannot, so a whole file is never held in memory to check it.
 */

export const createWasmHasher: CreateHasher = async () => {
  const hasher = await createSHA256();
  hasher.init();
  return {
    update: (bytes) => void hasher.update(bytes),
    digestHex: () => hasher.digest('hex'),
  };
};

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** One chunk's digest; hash-wasm shares one instance behind a lock for these one-shot calls. */
export const wasmSha256: Sha256 = async (bytes) => fromHex(await sha256(bytes));
