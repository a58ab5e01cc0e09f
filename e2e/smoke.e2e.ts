import { expect } from 'vitest';
import { test } from './support/fixtures.js';

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
