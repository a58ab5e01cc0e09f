import { expect } from 'vitest';
import { test } from './support/fixtures.js';
import { approve, joinAndWait, roomWithGuests, textFile } from './support/scenes.js';
import { master, room as roomUi } from './support/ui.js';
import { waitCount, waitVisible } from './support/wait.js';

const HTML_FILE_NAME = '<img src=x onerror=alert(1)>';
const HTML_PERSON_NAME = '<img src=y onerror=alert(2)>';

test('a file named like HTML shows as text', async ({ room }) => {
  const { host, guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = guests;
  if (ana === undefined || cleo === undefined) throw new Error('two guests expected');
  await roomUi.addFilesInput(ana.page).setInputFiles([textFile(HTML_FILE_NAME, 64)]);

  for (const person of [ana, host, cleo]) {
    // Visible as text means it was not parsed as markup.
    await waitVisible(roomUi.file(person.page, HTML_FILE_NAME));
    await waitVisible(person.page.getByText(HTML_FILE_NAME).first());
    await waitCount(person.page.locator('img[src="x"]'), 0);
  }
  await room.screenshot('html file name');
  for (const person of room.people) expect(person.dialogs, person.label).toEqual([]);
});

test('a person named like HTML shows as text', async ({ room }) => {
  const { host, guests } = await roomWithGuests(room, ['Ana']);
  const mallory = await joinAndWait(room, host, HTML_PERSON_NAME);
  await waitVisible(host.page.getByText(HTML_PERSON_NAME).first());
  await waitCount(host.page.locator('img[src="y"]'), 0);
  await waitVisible(master.rejectButton(host.page, HTML_PERSON_NAME));
  await approve(host, mallory);
  for (const person of [host, mallory, ...guests]) {
    await waitVisible(roomUi.person(person.page, HTML_PERSON_NAME));
    await waitCount(person.page.locator('img[src="y"]'), 0);
  }
  await room.screenshot('html person name');
  for (const person of room.people) expect(person.dialogs, person.label).toEqual([]);
});

test('the daemon serves both apps with a Content-Security-Policy that forbids inline script', async ({ room }) => {
  const visitor = await room.newPerson('visitor');
  for (const path of ['/', '/master']) {
    const response = await visitor.page.goto(`${room.url}${path}`);
    const policy = response?.headers()['content-security-policy'];
    expect(policy, `CSP header of ${path}`).toBeTypeOf('string');
    const directives = new Map(
      (policy ?? '').split(';').map((part) => {
        const [name = '', ...values] = part.trim().split(/\s+/);
        return [name.toLowerCase(), values] as const;
      }),
    );
    const scriptSources = directives.get('script-src') ?? directives.get('default-src');
    expect(scriptSources, `script-src or default-src in "${policy}"`).toBeDefined();
    expect(scriptSources).not.toContain("'unsafe-inline'");
    expect(scriptSources).not.toContain("'unsafe-eval'");
    expect(scriptSources).not.toContain('*');
  }
});
