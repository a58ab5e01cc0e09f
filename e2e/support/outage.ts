import { setTimeout as delay } from 'node:timers/promises';

const POLL_MS = 250;

/**
 * Holds a fault for `windowMs` while checking, at every poll, what must stay true during it (the
 * cut person still says it is reconnecting, the download has not jumped to the end...). The window
 * is the fault's length, not a wait for something to happen: the check fails the test at once.
 */
export async function holdFor(windowMs: number, check: () => Promise<void>): Promise<void> {
  const end = Date.now() + windowMs;
  while (Date.now() < end) {
    await check();
    await delay(Math.min(POLL_MS, Math.max(0, end - Date.now())));
  }
  await check();
}
