import { describe, expect, it } from 'vitest';
import { DEFAULT_REMOVAL_PACE, RemovalQueue } from '../src/files/removal-queue';
import { FakeClock } from './fakes';

const ids = (count: number, prefix = 'f') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('RemovalQueue', () => {
  it('sends up to idsPerMessage at once, then one batch every everyMs, in order', () => {
    const clock = new FakeClock();
    const sent: string[][] = [];
    const queue = new RemovalQueue(clock, (batch) => sent.push(batch), { idsPerMessage: 4, everyMs: 100 });
    queue.push(ids(10));
    expect(sent).toEqual([ids(4)]);
    expect(queue.size).toBe(6);
    clock.advance(99);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    expect(sent[1]).toEqual(['f4', 'f5', 'f6', 'f7']);
    // What comes meanwhile joins the line behind what waits, within the same pace.
    queue.push(['g0']);
    clock.advance(100);
    expect(sent[2]).toEqual(['f8', 'f9', 'g0']);
    expect(queue.size).toBe(0);
    clock.advance(1_000);
    expect(sent).toHaveLength(3);
  });

  it('forgets what waits on clear, and starts afresh on the next push', () => {
    const clock = new FakeClock();
    const sent: string[][] = [];
    const queue = new RemovalQueue(clock, (batch) => sent.push(batch), { idsPerMessage: 2, everyMs: 100 });
    queue.push(ids(5));
    queue.clear();
    clock.advance(1_000);
    expect(sent).toEqual([['f0', 'f1']]);
    queue.push(['x']);
    expect(sent).toEqual([['f0', 'f1'], ['x']]);
  });

  it('by default removes 10,000 files in 10 messages within a second, a tenth of the rate limit', () => {
    const clock = new FakeClock();
    const sent: string[][] = [];
    const queue = new RemovalQueue(clock, (batch) => sent.push(batch));
    queue.push(ids(10_000));
    clock.advance(9 * DEFAULT_REMOVAL_PACE.everyMs);
    expect(sent.map((b) => b.length)).toEqual(Array<number>(10).fill(1000));
    expect(sent.flat()).toEqual(ids(10_000));
    expect(1000 / DEFAULT_REMOVAL_PACE.everyMs).toBeLessThanOrEqual(10);
  });
});
