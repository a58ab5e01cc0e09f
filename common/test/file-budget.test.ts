import { describe, expect, it } from 'vitest';
import { fitAnswer, REASONS } from '../src/authority/file-list';
import {
  batchOffers,
  listedFileBytes,
  utf8ByteCount,
  worstFilesAddedBytes,
  type FileInfo,
  type FileOffer,
} from '../src/protocol/index';
import * as L from '../src/protocol/limits';

const OWNER = '6f1c2a4e-0b9d-4c57-9a3e-2f8d7c1b5e90';
const typical = (i: number): FileOffer => ({
  id: `0f8fad5b-d9cb-469f-a165-70867728${String(i).padStart(4, '0')}`,
  name: `IMG_2024${String(i).padStart(4, '0')}_123456.jpg`,
  size: 3_456_789,
  chunkSize: L.DEFAULT_CHUNK_BYTES,
  mime: 'image/jpeg',
  lastModified: 1_700_000_000_000,
  path: `Camera Roll/2024/January/IMG_2024${String(i).padStart(4, '0')}_123456.jpg`,
  sha256: 'a'.repeat(64),
});
const longest = (i: number): FileOffer => ({
  ...typical(i),
  name: `${'😀'.repeat(191)}.jpg`,
  path: `${'😀'.repeat(1000)}/x.jpg`,
});
const frameBytes = (answer: object) => utf8ByteCount(JSON.stringify(answer));

describe('the listed-bytes budget', () => {
  it('fits an honest 10,000-file folder with room to spare', () => {
    const entry = listedFileBytes({ ...typical(1), owner: OWNER });
    const folder = Array.from({ length: 10_000 }, (_, i) => listedFileBytes({ ...typical(i), owner: OWNER }));
    const total = folder.reduce((a, b) => a + b, 0);
    console.log(`typical entry ${entry} bytes; 10,000 files ${(total / 1024 / 1024).toFixed(2)} MiB`);
    expect(total).toBeLessThan(L.MAX_LISTED_BYTES_PER_PEER / 2);
    // The room's total stays within what one frame from the daemon may carry.
    expect(L.MAX_LISTED_BYTES_IN_ROOM).toBeLessThan(L.MAX_FROM_DAEMON_FRAME_CHARS);
  });
});

describe('worstFilesAddedBytes', () => {
  it('is never below the answer, whether every file is accepted or rejected', () => {
    const offers = Array.from({ length: 40 }, (_, i) => longest(i));
    const worst = worstFilesAddedBytes('req-1', OWNER, offers);
    const accepted = {
      type: 'FILES_ADDED',
      reqId: 'req-1',
      owner: OWNER,
      files: offers.map((o) => ({ ...o, owner: OWNER })),
      rejected: [],
    };
    // The longest reason JSON can carry: every character escaped.
    const reason = '"'.repeat(L.MAX_REASON_CHARS);
    const rejectedAll = {
      type: 'FILES_ADDED',
      reqId: 'req-1',
      owner: OWNER,
      files: [],
      rejected: offers.map((o) => ({ id: o.id, reason })),
    };
    expect(worst).toBeGreaterThanOrEqual(frameBytes(accepted));
    expect(worst).toBeGreaterThanOrEqual(frameBytes(rejectedAll));
  });
});

describe('batchOffers', () => {
  it('cuts batches at 256 files and where the worst answer would pass one frame', () => {
    expect(batchOffers(Array.from({ length: 600 }, (_, i) => typical(i))).map((b) => b.length)).toEqual([256, 256, 88]);
    const batches = batchOffers(Array.from({ length: 600 }, (_, i) => longest(i)));
    expect(batches[0]?.length).toBeLessThan(L.MAX_FILES_PER_MESSAGE);
    for (const batch of batches) {
      expect(worstFilesAddedBytes('r'.repeat(64), 'o'.repeat(64), batch)).toBeLessThanOrEqual(L.MAX_FRAME_BYTES);
    }
    expect(batches.flat()).toHaveLength(600);
  });
});

describe('fitAnswer', () => {
  it('keeps an answer within one frame by rejecting the files that do not fit', () => {
    const files: FileInfo[] = Array.from({ length: 256 }, (_, i) => ({ ...longest(i), owner: OWNER }));
    const fitted = fitAnswer('req', OWNER, { files, rejected: [] });
    expect(frameBytes({ type: 'FILES_ADDED', reqId: 'req', owner: OWNER, ...fitted })).toBeLessThanOrEqual(
      L.MAX_FRAME_BYTES,
    );
    expect(fitted.files.length + fitted.rejected.length).toBe(256);
    expect(fitted.rejected.every((r) => r.reason === REASONS.answerTooLarge)).toBe(true);
    const small = { files: files.slice(0, 3), rejected: [] };
    expect(fitAnswer('req', OWNER, small)).toBe(small);
  });
});

describe('text posts and the budgets', () => {
  // The largest text the wire can carry, in bytes: 4,096 code points of 4 bytes each (a text of
  // `"` escapes to 2 bytes a character in JSON, fewer).
  const longestText = (i: number): FileOffer => {
    const text = '😀'.repeat(L.MAX_TEXT_POST_CHARS);
    const { path: _inNoFolder, ...file } = typical(i);
    return { ...file, name: 'Text', mime: 'text/plain', size: utf8ByteCount(text), text };
  };

  it('counts a text in the listed bytes, and batches the longest texts within one frame', () => {
    const offer = longestText(0);
    expect(listedFileBytes({ ...offer, owner: OWNER })).toBeGreaterThan(L.MAX_TEXT_POST_BYTES);
    const offers = Array.from({ length: 256 }, (_, i) => longestText(i));
    const batches = batchOffers(offers);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(offers);
    for (const batch of batches) expect(worstFilesAddedBytes('r', OWNER, batch)).toBeLessThanOrEqual(L.MAX_FRAME_BYTES);
    // A person's 8 MiB listed budget holds about 500 of the largest texts: bounded like files.
    console.log(`longest text entry ${listedFileBytes({ ...offer, owner: OWNER })} bytes`);
  });
});
