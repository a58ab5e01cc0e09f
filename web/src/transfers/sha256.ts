import type { CreateHasher, Sha256 } from '@ferry/common/transfer';

/*
 * SHA-256 in WebAssembly (hash-wasm), for each chunk and for the whole file. The whole-file hash
 * is incremental, which WebCrypto cannot do, and `crypto.subtle` is missing on plain-http LAN
 * pages anyway. For the one-shot chunk digests WebCrypto was tried and measured slower in this
 * Chromium (1 MiB: 9.4 ms through crypto.subtle.digest, 4.3 ms one-shot and 2.9 ms incremental in
 * hash-wasm), so WebAssembly serves both. hash-wasm loads as its own chunk on the first hash: a
 * page that only waits in the lobby never fetches it.
 */

type HashWasm = typeof import('./sha256-wasm');
let hashWasm: Promise<HashWasm> | null = null;
const loadHashWasm = (): Promise<HashWasm> => (hashWasm ??= import('./sha256-wasm'));

export const createWasmHasher: CreateHasher = async () => {
  const hasher = await (await loadHashWasm()).createSHA256();
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
export const wasmSha256: Sha256 = async (bytes) => fromHex(await (await loadHashWasm()).sha256(bytes));
