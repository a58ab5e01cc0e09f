import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '@ferry/common/transfer';
import { createWasmHasher, wasmSha256 } from '../src/transfers/sha256';

const reference = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('the browser engine SHA-256 (hash-wasm)', () => {
  it.each([0, 1, 63, 64, 65, 1000, 256 * 1024, 1024 * 1024 + 7])(
    'a chunk digest agrees with node:crypto on %i bytes',
    async (size) => {
      const bytes = new Uint8Array(randomBytes(size));
      expect(toHex(await wasmSha256(bytes))).toBe(reference(bytes));
    },
  );

  it('digests only the bytes a view shows, not its whole buffer', async () => {
    const view = new Uint8Array(randomBytes(4096)).subarray(100, 3000);
    expect(toHex(await wasmSha256(view))).toBe(reference(view));
  });

  it('the incremental hasher equals a one-shot digest, whatever the pieces', async () => {
    const bytes = new Uint8Array(randomBytes(300_000));
    const hasher = await createWasmHasher();
    for (let at = 0; at < bytes.length; at += 70_001) hasher.update(bytes.subarray(at, at + 70_001));
    expect(hasher.digestHex()).toBe(reference(bytes));
  });
});
