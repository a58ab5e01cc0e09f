import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkSet } from '../../src/transfer/chunk-set';

describe('ChunkSet', () => {
  it('tracks presence, count and completeness', () => {
    const set = new ChunkSet(10);
    expect(set.isComplete).toBe(false);
    expect(set.add(3)).toBe(true);
    expect(set.add(3)).toBe(false);
    expect(set.has(3)).toBe(true);
    expect(set.has(4)).toBe(false);
    expect(set.count).toBe(1);
    for (let i = 0; i < 10; i++) set.add(i);
    expect(set.isComplete).toBe(true);
    expect(set.nextMissing()).toBe(-1);
    expect(set.delete(9)).toBe(true);
    expect(set.nextMissing()).toBe(9);
  });

  it('refuses indices outside the file', () => {
    const set = new ChunkSet(3);
    expect(set.add(-1)).toBe(false);
    expect(set.add(3)).toBe(false);
    expect(set.has(3)).toBe(false);
    expect(set.count).toBe(0);
  });

  it('an empty file is complete from the start', () => {
    expect(new ChunkSet(0).isComplete).toBe(true);
  });

  it('restores from stored bits and ignores bits past the total', () => {
    const stored = new Uint8Array([0b1111_0101, 0xff]);
    const set = new ChunkSet(10, stored);
    expect(set.count).toBe(6 + 2);
    expect(set.has(1)).toBe(false);
    expect(set.has(9)).toBe(true);
    expect(set.has(10)).toBe(false);
  });

  it('nextMissing agrees with a plain array model', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.array(fc.nat(320)), fc.nat(320), (total, adds, from) => {
        const set = new ChunkSet(total);
        const model = new Array<boolean>(total).fill(false);
        for (const i of adds) {
          set.add(i);
          if (i < total) model[i] = true;
        }
        let expected = -1;
        for (let i = from; i < total; i++) {
          if (!model[i]) {
            expected = i;
            break;
          }
        }
        expect(set.nextMissing(from)).toBe(expected);
        expect(set.count).toBe(model.filter(Boolean).length);
      }),
      { numRuns: 300 },
    );
  });
});
