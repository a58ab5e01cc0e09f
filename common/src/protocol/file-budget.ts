import {
  MAX_FILES_PER_MESSAGE,
  MAX_FRAME_BYTES,
  MAX_ID_CHARS,
  MAX_REASON_BYTES,
  MAX_REASON_CHARS,
  MAX_REQ_ID_CHARS,
} from './limits';
import type { FileInfo, FileOffer } from './shapes';
import { utf8ByteCount } from './text';

/*
 * Sizes as the room serializes them, so that a budget checked on a peer's input still holds once
 * the daemon or the master has transformed it (added `owner`, wrapped it in an answer).
 */

/** Bytes of one listed file as every frame carries it: the UTF-8 of its JSON, owner included. */
export function listedFileBytes(file: FileInfo): number {
  return utf8ByteCount(JSON.stringify(file));
}

/**
 * The most a rejection of file `id` can take in FILES_ADDED: a reason under the text rules has at
 * most MAX_REASON_BYTES bytes, and JSON escapes only its `"` and `\` (one byte more each).
 */
function worstRejectionBytes(id: string): number {
  return utf8ByteCount(JSON.stringify({ id, reason: '' })) + MAX_REASON_BYTES + MAX_REASON_CHARS;
}

/**
 * The largest FILES_ADDED frame a master can answer to ADD_FILES `offers` from `owner`, in bytes:
 * each file either accepted (with `owner`) or rejected with the longest reason.
 * The daemon forwards an ADD_FILES only if this fits a frame to the daemon (MAX_FRAME_BYTES), so
 * no guest can make the host's answer one the daemon must refuse by closing the host's socket.
 */
export function worstFilesAddedBytes(reqId: string, owner: string, offers: readonly FileOffer[]): number {
  const envelope = utf8ByteCount(JSON.stringify({ type: 'FILES_ADDED', reqId, owner, files: [], rejected: [] }));
  let bytes = envelope;
  for (const offer of offers) {
    bytes += Math.max(listedFileBytes({ ...offer, owner }), worstRejectionBytes(offer.id)) + 1;
  }
  return bytes;
}

/**
 * Splits offers into ADD_FILES batches the daemon forwards: at most MAX_FILES_PER_MESSAGE each,
 * and a worst answer within MAX_FRAME_BYTES whatever the reqId and owner (counted at their
 * longest). Honest peers batch with this, so only a crafted request meets the daemon's refusal.
 */
export function batchOffers<T extends FileOffer>(offers: readonly T[]): T[][] {
  const longest = 'x'.repeat(Math.max(MAX_ID_CHARS, MAX_REQ_ID_CHARS));
  const envelope = worstFilesAddedBytes(longest, longest, []);
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = envelope;
  for (const offer of offers) {
    const entry = worstFilesAddedBytes(longest, longest, [offer]) - envelope;
    if (batch.length > 0 && (batch.length >= MAX_FILES_PER_MESSAGE || bytes + entry > MAX_FRAME_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = envelope;
    }
    batch.push(offer);
    bytes += entry;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
