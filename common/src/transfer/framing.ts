import { MAX_CHUNK_BYTES } from '../protocol/limits';
import { ID_PATTERN } from './ids';

/*
 * Data-channel frames. Every transfer between two peers shares one channel, so each frame names
 * its transfer and chunk. Layout (big-endian):
 *   u8 kind | u8 idLength | transferId (ASCII) | u32 indexHigh | u32 indexLow | body
 *   kind 1 CHUNK_HEADER: u32 chunkLength | 32-byte SHA-256 of the chunk
 *   kind 2 CHUNK_DATA:   u32 offset in the chunk | payload
 *   kind 3 CHUNK_UNAVAILABLE: u8 reason (1 = the owner must pick the file again, 2 = gone)
 *   kind 4 CHUNK_REQUEST (asker to owner): u32 count of chunks from `index` on
 *   kind 5 REQUEST_REFUSED (owner to asker): u32 count | u8 reason (1 = not a transfer the daemon
 *     gave the owner for you, 2 = the owner has been away from the daemon too long)
 * Frames are validated on receipt like every other input; a bad frame is dropped, never trusted.
 */

export const FRAME_KIND = {
  chunkHeader: 1,
  chunkData: 2,
  chunkUnavailable: 3,
  chunkRequest: 4,
  requestRefused: 5,
} as const;
export const UNAVAILABLE_REASON = { needsRepick: 1, gone: 2 } as const;
export type UnavailableReason = 'needs-repick' | 'gone';
export const REFUSAL_REASON = { unknownTransfer: 1, daemonAway: 2 } as const;
/** Why an owner turned down a request made over the channel: the asker then asks through the daemon. */
export type RefusalReason = 'unknown-transfer' | 'daemon-away';

/** What an owner sends on the channel: the chunks, or why it cannot. */
export type OwnerFrame =
  | { kind: 'chunk-header'; transferId: string; index: number; length: number; sha256: Uint8Array }
  | { kind: 'chunk-data'; transferId: string; index: number; offset: number; payload: Uint8Array }
  | { kind: 'chunk-unavailable'; transferId: string; index: number; reason: UnavailableReason }
  | { kind: 'request-refused'; transferId: string; index: number; count: number; reason: RefusalReason };

/** What an asker sends on the channel: chunks `index` to `index + count - 1` of a transfer the owner knows. */
export type AskerFrame = { kind: 'chunk-request'; transferId: string; index: number; count: number };

export type Frame = OwnerFrame | AskerFrame;

const TWO_32 = 2 ** 32;

function headerLength(transferId: string): number {
  return 2 + transferId.length + 8;
}

/** Bytes a CHUNK_DATA frame adds around its payload, so senders can size payloads to the channel. */
export function dataFrameOverhead(transferId: string): number {
  return headerLength(transferId) + 4;
}

/** Writes kind, id and index at the start of `bytes`; returns where the body starts. */
function writeHeadInto(bytes: Uint8Array, kind: number, transferId: string, index: number): number {
  if (!ID_PATTERN.test(transferId)) throw new RangeError('bad transferId');
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError('bad chunk index');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  bytes[0] = kind;
  bytes[1] = transferId.length;
  for (let i = 0; i < transferId.length; i++) bytes[2 + i] = transferId.charCodeAt(i);
  const at = 2 + transferId.length;
  view.setUint32(at, Math.floor(index / TWO_32));
  view.setUint32(at + 4, index % TWO_32);
  return at + 8;
}

function writeHead(
  kind: number,
  transferId: string,
  index: number,
  bodyLength: number,
): { bytes: Uint8Array; view: DataView; at: number } {
  const bytes = new Uint8Array(headerLength(transferId) + bodyLength);
  const at = writeHeadInto(bytes, kind, transferId, index);
  return { bytes, view: new DataView(bytes.buffer), at };
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

/**
 * Encodes CHUNK_DATA frames into one reused buffer. A frame is a view of that buffer, valid only
 * until the next `frame()` call: PeerChannel.send copies what it is given, so the sender need not
 * allocate a fresh frame per message. Profiled between two Node peers (256 MiB), allocating and
 * filling a fresh 256 KiB frame per message took 0.5 s, 5% of the main thread: fresh pages fault,
 * and on these VMs a fault is dear. Reused, the frames cost 0.03 s.
 */
export class DataFrameWriter {
  private buffer = new Uint8Array(0);
  private headTransferId = '';
  private headIndex = -1;
  private payloadAt = 0;

  frame(transferId: string, index: number, offset: number, payload: Uint8Array): Uint8Array {
    const frameBytes = dataFrameOverhead(transferId) + payload.length;
    if (this.buffer.length < frameBytes) {
      this.buffer = new Uint8Array(frameBytes);
      this.headIndex = -1;
    }
    // The head (kind, id, index) is the same for every frame of a chunk: written once per chunk.
    if (transferId !== this.headTransferId || index !== this.headIndex) {
      this.payloadAt = writeHeadInto(this.buffer, FRAME_KIND.chunkData, transferId, index) + 4;
      this.headTransferId = transferId;
      this.headIndex = index;
    }
    const at = this.payloadAt - 4;
    this.buffer[at] = offset >>> 24;
    this.buffer[at + 1] = (offset >>> 16) & 0xff;
    this.buffer[at + 2] = (offset >>> 8) & 0xff;
    this.buffer[at + 3] = offset & 0xff;
    this.buffer.set(payload, this.payloadAt);
    return this.buffer.subarray(0, frameBytes);
  }
}

export function encodeChunkUnavailable(transferId: string, index: number, reason: UnavailableReason): Uint8Array {
  const { bytes, at } = writeHead(FRAME_KIND.chunkUnavailable, transferId, index, 1);
  bytes[at] = reason === 'needs-repick' ? UNAVAILABLE_REASON.needsRepick : UNAVAILABLE_REASON.gone;
  return bytes;
}

export function encodeChunkRequest(transferId: string, index: number, count: number): Uint8Array {
  if (!Number.isInteger(count) || count < 1 || count > 0xffffffff) throw new RangeError('bad chunk count');
  const { view, at, bytes } = writeHead(FRAME_KIND.chunkRequest, transferId, index, 4);
  view.setUint32(at, count);
  return bytes;
}

export function encodeRequestRefused(
  transferId: string,
  index: number,
  count: number,
  reason: RefusalReason,
): Uint8Array {
  if (!Number.isInteger(count) || count < 1 || count > 0xffffffff) throw new RangeError('bad chunk count');
  const { view, at, bytes } = writeHead(FRAME_KIND.requestRefused, transferId, index, 5);
  view.setUint32(at, count);
  bytes[at + 4] = reason === 'unknown-transfer' ? REFUSAL_REASON.unknownTransfer : REFUSAL_REASON.daemonAway;
  return bytes;
}

/** Why a frame was dropped. */
export type FrameErrorCode =
  | 'FRAME_TOO_SHORT'
  | 'BAD_FRAME_HEAD'
  | 'BAD_TRANSFER_ID'
  | 'BAD_CHUNK_INDEX'
  | 'BAD_HEADER_LENGTH'
  | 'CHUNK_TOO_LARGE'
  | 'BAD_DATA_FRAME'
  | 'DATA_PAST_CHUNK'
  | 'BAD_UNAVAILABLE_FRAME'
  | 'BAD_REQUEST_FRAME'
  | 'BAD_REFUSAL_FRAME'
  | 'UNKNOWN_FRAME_KIND';

export type DecodeResult = { ok: true; frame: Frame } | { ok: false; code: FrameErrorCode };

export function decodeFrame(bytes: Uint8Array): DecodeResult {
  if (bytes.length < 2) return { ok: false, code: 'FRAME_TOO_SHORT' };
  const kind = bytes[0];
  const idLength = bytes[1] ?? 0;
  if (idLength < 1 || idLength > 64 || bytes.length < 2 + idLength + 8) return { ok: false, code: 'BAD_FRAME_HEAD' };
  let transferId = '';
  for (let i = 0; i < idLength; i++) transferId += String.fromCharCode(bytes[2 + i] ?? 0);
  if (!ID_PATTERN.test(transferId)) return { ok: false, code: 'BAD_TRANSFER_ID' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 2 + idLength;
  const index = view.getUint32(at) * TWO_32 + view.getUint32(at + 4);
  if (!Number.isSafeInteger(index)) return { ok: false, code: 'BAD_CHUNK_INDEX' };
  at += 8;
  const rest = bytes.length - at;
  switch (kind) {
    case FRAME_KIND.chunkHeader: {
      if (rest !== 36) return { ok: false, code: 'BAD_HEADER_LENGTH' };
      const length = view.getUint32(at);
      if (length > MAX_CHUNK_BYTES) return { ok: false, code: 'CHUNK_TOO_LARGE' };
      return {
        ok: true,
        frame: { kind: 'chunk-header', transferId, index, length, sha256: bytes.slice(at + 4, at + 36) },
      };
    }
    case FRAME_KIND.chunkData: {
      if (rest < 4) return { ok: false, code: 'BAD_DATA_FRAME' };
      const offset = view.getUint32(at);
      const payload = bytes.subarray(at + 4);
      if (offset + payload.length > MAX_CHUNK_BYTES) return { ok: false, code: 'DATA_PAST_CHUNK' };
      return { ok: true, frame: { kind: 'chunk-data', transferId, index, offset, payload } };
    }
    case FRAME_KIND.chunkUnavailable: {
      const code = bytes[at];
      if (rest !== 1 || (code !== UNAVAILABLE_REASON.needsRepick && code !== UNAVAILABLE_REASON.gone)) {
        return { ok: false, code: 'BAD_UNAVAILABLE_FRAME' };
      }
      return {
        ok: true,
        frame: {
          kind: 'chunk-unavailable',
          transferId,
          index,
          reason: code === UNAVAILABLE_REASON.needsRepick ? 'needs-repick' : 'gone',
        },
      };
    }
    case FRAME_KIND.chunkRequest: {
      const count = rest === 4 ? view.getUint32(at) : 0;
      if (count < 1 || !Number.isSafeInteger(index + count)) return { ok: false, code: 'BAD_REQUEST_FRAME' };
      return { ok: true, frame: { kind: 'chunk-request', transferId, index, count } };
    }
    case FRAME_KIND.requestRefused: {
      const count = rest === 5 ? view.getUint32(at) : 0;
      const code = bytes[at + 4];
      if (count < 1 || (code !== REFUSAL_REASON.unknownTransfer && code !== REFUSAL_REASON.daemonAway)) {
        return { ok: false, code: 'BAD_REFUSAL_FRAME' };
      }
      const reason = code === REFUSAL_REASON.unknownTransfer ? 'unknown-transfer' : 'daemon-away';
      return { ok: true, frame: { kind: 'request-refused', transferId, index, count, reason } };
    }
    default:
      return { ok: false, code: 'UNKNOWN_FRAME_KIND' };
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
