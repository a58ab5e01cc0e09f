import type { BrowserContext, Page } from 'playwright-core';
import { client } from './ui.js';

// Auto-waiting actions and locator.waitFor() use this; the apps talk to a local daemon only.
const ACTION_TIMEOUT_MS = 15_000;
const NAVIGATION_TIMEOUT_MS = 30_000;

/** What Chrome treats as a secure context: https, or loopback over http. */
function isSecureOrigin(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
}

/** One human in the room: their own browser context (own storage, own IndexedDB) and tab. */
export class Person {
  readonly dialogs: string[] = [];
  readonly pageErrors: string[] = [];
  readonly consoleLines: string[] = [];
  #page: Page | undefined;

  private constructor(
    readonly label: string,
    readonly context: BrowserContext,
    readonly baseUrl: string,
  ) {
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    context.on('page', (page) => this.#watch(page));
  }

  static async create(label: string, context: BrowserContext, baseUrl: string): Promise<Person> {
    // Chrome lists network interfaces for ICE only after a media permission (see docs/TESTING.md). It
    // refuses that permission to insecure origins (a LAN name over plain http), as it would a person.
    if (isSecureOrigin(baseUrl)) await context.grantPermissions(['camera', 'microphone'], { origin: baseUrl });
    const person = new Person(label, context, baseUrl);
    person.#page = await context.newPage();
    return person;
  }

  get page(): Page {
    if (this.#page === undefined || this.#page.isClosed()) {
      throw new Error(`${this.label} has no open tab (closeTab() was called; reopenTab() first)`);
    }
    return this.#page;
  }

  get hasOpenPage(): boolean {
    return this.#page !== undefined && !this.#page.isClosed();
  }

  /** Opens the master tab with the token in the URL fragment, as the daemon prints it. */
  async openMaster(token: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/master#token=${encodeURIComponent(token)}`);
  }

  /** Opens the join link, types the display name and asks to join. */
  async join(name: string): Promise<void> {
    const page = this.page;
    await page.goto(`${this.baseUrl}/`);
    await client.nameInput(page).fill(name);
    await client.joinButton(page).click();
  }

  /** Closes the tab (its WebSocket goes with it); storage stays, as when a person closes a tab. */
  async closeTab(): Promise<void> {
    await this.#page?.close();
    this.#page = undefined;
  }

  async reload(): Promise<void> {
    await this.page.reload();
  }

  /** A fresh tab in the same context, for "the person comes back later". */
  async reopenTab(): Promise<void> {
    if (this.hasOpenPage) throw new Error(`${this.label} already has an open tab`);
    this.#page = await this.context.newPage();
  }

  #watch(page: Page): void {
    page.on('dialog', (dialog) => {
      this.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
    page.on('pageerror', (error) => {
      this.pageErrors.push(error.stack ?? error.message);
      this.consoleLines.push(`[pageerror] ${error.message}`);
    });
    page.on('response', (response) => {
      if (response.status() < 400) return;
      this.consoleLines.push(`[http ${response.status()}] ${response.request().method()} ${response.url()}`);
    });
    page.on('console', (message) => {
      this.consoleLines.push(`[console.${message.type()}] ${message.text()}`);
    });
  }
}
