import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../common/src/transfer/framing';
import { chunkSha256, createWasmHasher, wasmSha256 } from '../src/transfers/sha256';

const reference = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('chunk SHA-256 (WebCrypto on secure pages, WebAssembly elsewhere)', () => {
  const subtle = globalThis.crypto.subtle;
  const sizes = [0, 1, 63, 64, 65, 1000, 256 * 1024, 1024 * 1024 + 7];

  it.each(sizes)('both agree with node:crypto on %i bytes', async (size) => {
    const bytes = new Uint8Array(randomBytes(size));
    expect(toHex(await chunkSha256(subtle)(bytes))).toBe(reference(bytes));
    expect(toHex(await chunkSha256(undefined)(bytes))).toBe(reference(bytes));
  });

  it('digests only the bytes a view shows, not its whole buffer', async () => {
    const buffer = new Uint8Array(randomBytes(4096));
    const view = buffer.subarray(100, 3000);
    expect(toHex(await chunkSha256(subtle)(view))).toBe(reference(view));
    expect(toHex(await chunkSha256(undefined)(view))).toBe(reference(view));
  });

  it('without crypto.subtle (a plain-http page) it is the WebAssembly digest', () => {
    expect(chunkSha256(undefined)).toBe(wasmSha256);
  });

  it('the incremental WebAssembly hasher equals a one-shot digest, whatever the pieces', async () => {
    const bytes = new Uint8Array(randomBytes(300_000));
    const hasher = await createWasmHasher();
    for (let at = 0; at < bytes.length; at += 70_001) hasher.update(bytes.subarray(at, at + 70_001));
    expect(hasher.digestHex()).toBe(reference(bytes));
  });
});
