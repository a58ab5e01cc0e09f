import { describe, expect, it } from 'vitest';
import { inFolderBatches, type FileOffer } from '../src/protocol';

const offer = (id: string, extra: Partial<FileOffer> = {}): FileOffer => ({
  id,
  name: id,
  size: 1,
  chunkSize: 1024,
  ...extra,
});

describe('inFolderBatches', () => {
  it('makes each top folder one batch of its files and empty folders; loose files stay out', () => {
    let next = 0;
    const out = inFolderBatches(
      [
        offer('a', { path: 'trip/a' }),
        offer('b', { path: 'trip/day1/b' }),
        offer('empty', { path: 'trip/empty', size: 0, folder: true }),
        offer('c', { path: 'notes/c' }),
        offer('loose'),
        offer('alone', { path: 'alone', size: 0, folder: true }),
      ],
      () => `batch-${next++}`,
    );
    const batchOf = (id: string) => out.find((o) => o.id === id)?.batch;
    expect(batchOf('a')).toEqual({ id: 'batch-0', count: 3 });
    expect(batchOf('b')).toEqual(batchOf('a'));
    expect(batchOf('empty')).toEqual(batchOf('a'));
    expect(batchOf('c')).toEqual({ id: 'batch-1', count: 1 });
    // An empty folder at the top is a folder of its own, with nothing in it.
    expect(batchOf('alone')).toEqual({ id: 'batch-2', count: 1 });
    expect(batchOf('loose')).toBeUndefined();
    expect(out.map((o) => o.id)).toEqual(['a', 'b', 'empty', 'c', 'loose', 'alone']);
  });
});
