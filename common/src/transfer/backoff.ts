/** Capped exponential backoff: the one schedule for every retry (reconnects, relay PUTs and GETs). */
export interface BackoffOptions {
  /** Delay cap for the first retry; doubles with each failed attempt. */
  baseMs: number;
  /** No retry waits longer than this. */
  maxMs: number;
}

/**
 * The delay before retry number `attempt` (0 for the first): `min(maxMs, baseMs * 2^attempt)`,
 * of which half is fixed and half scaled by `random` ("equal jitter"), so many tabs that lost the
 * daemon at once do not all knock again in the same millisecond, and no retry is ever immediate.
 * `random` is in [0, 1]; 1 (the default) is no jitter: the capped delay itself, for retries that
 * only this peer makes and need no spreading out.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random = 1): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  const jitter = Math.min(Math.max(random, 0), 1);
  return Math.round(cap / 2 + (cap / 2) * jitter);
}
