import { describe, expect, it } from 'vitest';
import { batchProgress, missingBatches, recountOffers } from '../src/files/folder-batches';
import { shared } from '@ferry/common/test/builders';

const inBatch = (id: string, owner: string, batchId: string, count: number, path = `trip/${id}`) =>
  shared(id, owner, id, { path, batch: { id: batchId, count } });

describe('folder batches', () => {
  it('counts what the room lists of each batch, by owner, against the smallest count', () => {
    const files = [
      inBatch('1', 'ann', 'b', 3),
      inBatch('2', 'ann', 'b', 2),
      inBatch('3', 'bob', 'b', 5),
      shared('4', 'ann', 'loose'),
    ];
    const progress = batchProgress(files);
    expect([...progress.values()]).toEqual([
      { listed: 2, total: 2 },
      { listed: 1, total: 5 },
    ]);
    expect(missingBatches(files.slice(0, 2), progress)).toBeNull();
    expect(missingBatches(files, progress)).toEqual({ listed: 1, total: 5 });
  });

  it('sums what is missing of every batch a folder holds', () => {
    const files = [inBatch('1', 'ann', 'b1', 3), inBatch('2', 'ann', 'b2', 4), inBatch('3', 'ann', 'b2', 4)];
    expect(missingBatches(files, batchProgress(files))).toEqual({ listed: 3, total: 7 });
  });

  it('recounts only our settled batches, once per count', () => {
    const files = [
      inBatch('f2', 'me', 'done', 3),
      inBatch('f1', 'me', 'done', 3),
      inBatch('g1', 'me', 'busy', 9),
      inBatch('h1', 'me', 'whole', 1),
      inBatch('x1', 'ann', 'theirs', 9),
    ];
    const offers = recountOffers(files, 'me', new Set(['busy']), new Set());
    // The file with the smallest id carries the new count; owner is not part of an offer.
    expect(offers).toEqual([
      { id: 'f1', name: 'f1', size: 100, chunkSize: 1048576, path: 'trip/f1', batch: { id: 'done', count: 2 } },
    ]);
    expect(recountOffers(files, 'me', new Set(['busy']), new Set(['done:2']))).toEqual([]);
  });
});
