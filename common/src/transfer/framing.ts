import { MAX_CHUNK_BYTES } from '../protocol/limits';

/*
 * Data-channel frames. Every transfer between two peers shares one channel, so each frame names
 * its transfer and chunk. Layout (big-endian):
 *   u8 kind | u8 idLength | transferId (ASCII) | u32 indexHigh | u32 indexLow | body
 *   kind 1 CHUNK_HEADER: u32 chunkLength | 32-byte SHA-256 of the chunk
 *   kind 2 CHUNK_DATA:   u32 offset in the chunk | payload
 *   kind 3 CHUNK_UNAVAILABLE: u8 reason (1 = the owner must pick the file again, 2 = gone)
 * Frames are validated on receipt like every other input; a bad frame is dropped, never trusted.
 */

export const FRAME_KIND = { chunkHeader: 1, chunkData: 2, chunkUnavailable: 3 } as const;
export const UNAVAILABLE_REASON = { needsRepick: 1, gone: 2 } as const;
export type UnavailableReason = 'needs-repick' | 'gone';

export type Frame =
  | { kind: 'chunk-header'; transferId: string; index: number; length: number; sha256: Uint8Array }
  | { kind: 'chunk-data'; transferId: string; index: number; offset: number; payload: Uint8Array }
  | { kind: 'chunk-unavailable'; transferId: string; index: number; reason: UnavailableReason };

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const TWO_32 = 2 ** 32;

function headerLength(transferId: string): number {
  return 2 + transferId.length + 8;
}

/** Bytes a CHUNK_DATA frame adds around its payload, so senders can size payloads to the channel. */
export function dataFrameOverhead(transferId: string): number {
  return headerLength(transferId) + 4;
}

function writeHead(kind: number, transferId: string, index: number, bodyLength: number): { bytes: Uint8Array; view: DataView; at: number } {
  if (!ID.test(transferId)) throw new RangeError('bad transferId');
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError('bad chunk index');
  const bytes = new Uint8Array(headerLength(transferId) + bodyLength);
  const view = new DataView(bytes.buffer);
  bytes[0] = kind;
  bytes[1] = transferId.length;
  for (let i = 0; i < transferId.length; i++) bytes[2 + i] = transferId.charCodeAt(i);
  const at = 2 + transferId.length;
  view.setUint32(at, Math.floor(index / TWO_32));
  view.setUint32(at + 4, index % TWO_32);
  return { bytes, view, at: at + 8 };
}

export function encodeChunkHeader(transferId: string, index: number, length: number, sha256: Uint8Array): Uint8Array {
  if (sha256.length !== 32) throw new RangeError('a SHA-256 is 32 bytes');
  const { bytes, view, at } = writeHead(FRAME_KIND.chunkHeader, transferId, index, 36);
  view.setUint32(at, length);
  bytes.set(sha256, at + 4);
  return bytes;
}

export function encodeChunkData(transferId: string, index: number, offset: number, payload: Uint8Array): Uint8Array {
  const { bytes, view, at } = writeHead(FRAME_KIND.chunkData, transferId, index, 4 + payload.length);
  view.setUint32(at, offset);
  bytes.set(payload, at + 4);
  return bytes;
}

export function encodeChunkUnavailable(transferId: string, index: number, reason: UnavailableReason): Uint8Array {
  const { bytes, at } = writeHead(FRAME_KIND.chunkUnavailable, transferId, index, 1);
  bytes[at] = reason === 'needs-repick' ? UNAVAILABLE_REASON.needsRepick : UNAVAILABLE_REASON.gone;
  return bytes;
}

export type DecodeResult = { ok: true; frame: Frame } | { ok: false; error: string };

export function decodeFrame(bytes: Uint8Array): DecodeResult {
  if (bytes.length < 2) return { ok: false, error: 'frame too short' };
  const kind = bytes[0];
  const idLength = bytes[1] ?? 0;
  if (idLength < 1 || idLength > 64 || bytes.length < 2 + idLength + 8) return { ok: false, error: 'bad frame head' };
  let transferId = '';
  for (let i = 0; i < idLength; i++) transferId += String.fromCharCode(bytes[2 + i] ?? 0);
  if (!ID.test(transferId)) return { ok: false, error: 'bad transferId' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 2 + idLength;
  const index = view.getUint32(at) * TWO_32 + view.getUint32(at + 4);
  if (!Number.isSafeInteger(index)) return { ok: false, error: 'bad chunk index' };
  at += 8;
  const rest = bytes.length - at;
  switch (kind) {
    case FRAME_KIND.chunkHeader: {
      if (rest !== 36) return { ok: false, error: 'bad chunk header length' };
      const length = view.getUint32(at);
      if (length > MAX_CHUNK_BYTES) return { ok: false, error: 'chunk too large' };
      return { ok: true, frame: { kind: 'chunk-header', transferId, index, length, sha256: bytes.slice(at + 4, at + 36) } };
    }
    case FRAME_KIND.chunkData: {
      if (rest < 4) return { ok: false, error: 'bad chunk data frame' };
      const offset = view.getUint32(at);
      const payload = bytes.subarray(at + 4);
      if (offset + payload.length > MAX_CHUNK_BYTES) return { ok: false, error: 'data past the largest chunk' };
      return { ok: true, frame: { kind: 'chunk-data', transferId, index, offset, payload } };
    }
    case FRAME_KIND.chunkUnavailable: {
      const code = bytes[at];
      if (rest !== 1 || (code !== UNAVAILABLE_REASON.needsRepick && code !== UNAVAILABLE_REASON.gone)) {
        return { ok: false, error: 'bad unavailable frame' };
      }
      return {
        ok: true,
        frame: { kind: 'chunk-unavailable', transferId, index, reason: code === UNAVAILABLE_REASON.needsRepick ? 'needs-repick' : 'gone' },
      };
    }
    default:
      return { ok: false, error: `unknown frame kind ${kind ?? '?'}` };
  }
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new RangeError('bad hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
