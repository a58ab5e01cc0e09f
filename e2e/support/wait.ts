import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

// Everything here waits on what the page shows, polling; no fixed sleeps.
export const UI_TIMEOUT_MS = 15_000;

/** Waits until exactly one element matches and is visible (strict: two matches is a failure). */
export async function waitVisible(locator: Locator, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Waits until `count` elements match. */
export async function waitCount(locator: Locator, count: number, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  await expect
    .poll(() => locator.count(), { timeout: timeoutMs, interval: 100, message: `count of ${String(locator)}` })
    .toBe(count);
}

/** Waits until nothing matches (or what matches is hidden). */
export async function waitGone(locator: Locator, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  await expect
    .poll(async () => (await locator.count()) === 0 || !(await locator.first().isVisible()), {
      timeout: timeoutMs,
      interval: 100,
      message: `${String(locator)} to be gone`,
    })
    .toBe(true);
}

/** Waits until the element's text matches `pattern` (a string matches as a substring). */
export async function waitText(locator: Locator, pattern: RegExp | string, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  await expect
    .poll(() => locator.innerText(), { timeout: timeoutMs, interval: 100, message: `text of ${String(locator)}` })
    .toMatch(pattern);
}
