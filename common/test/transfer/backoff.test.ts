import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/transfer/backoff';

const reconnect = { baseMs: 500, maxMs: 15_000 };

describe('backoffDelayMs', () => {
  it.each([
    [0, 0, 250],
    [0, 1, 500],
    [1, 0, 500],
    [3, 0.5, 3000],
    [5, 1, 15_000],
    [40, 0, 7_500],
  ])('attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, reconnect, random)).toBe(expected);
  });

  it('never exceeds the cap and never retries at once', () => {
    for (let attempt = 0; attempt < 50; attempt++) {
      for (const random of [0, 0.3, 0.999]) {
        const delay = backoffDelayMs(attempt, reconnect, random);
        expect(delay).toBeGreaterThan(0);
        expect(delay).toBeLessThanOrEqual(reconnect.maxMs);
      }
    }
  });

  it.each([
    [0, 500],
    [1, 1000],
    [3, 4000],
    [4, 5000],
    [39, 5000],
  ])('without jitter, attempt %i waits exactly min(max, base * 2^attempt) = %i ms', (attempt, expected) => {
    expect(backoffDelayMs(attempt, { baseMs: 500, maxMs: 5000 })).toBe(expected);
  });
});
