import { expect } from 'vitest';
import { checkEveryLook } from './support/axe.js';
import { test } from './support/fixtures.js';
import { roomWithGuests } from './support/scenes.js';
import { texts } from './support/ui.js';
import { waitCount, waitVisible } from './support/wait.js';

// Issue 12, "Text and links, not only files": a text post travels like a file entry and is shown
// as text, never as HTML.

const POSTED = 'Wi-Fi: https://example.com/join?room=7\n<img src=x onerror=alert(1)>\tjavascript:alert(2)';

test('a text a guest posts is shown as text to everyone, copied by another, removed by its author or the host', async ({
  room,
}) => {
  const { host, guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = guests;
  if (ana === undefined || cleo === undefined) throw new Error('two guests expected');

  await texts.composer(ana.page).fill(POSTED);
  await texts.postButton(ana.page).click();
  for (const person of [ana, host, cleo]) {
    const post = texts.post(person.page, 'example.com/join');
    // Listed, not only on its way ("Posting…" has no Copy button).
    await waitVisible(texts.copyButton(post));
    // Exactly the characters posted, line break and tab included; no element made of them.
    expect(await post.locator('pre').textContent()).toBe(POSTED);
    expect(await texts.section(person.page).locator('img, script, a[href^="javascript"]').count()).toBe(0);
  }
  // Only the author may remove it.
  await waitVisible(texts.removeButton(texts.post(ana.page, 'example.com/join')));
  await waitCount(texts.removeButton(texts.post(cleo.page, 'example.com/join')), 0);
  await room.screenshot('text posted');

  await cleo.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: cleo.baseUrl });
  await cleo.page.bringToFront();
  await texts.copyButton(texts.post(cleo.page, 'example.com/join')).click();
  await waitVisible(texts.post(cleo.page, 'example.com/join').getByText('Copied.'));
  expect(await cleo.page.evaluate(() => navigator.clipboard.readText())).toBe(POSTED);

  const found = [
    ...(await checkEveryLook(cleo.page, 'room with a text')),
    ...(await checkEveryLook(ana.page, 'room with own text')),
  ];
  expect(found).toEqual([]);

  await texts.removeButton(texts.post(ana.page, 'example.com/join')).click();
  for (const person of [ana, host, cleo]) await waitCount(texts.post(person.page, 'example.com/join'), 0);
  await room.screenshot('text removed');
  // The host may take down anyone's text.
  await texts.composer(cleo.page).fill('from Cleo');
  await texts.postButton(cleo.page).click();
  await texts.removeButton(texts.post(host.page, 'from Cleo')).click();
  for (const person of [ana, host, cleo]) await waitCount(texts.post(person.page, 'from Cleo'), 0);

  // Nothing in the text ran: no alert dialog on any page.
  for (const person of [ana, host, cleo]) expect(person.dialogs).toEqual([]);
});
