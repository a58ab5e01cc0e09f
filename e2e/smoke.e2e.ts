import { expect } from 'vitest';
import { test } from './support/fixtures.js';
import { fetchManifest, installabilityErrors } from './support/install.js';

// Proves the harness itself: the real daemon starts, Chromium reaches it, the daemon stops cleanly.
test('Chromium reaches the daemon: /healthz answers and both apps load', async ({ room }) => {
  const visitor = await room.newPerson('visitor');
  const page = visitor.page;

  const health = await page.goto(`${room.url}/healthz`);
  expect(health?.status()).toBe(200);
  const status: unknown = JSON.parse((await health?.text()) ?? 'null');
  expect(status).toMatchObject({ ok: true });

  for (const path of ['/', '/master']) {
    const response = await page.goto(`${room.url}${path}`);
    expect(response?.status(), path).toBe(200);
    expect(response?.headers()['content-type'], path).toMatch(/^text\/html/);
    // The bundle ran and rendered something into the page.
    await page.locator('body :is(h1, h2, p, label, button, main)').first().waitFor({ state: 'visible' });
    await room.screenshot(`loaded ${path === '/' ? 'client' : 'master'}`, [visitor]);
  }
  expect(visitor.pageErrors).toEqual([]);
});

// Issue 12, bug 5: every tab logged a 404 for /favicon.ico. Each page opens in a fresh context, so
// nothing is cached and the browser asks for the icon as a first visit does. And "Installable":
// on a secure page (127.0.0.1 is one) each app's manifest and icons are what Chromium asks for.
test('each app loads with its icon and nothing failing in the console, and is installable', async ({ room }) => {
  for (const [label, path] of [
    ['guest', '/'],
    ['host', '/master'],
  ] as const) {
    const person = await room.newPerson(label);
    const page = person.page;
    const iconAnswered = page.waitForResponse((response) => /\/icon\.svg$/.test(new URL(response.url()).pathname));
    await page.goto(`${room.url}${path}`);
    expect((await iconAnswered).status(), path).toBe(200);
    await page.locator('body :is(h1, h2, p, label, button, main)').first().waitFor({ state: 'visible' });
    // Where a tool or an older browser looks when it reads no link.
    expect(await page.evaluate(async () => (await fetch('/favicon.ico')).status)).toBe(200);
    await room.screenshot(`icon ${label}`, [person]);

    const { status, contentType, manifest, icons } = await fetchManifest(page);
    expect([status, contentType], path).toEqual([200, 'application/manifest+json']);
    expect(manifest, path).toMatchObject({ start_url: path, display: 'standalone' });
    expect(icons.map((icon) => icon.sizes).sort(), path).toEqual(['192x192', '512x512', 'any']);
    for (const icon of icons) {
      expect([icon.status, icon.contentType], icon.src).toEqual([200, icon.declaredType]);
      expect(icon.decoded, icon.src).not.toBeNull();
      if (icon.sizes !== 'any') expect(`${icon.decoded?.width}x${icon.decoded?.height}`, icon.src).toBe(icon.sizes);
    }
    // Chromium's own verdict: nothing stands in the way of "Install Ferry".
    expect(await installabilityErrors(page), path).toEqual([]);
    const failures = person.consoleLines.filter((line) => /^\[(console\.error|pageerror|http \d+)\]/.test(line));
    expect(failures, path).toEqual([]);
  }
});
