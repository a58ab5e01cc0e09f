import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { startDaemon, type DaemonOptions, type RunningDaemon } from './daemon.js';
import { Person } from './person.js';
import { openCuttableLink, type CuttableLink } from './proxy.js';
import { logsDir, screenshotsDir, slug } from './paths.js';

/**
 * Everything one test needs: a fresh daemon, and people who each get their own browser context.
 * Screenshots land in e2e/artifacts/screenshots/<test>-<NN>-<step>-<person>.png and a log of the
 * daemon and of every page's console in e2e/artifacts/logs/<test>.log.
 */
export class Room {
  readonly people: Person[] = [];
  #shotCount = 0;
  readonly #tempDirs: string[] = [];
  readonly #links: CuttableLink[] = [];
  /** Options for every person's context from now on (e.g. accepting a self-signed certificate). */
  contextOptions: BrowserContextOptions = {};

  private constructor(
    readonly browser: Browser,
    readonly daemon: RunningDaemon,
    readonly testSlug: string,
  ) {}

  static async open(browser: Browser, testName: string, options: DaemonOptions = {}): Promise<Room> {
    const daemon = await startDaemon(options);
    return new Room(browser, daemon, slug(testName));
  }

  get url(): string {
    return this.daemon.url;
  }

  /** A person with their own context; `baseUrl` is where they reach the daemon (default: directly). */
  async newPerson(label: string, baseUrl: string = this.url): Promise<Person> {
    const person = await Person.create(label, await this.browser.newContext(this.contextOptions), baseUrl);
    this.people.push(person);
    return person;
  }

  /** The host: a new context that opens the master link (the real token unless one is given). */
  async openMaster(token: string = this.daemon.masterToken, label = 'host'): Promise<Person> {
    const host = await this.newPerson(label);
    await host.openMaster(token);
    return host;
  }

  /** A guest: a new context that opens the join link and asks to join under `name`. */
  async joinAs(name: string, baseUrl: string = this.url): Promise<Person> {
    const guest = await this.newPerson(name, baseUrl);
    await guest.join(name);
    return guest;
  }

  /** A way to the daemon that the test can cut and restore, closed with the room. */
  async cuttableLink(): Promise<CuttableLink> {
    const link = await openCuttableLink(this.url);
    this.#links.push(link);
    return link;
  }

  /** A new empty directory, removed when the room closes. */
  async makeTempDir(): Promise<string> {
    const path = await mkdtemp(join(tmpdir(), 'ferry-e2e-'));
    this.#tempDirs.push(path);
    return path;
  }

  /** Full-page screenshots of the given people (default: everyone with an open tab). */
  async screenshot(
    step: string,
    people: readonly Person[] = this.people,
    { fullPage = true }: { fullPage?: boolean } = {},
  ): Promise<void> {
    this.#shotCount += 1;
    const prefix = `${this.testSlug}-${String(this.#shotCount).padStart(2, '0')}-${slug(step)}`;
    await mkdir(screenshotsDir, { recursive: true });
    for (const person of people) {
      if (!person.hasOpenPage) continue;
      await person.page.screenshot({
        path: join(screenshotsDir, `${prefix}-${slug(person.label)}.png`),
        fullPage,
      });
    }
  }

  /**
   * Saves failure screenshots (when asked) and the log, closes every context, then stops the
   * daemon, which must exit 0 on SIGTERM. An uncaught exception in any page fails the test too.
   */
  async close({ hasFailed }: { hasFailed: boolean }): Promise<void> {
    if (hasFailed) {
      await this.screenshot('failure').catch((error: unknown) => {
        console.error(`could not save failure screenshots: ${String(error)}`);
      });
    }
    for (const person of this.people) await person.context.close().catch(() => undefined);
    for (const link of this.#links) await link.close();
    try {
      await this.daemon.stop();
    } finally {
      await this.#writeLog();
      for (const path of this.#tempDirs) await rm(path, { recursive: true, force: true });
    }
    const uncaught = this.people.flatMap((person) => person.pageErrors.map((error) => `${person.label}: ${error}`));
    if (uncaught.length > 0) throw new Error(`uncaught exceptions in the pages:\n${uncaught.join('\n')}`);
  }

  async #writeLog(): Promise<void> {
    const sections = [`== daemon ${this.url}\n${this.daemon.log()}`];
    for (const person of this.people) {
      sections.push(`== ${person.label}: console\n${person.consoleLines.join('\n')}`);
      if (person.dialogs.length > 0) sections.push(`== ${person.label}: dialogs\n${person.dialogs.join('\n')}`);
    }
    await mkdir(logsDir, { recursive: true });
    await writeFile(join(logsDir, `${this.testSlug}.log`), `${sections.join('\n\n')}\n`);
  }
}
