import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DataFrameWriter,
  decodeFrame,
  encodeChunkData,
  encodeChunkHeader,
  encodeChunkRequest,
  encodeChunkUnavailable,
  encodeRequestRefused,
  fromHex,
  toHex,
} from '../../src/transfer/framing';

const sha = new Uint8Array(32).map((_, i) => i);

describe('data-channel framing', () => {
  it('round-trips a chunk header', () => {
    const decoded = decodeFrame(encodeChunkHeader('t-1', 2 ** 40 + 5, 1024, sha));
    expect(decoded).toEqual({
      ok: true,
      frame: { kind: 'chunk-header', transferId: 't-1', index: 2 ** 40 + 5, length: 1024, sha256: sha },
    });
  });

  it('round-trips chunk data', () => {
    const payload = new Uint8Array([1, 2, 3]);
    const decoded = decodeFrame(encodeChunkData('abc', 7, 65536, payload));
    expect(decoded.ok && decoded.frame).toEqual({
      kind: 'chunk-data',
      transferId: 'abc',
      index: 7,
      offset: 65536,
      payload,
    });
  });

  it('round-trips an unavailable notice', () => {
    const decoded = decodeFrame(encodeChunkUnavailable('abc', 0, 'needs-repick'));
    expect(decoded.ok && decoded.frame).toEqual({
      kind: 'chunk-unavailable',
      transferId: 'abc',
      index: 0,
      reason: 'needs-repick',
    });
  });

  it.each([
    ['empty', new Uint8Array(0), 'FRAME_TOO_SHORT'],
    ['unknown kind', new Uint8Array([9, 1, 65, 0, 0, 0, 0, 0, 0, 0, 0]), 'UNKNOWN_FRAME_KIND'],
    ['zero-length id', new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'BAD_FRAME_HEAD'],
    ['id longer than the frame', new Uint8Array([2, 60, 65, 65]), 'BAD_FRAME_HEAD'],
    ['id with a slash', new Uint8Array([2, 1, 47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'BAD_TRANSFER_ID'],
    ['header with a short hash', encodeChunkHeader('a', 0, 1, sha).subarray(0, 40), 'BAD_HEADER_LENGTH'],
    [
      'chunk length over the largest chunk',
      (() => {
        const f = encodeChunkHeader('a', 0, 1, sha);
        new DataView(f.buffer).setUint32(11, 0xffffffff);
        return f;
      })(),
      'CHUNK_TOO_LARGE',
    ],
    [
      'index past 2^53',
      (() => {
        const f = encodeChunkData('a', 0, 0, new Uint8Array(1));
        new DataView(f.buffer).setUint32(3, 0xffffffff);
        return f;
      })(),
      'BAD_CHUNK_INDEX',
    ],
    ['data offset past the largest chunk', encodeChunkData('a', 0, 0xfffffff0, new Uint8Array(32)), 'DATA_PAST_CHUNK'],
  ] as const)('rejects %s', (_name, bytes, code) => {
    expect(decodeFrame(bytes)).toEqual({ ok: false, code });
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = decodeFrame(bytes);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses to encode a bad transferId or index', () => {
    expect(() => encodeChunkData('../x', 0, 0, new Uint8Array())).toThrow(RangeError);
    expect(() => encodeChunkData('a', -1, 0, new Uint8Array())).toThrow(RangeError);
  });

  it('a reused DataFrameWriter encodes every frame exactly as encodeChunkData does', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
    const frameArgs = fc.tuple(
      id,
      fc.integer({ min: 0, max: 2 ** 40 }),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fc.uint8Array({ maxLength: 300 }),
    );
    fc.assert(
      fc.property(fc.array(frameArgs, { minLength: 1, maxLength: 12 }), (frames) => {
        const writer = new DataFrameWriter();
        for (const [transferId, index, offset, payload] of frames) {
          expect(writer.frame(transferId, index, offset, payload)).toEqual(
            encodeChunkData(transferId, index, offset, payload),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a DataFrameWriter rewrites the head when the chunk changes, reusing its buffer', () => {
    const writer = new DataFrameWriter();
    const first = writer.frame('t-1', 4, 0, new Uint8Array(64).fill(1));
    const second = writer.frame('t-1', 5, 64, new Uint8Array(32).fill(2));
    expect(second.buffer).toBe(first.buffer);
    expect(decodeFrame(second)).toEqual({
      ok: true,
      frame: { kind: 'chunk-data', transferId: 't-1', index: 5, offset: 64, payload: new Uint8Array(32).fill(2) },
    });
    expect(() => writer.frame('../x', 0, 0, new Uint8Array(1))).toThrow(RangeError);
  });

  it('hex helpers round-trip and reject junk', () => {
    expect(toHex(fromHex('00ff10'))).toBe('00ff10');
    expect(() => fromHex('zz')).toThrow(RangeError);
  });
});

describe('channel requests (issue 12, bug 7)', () => {
  it('round-trips a chunk request and a refusal', () => {
    expect(decodeFrame(encodeChunkRequest('t-1', 2 ** 33 + 1, 8))).toEqual({
      ok: true,
      frame: { kind: 'chunk-request', transferId: 't-1', index: 2 ** 33 + 1, count: 8 },
    });
    expect(decodeFrame(encodeRequestRefused('t-1', 12, 4, 'daemon-away'))).toEqual({
      ok: true,
      frame: { kind: 'request-refused', transferId: 't-1', index: 12, count: 4, reason: 'daemon-away' },
    });
    expect(decodeFrame(encodeRequestRefused('t-1', 0, 1, 'unknown-transfer'))).toMatchObject({
      ok: true,
      frame: { reason: 'unknown-transfer' },
    });
  });

  it.each([
    ['a request for no chunk', [4, 1, 65, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'BAD_REQUEST_FRAME'],
    ['a request with a short body', [4, 1, 65, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 'BAD_REQUEST_FRAME'],
    [
      'a request past the largest safe index',
      [4, 1, 65, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2],
      'BAD_REQUEST_FRAME',
    ],
    ['a refusal with an unknown reason', [5, 1, 65, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9], 'BAD_REFUSAL_FRAME'],
    ['a refusal of no chunk', [5, 1, 65, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 'BAD_REFUSAL_FRAME'],
  ])('refuses %s', (_name, bytes, code) => {
    expect(decodeFrame(new Uint8Array(bytes))).toEqual({ ok: false, code });
  });

  it('will not encode a request for no chunk', () => {
    expect(() => encodeChunkRequest('t', 0, 0)).toThrow(RangeError);
  });
});
