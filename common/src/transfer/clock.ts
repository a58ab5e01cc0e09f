/**
 * Time, injected: the engine, the apps and Node peers all take this one Clock, so tests drive
 * everything with one fake and nothing reads the real timers behind their back.
 */

/** Cancels a scheduled callback; calling it twice, or after it ran, is harmless. */
export type Cancel = () => void;

export interface Clock {
  now(): number;
  /** Runs `fn` once after `delayMs`. */
  after(delayMs: number, fn: () => void): Cancel;
}

/** Reads the globals at call time, so `vi.useFakeTimers()` after import still takes effect. */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(delayMs, fn) {
    const handle = setTimeout(fn, delayMs);
    return () => clearTimeout(handle);
  },
};

export function sleep(clock: Clock, delayMs: number): Promise<void> {
  return new Promise((resolve) => clock.after(delayMs, resolve));
}
