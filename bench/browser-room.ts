import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Browser, BrowserContext, Download } from 'playwright-core';
import { startDaemon, type RunningDaemon } from '@ferry/e2e/support/daemon';
import { Person } from '@ferry/e2e/support/person';
import { client, downloads, master, room as roomUi } from '@ferry/e2e/support/ui';

// The real apps driven as people drive them (the e2e suite's support code, without its vitest
// assertions): a daemon child process, a master tab, an owner and an asker, each in its own
// browser context. The asker may live in another browser (the memory item measures its process).

const MIB = 1024 * 1024;
const POLL_MS = 100;

export interface SourceFile {
  readonly name: string;
  readonly path: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

/** Random bytes on disk, written and hashed 16 MiB at a time (a 1 GiB file never sits in memory). */
export async function randomFileOnDisk(dir: string, name: string, sizeBytes: number): Promise<SourceFile> {
  const path = join(dir, name);
  const hash = createHash('sha256');
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < sizeBytes;) {
      const piece = randomBytes(Math.min(16 * MIB, sizeBytes - written));
      hash.update(piece);
      await handle.write(piece);
      written += piece.length;
    }
  } finally {
    await handle.close();
  }
  return { name, path, sizeBytes, sha256: hash.digest('hex') };
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path, { highWaterMark: 4 * MIB })) hash.update(piece as Buffer);
  return hash.digest('hex');
}

export interface AppRoom {
  readonly daemon: RunningDaemon;
  readonly host: Person;
  readonly owner: Person;
  readonly asker: Person;
  readonly tempDir: string;
  /** Another approved guest, in `context` (the memory item gives each asker a browser of its own). */
  addGuest(label: string, context: BrowserContext): Promise<Person>;
  close(): Promise<void>;
}

const SETUP_TIMEOUT_MS = 30_000;

/** `guest` asks to join; resolves once it is waiting for the host. */
async function askToJoin(guest: Person): Promise<void> {
  await guest.join(guest.label);
  await client.waitingHeading(guest.page).waitFor({ state: 'visible', timeout: SETUP_TIMEOUT_MS });
}

/**
 * The host approves `guest`; resolves once the guest sees the room. One at a time: the host has
 * one mouse, and two Playwright clicks on one page at once can interleave their moves and presses
 * (a run approved the owner twice and never the asker; playwright#22339: clicks must not overlap).
 */
async function approve(host: Person, guest: Person): Promise<void> {
  await master.approveButton(host.page, guest.label).click({ timeout: SETUP_TIMEOUT_MS });
  await roomUi.filesHeading(guest.page).waitFor({ state: 'visible', timeout: SETUP_TIMEOUT_MS });
}

/** A daemon (`--p2p off` when `isP2pOn` is false), the host, and two approved guests. */
export async function openAppRoom(browser: Browser, options: { isP2pOn: boolean }): Promise<AppRoom> {
  const [daemon, tempDir] = await Promise.all([
    startDaemon({ isP2pOn: options.isP2pOn }),
    mkdtemp(join(tmpdir(), 'ferry-bench-')),
  ]);
  const people: Person[] = [];
  const person = async (label: string, context: BrowserContext) => {
    const made = await Person.create(label, context, daemon.url);
    people.push(made);
    return made;
  };
  const close = async () => {
    for (const each of people) await each.context.close().catch(() => undefined);
    await daemon.stop().catch((error: unknown) => console.error(`bench: ${String(error)}`));
    await rm(tempDir, { recursive: true, force: true });
  };
  try {
    const host = await person('host', await browser.newContext());
    await host.openMaster(daemon.masterToken);
    await master.joinRequestsHeading(host.page).waitFor({ state: 'visible', timeout: SETUP_TIMEOUT_MS });
    const [owner, asker] = await Promise.all([
      person('owner', await browser.newContext()),
      person('asker', await browser.newContext()),
    ]);
    await Promise.all([askToJoin(owner), askToJoin(asker)]);
    for (const guest of [owner, asker]) await approve(host, guest);
    const addGuest = async (label: string, context: BrowserContext) => {
      const guest = await person(label, context);
      await askToJoin(guest);
      await approve(host, guest);
      return guest;
    };
    return { daemon, host, owner, asker, tempDir, addGuest, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface AppDownload {
  /** From the click on "Download" to the browser's saved file being complete. */
  readonly seconds: number;
  /** The end of that: from "Checking" (every chunk stored) to the saved file being complete. */
  readonly tailSeconds: number;
  readonly route: string;
}

declare global {
  interface Window {
    ferryBenchCheckingAt?: number;
  }
}

/** Notes in the page when a download first shows "Checking" (no polling from here, no layout). */
function watchChecking(page: Person['page']): Promise<number> {
  return page.evaluate(() => {
    window.ferryBenchCheckingAt = undefined;
    const observer = new MutationObserver(() => {
      if (document.body.textContent?.includes('Checking') !== true) return;
      window.ferryBenchCheckingAt = performance.now();
      observer.disconnect();
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    return performance.now();
  });
}

/**
 * The owner shares `source` through the file input; the asker clicks Download once it is
 * enabled. Timed from the click to the end of the browser download the app's save starts (the
 * app has checked the whole file's SHA-256 before it saves); then the saved bytes are hashed
 * here too, outside the timing. `onStarted` runs right after the click (samplers, profilers).
 */
export async function downloadThroughApp(
  room: AppRoom,
  source: SourceFile,
  timeoutMs: number,
  options: { asker?: Person; onStarted?: () => Promise<void> } = {},
): Promise<AppDownload> {
  const { owner } = room;
  const asker = options.asker ?? room.asker;
  await roomUi.addFilesInput(owner.page).setInputFiles(source.path);
  const button = downloads.downloadButton(asker.page, source.name);
  try {
    await button.waitFor({ state: 'visible', timeout: 60_000 });
  } catch (error) {
    const tail = (person: Person) => `${person.label}: ${person.consoleLines.slice(-15).join('\n')}`;
    throw new Error(`"Download ${source.name}" never showed.\n${tail(owner)}\n${tail(asker)}`, { cause: error });
  }
  for (const deadline = Date.now() + 30_000; !(await button.isEnabled());) {
    if (Date.now() > deadline) throw new Error(`"Download ${source.name}" stayed disabled`);
    await delay(POLL_MS);
  }
  const saved = asker.page.waitForEvent('download', { timeout: timeoutMs });
  saved.catch(() => undefined); // awaited below
  const clickedInPageMs = await watchChecking(asker.page);
  const started = performance.now();
  await button.click();
  await options.onStarted?.();
  let download: Download;
  try {
    download = await saved;
  } catch (error) {
    const shown = await downloads
      .item(asker.page, source.name)
      .innerText()
      .catch(() => '(not listed)');
    throw new Error(
      `the download of ${source.name} did not finish: ${String(error)}\nthe asker shows: ${shown}\n${asker.consoleLines.slice(-20).join('\n')}`,
      {
        cause: error,
      },
    );
  }
  const path = await download.path();
  const seconds = (performance.now() - started) / 1000;
  const failure = await download.failure();
  if (failure !== null) throw new Error(`the browser could not save ${source.name}: ${failure}`);
  const sha256 = await sha256OfFile(path);
  await download.delete();
  if (sha256 !== source.sha256) throw new Error(`the saved ${source.name} does not match its SHA-256`);
  const text = await downloads.item(asker.page, source.name).innerText();
  const route = /via P2P/.test(text) ? 'p2p' : /via relay/.test(text) ? 'relay' : 'unknown';
  const checkingAtMs = await asker.page.evaluate(() => window.ferryBenchCheckingAt ?? null);
  const tailSeconds = checkingAtMs === null ? 0 : seconds - (checkingAtMs - clickedInPageMs) / 1000;
  return { seconds, tailSeconds, route };
}
