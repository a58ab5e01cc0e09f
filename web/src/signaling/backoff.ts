export interface BackoffOptions {
  /** Delay cap for the first retry; doubles with each failed attempt. */
  baseMs: number;
  /** No retry waits longer than this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15_000 };

/**
 * Capped exponential backoff with "equal jitter": half of the capped delay is fixed, half random,
 * so many tabs that lost the daemon at once do not all knock again in the same millisecond, and no
 * retry is ever immediate. `random` is in [0, 1).
 */
export function backoffDelayMs(attempt: number, random: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  const jitter = Math.min(Math.max(random, 0), 1);
  return Math.round(cap / 2 + (cap / 2) * jitter);
}
