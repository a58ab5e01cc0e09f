import { readFile, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { BrowserContext, Download, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Person } from './person.js';
import type { Room } from './room.js';
import { approve, openMasterTab } from './scenes.js';
import { sha256OfFile, type SourceFile } from './source-files.js';
import { client, downloads } from './ui.js';
import { waitVisible } from './wait.js';
import { readZip, type ZipEntry } from './zip.js';

// Steps of the transfer tests (issue 4). Every wait watches the page; the only timed loops are
// polls, and the one "nothing happens for a while" check is a bounded poll window.

/** A whole download of the sizes these tests use, on a loaded 2-core machine. */
export const DOWNLOAD_TIMEOUT_MS = 60_000;
const POLL_MS = 100;

export type DownloadStatus =
  | 'Downloading'
  | 'Paused'
  | 'Waiting for the owner'
  | 'Waiting for the connection to the room'
  | 'The owner must pick the file again'
  | 'Checking'
  | 'Saved'
  | 'Failed'
  | 'Cancelled';

const TERMINAL = /Failed: [^\n]*|\bCancelled\b|\bSaved\b/;

function hasStatus(text: string, status: DownloadStatus): boolean {
  return status === 'Failed' ? /Failed: \S/.test(text) : text.includes(status);
}

/** The download's text ('' while it is not listed); two items of the same name is a failure. */
export async function downloadText(page: Page, name: string): Promise<string> {
  const item = downloads.item(page, name);
  const count = await item.count();
  if (count > 1) throw new Error(`${count} downloads named "${name}" are listed, expected one`);
  return count === 0 ? '' : item.innerText();
}

/**
 * Waits until the download shows `status`; fails at once when it ends some other way (a failed
 * download never turns into a saved one), with what it showed.
 */
export async function waitStatus(
  person: Person,
  name: string,
  status: DownloadStatus,
  timeoutMs = DOWNLOAD_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let text: string;
  for (;;) {
    text = await downloadText(person.page, name);
    if (hasStatus(text, status)) return;
    const ended = TERMINAL.exec(text);
    if (ended)
      throw new Error(`${person.label}: "${name}" ended as "${ended[0]}" while waiting for "${status}":\n${text}`);
    if (Date.now() > deadline) break;
    await delay(POLL_MS);
  }
  throw new Error(`${person.label}: "${name}" did not show "${status}" within ${timeoutMs} ms; it shows:\n${text}`);
}

/** The progress bar's aria-valuenow (0-100). */
export async function readProgress(page: Page, name: string): Promise<number> {
  const value = await downloads.progress(page, name).getAttribute('aria-valuenow');
  const percent = Number(value);
  if (value === null || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new Error(`"${name} progress" has aria-valuenow ${String(value)}, expected 0-100`);
  }
  return percent;
}

/**
 * Waits for progress >= `minPercent` and returns it. The page checks at every animation frame,
 * so the test can act within a frame of the moment, as a person would mid-download.
 */
export async function waitProgressAtLeast(
  page: Page,
  name: string,
  minPercent: number,
  timeoutMs = DOWNLOAD_TIMEOUT_MS,
): Promise<number> {
  const bar = downloads.progress(page, name);
  await bar.waitFor({ state: 'attached', timeout: timeoutMs });
  const handle = await bar.elementHandle({ timeout: timeoutMs });
  if (handle === null) throw new Error(`"${name} progress" went away`);
  try {
    const result = await page.waitForFunction(
      ([element, min]) => {
        const percent = Number(element.getAttribute('aria-valuenow'));
        return percent >= min ? percent : false;
      },
      [handle, minPercent] as const,
      { polling: 'raf', timeout: timeoutMs },
    );
    const percent = await result.jsonValue();
    await result.dispose();
    if (percent === false) throw new Error('unreachable: waitForFunction resolved with a falsy value');
    return percent;
  } finally {
    await handle.dispose();
  }
}

/** Waits until `read()` keeps one value for `quietMs` (in-flight chunks landing); returns it. */
export async function waitSteady(read: () => Promise<number>, quietMs: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`the value kept changing for ${timeoutMs} ms (last ${value})`);
    await delay(POLL_MS);
    const next = await read();
    if (next !== value) {
      value = next;
      since = Date.now();
    }
  }
  return value;
}

/** A bounded poll window: `read()` must return `expected` at every sample for `windowMs`. */
export async function expectUnchangedFor(
  read: () => Promise<number>,
  expected: number,
  windowMs: number,
  what: string,
): Promise<void> {
  const end = Date.now() + windowMs;
  while (Date.now() < end) {
    const value = await read();
    if (value !== expected) throw new Error(`${what} moved from ${expected} to ${value} within ${windowMs} ms`);
    await delay(POLL_MS);
  }
}

/**
 * The next browser download of `page`. Start waiting before the click that leads to it; the
 * promise never counts as unhandled (the test awaits it, or has already failed).
 */
export function nextDownload(page: Page, timeoutMs = DOWNLOAD_TIMEOUT_MS): Promise<Download> {
  const download = page.waitForEvent('download', { timeout: timeoutMs });
  void download.catch(() => undefined);
  return download;
}

/** Waits until the file is shared and `asker` can click its Download button. */
export async function waitDownloadable(asker: Person, fileName: string): Promise<void> {
  const button = downloads.downloadButton(asker.page, fileName);
  await waitVisible(button);
  await expect.poll(() => button.isEnabled(), { timeout: 15_000, message: `Download ${fileName} enabled` }).toBe(true);
}

/** A download the asker started; `saved` settles with the browser's download of the result. */
export interface StartedDownload {
  readonly saved: Promise<Download>;
}

/**
 * Clicks "Download <name>" and waits for the download to be listed. `savedTimeoutMs`: how long the
 * whole download may take, from the click (longer for tests that hold a fault on the way).
 */
export async function startDownload(
  asker: Person,
  fileName: string,
  savedTimeoutMs = DOWNLOAD_TIMEOUT_MS,
): Promise<StartedDownload> {
  await waitDownloadable(asker, fileName);
  const saved = nextDownload(asker.page, savedTimeoutMs);
  await downloads.downloadButton(asker.page, fileName).click();
  await waitVisible(downloads.heading(asker.page));
  await waitVisible(downloads.item(asker.page, fileName));
  return { saved };
}

/** The saved download's bytes are the source's: same name, size and SHA-256. */
export async function expectSavedAs(saved: Promise<Download>, source: SourceFile): Promise<void> {
  const download = await saved;
  expect(download.suggestedFilename()).toBe(source.name);
  const path = await download.path();
  expect(await download.failure()).toBeNull();
  expect((await stat(path)).size).toBe(source.sizeBytes);
  expect(await sha256OfFile(path)).toBe(source.sha256);
}

/** The saved download, read as a ZIP. */
export async function savedZip(saved: Promise<Download>): Promise<{ fileName: string; entries: ZipEntry[] }> {
  const download = await saved;
  const path = await download.path();
  expect(await download.failure()).toBeNull();
  return { fileName: download.suggestedFilename(), entries: readZip(await readFile(path)) };
}

export async function expectRoute(person: Person, name: string, route: 'via P2P' | 'via relay'): Promise<void> {
  const text = await downloadText(person.page, name);
  expect(text, `${person.label}: the route of "${name}"`).toContain(route);
  const other = route === 'via P2P' ? 'via relay' : 'via P2P';
  expect(text, `${person.label}: the route of "${name}"`).not.toContain(other);
}

/**
 * A master tab and guests who open the join link with `query` (e.g. "?ice=relay") and are
 * approved. The query stays in their URL across reloads.
 */
export async function roomWithGuestsAt(
  room: Room,
  names: readonly string[],
  query: string,
): Promise<{ host: Person; guests: Person[] }> {
  const host = await openMasterTab(room);
  const guests: Person[] = [];
  for (const name of names) {
    const guest = await room.newPerson(name);
    await guest.page.goto(`${room.url}/${query}`);
    await client.nameInput(guest.page).fill(name);
    await client.joinButton(guest.page).click();
    await waitVisible(client.waitingHeading(guest.page));
    await approve(host, guest);
    guests.push(guest);
  }
  return { host, guests };
}

export function twoGuests(guests: readonly Person[]): [Person, Person] {
  const [first, second] = guests;
  if (first === undefined || second === undefined) throw new Error('two guests expected');
  return [first, second];
}

declare global {
  interface Window {
    ferryE2eDownloadTexts?: string[];
  }
}

/**
 * From the first paint of every page of `context`, notes each new text of any download in the
 * list, in order: words shown only for a moment (how a download connects) are seen too.
 */
export async function watchDownloadTexts(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const texts: string[] = [];
    window.ferryE2eDownloadTexts = texts;
    const scan = (): void => {
      for (const bar of document.querySelectorAll('[role="progressbar"]')) {
        const text = bar.closest('li')?.textContent ?? '';
        if (text !== '' && texts[texts.length - 1] !== text) texts.push(text);
      }
    };
    new MutationObserver(scan).observe(document, { subtree: true, childList: true, characterData: true });
  });
}

/** What watchDownloadTexts saw on the current page, in order. */
export async function downloadTextsSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => window.ferryE2eDownloadTexts ?? []);
}

interface ProgressSeen {
  first: number;
  min: number;
}

declare global {
  interface Window {
    ferryE2eProgressSeen?: Record<string, ProgressSeen>;
  }
}

/**
 * From the first paint of every page of `context`, notes each progress bar's first and lowest
 * value, by accessible name. After a reload this tells what the restored download showed before
 * any new chunk could arrive.
 */
export async function watchProgressFromFirstPaint(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: Record<string, { first: number; min: number }> = {};
    window.ferryE2eProgressSeen = seen;
    const nameOf = (element: Element): string | null => {
      const label = element.getAttribute('aria-label');
      if (label !== null) return label;
      const ids = element.getAttribute('aria-labelledby');
      if (ids === null) return null;
      return ids
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ')
        .trim();
    };
    const scan = (): void => {
      for (const bar of document.querySelectorAll('[role="progressbar"]')) {
        const name = nameOf(bar);
        const value = Number(bar.getAttribute('aria-valuenow'));
        if (name === null || !Number.isFinite(value)) continue;
        const entry = seen[name];
        if (entry === undefined) seen[name] = { first: value, min: value };
        else entry.min = Math.min(entry.min, value);
      }
    };
    new MutationObserver(scan).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-valuenow', 'aria-label', 'role'],
    });
  });
}

/** What watchProgressFromFirstPaint saw of `name` on the current page, if anything. */
export async function progressSeen(page: Page, name: string): Promise<ProgressSeen | undefined> {
  return page.evaluate((label) => window.ferryE2eProgressSeen?.[label], `${name} progress`);
}
