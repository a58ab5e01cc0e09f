import { createSHA256, sha256 } from 'hash-wasm';
import type { CreateHasher, Sha256 } from '../../../common/src/transfer/index';

/*
 * SHA-256 for the browser engine. The whole-file hash is incremental, which WebCrypto cannot do,
 * so it runs in WebAssembly (hash-wasm): the file is never held in memory to check it. Each
 * chunk's one-shot digest uses WebCrypto where the page has it (secure contexts: https, or the
 * daemon on localhost): native code (SHA-NI where the CPU has it) on a thread of the browser's,
 * off the page's main thread that also moves the chunks. Pages opened over plain http on a LAN
 * address have no `crypto.subtle` and use WebAssembly for both.
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

/** The chunk digest to use: WebCrypto's when `subtle` is given (a secure page), else WebAssembly. */
export function chunkSha256(subtle: SubtleCrypto | undefined): Sha256 {
  if (subtle === undefined) return wasmSha256;
  return async (bytes) => new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}
