import { expect } from 'vitest';
import type { Person } from './support/person.js';
import { test } from './support/fixtures.js';
import { folderOnDisk, openFolder, roomWithGuests, textFile } from './support/scenes.js';
import { room as roomUi, SIZE_TEXT } from './support/ui.js';
import { waitCount, waitText, waitVisible } from './support/wait.js';

function pair(guests: Person[]): [Person, Person] {
  const [first, second] = guests;
  if (first === undefined || second === undefined) throw new Error('two guests expected');
  return [first, second];
}

/** Waits until the file is listed on `page`, with a size, and no longer pending. */
async function waitListed(person: Person, fileName: string): Promise<void> {
  const item = roomUi.file(person.page, fileName);
  await waitVisible(item);
  await waitText(item, SIZE_TEXT);
  await expect
    .poll(() => item.innerText(), { timeout: 15_000, message: `${fileName} still pending for ${person.label}` })
    .not.toMatch(/Sending|Rejected/);
}

test('files and a folder a guest adds appear for everyone', async ({ room }) => {
  const { host, guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = pair(guests);
  await room.screenshot('room before files');

  await roomUi.addFilesInput(ana.page).setInputFiles([textFile('notes.txt', 2048), textFile('budget.csv', 1500)]);
  const folder = await folderOnDisk(room, 'trip', { 'readme.md': 300, 'day1/map.txt': 4000 });
  await roomUi.addFolderInput(ana.page).setInputFiles(folder);

  for (const person of [ana, host, cleo]) {
    // The folder and its subfolder are shown as folders, by name, collapsed until opened.
    await openFolder(person.page, 'trip');
    await openFolder(person.page, 'day1');
    for (const fileName of ['notes.txt', 'budget.csv', 'readme.md', 'map.txt']) await waitListed(person, fileName);
    // 2,048 bytes are 2 KiB (issue 12, bug 6: binary sizes were labelled "KB").
    await waitText(roomUi.file(person.page, 'notes.txt'), /\b2 KiB\b/);
  }
  // The owner may remove their own files; the others may not.
  await waitVisible(roomUi.removeFileButton(ana.page, 'notes.txt'));
  await waitCount(roomUi.removeFileButton(cleo.page, 'notes.txt'), 0);
  await room.screenshot('files and folder shared');
});

test('files the host adds appear for the guests', async ({ room }) => {
  const { host, guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  await roomUi.addFilesInput(host.page).setInputFiles([textFile('agenda.txt', 900)]);
  for (const person of [host, ...guests]) await waitListed(person, 'agenda.txt');
  await room.screenshot('host shared a file');
});

test('a file a guest removes disappears for everyone', async ({ room }) => {
  const { host, guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = pair(guests);
  await roomUi.addFilesInput(ana.page).setInputFiles([textFile('draft.txt', 512), textFile('final.txt', 640)]);
  for (const person of [ana, host, cleo]) {
    await waitListed(person, 'draft.txt');
    await waitListed(person, 'final.txt');
  }
  await room.screenshot('two files shared');

  await roomUi.removeFileButton(ana.page, 'draft.txt').click();
  for (const person of [ana, host, cleo]) {
    await waitCount(roomUi.file(person.page, 'draft.txt'), 0);
    await waitVisible(roomUi.file(person.page, 'final.txt'));
  }
  await room.screenshot('draft removed');
});

test('adding the same file twice lists it once', async ({ room }) => {
  const { host, guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = pair(guests);
  const input = roomUi.addFilesInput(ana.page);
  await input.setInputFiles([textFile('twice.txt', 1000)]);
  await waitListed(host, 'twice.txt');
  await input.setInputFiles([textFile('twice.txt', 1000)]);
  // A later request from the same tab: once it is listed, the duplicate was answered too.
  await input.setInputFiles([textFile('after.txt', 10)]);
  for (const person of [host, cleo]) {
    await waitListed(person, 'after.txt');
    await waitCount(roomUi.file(person.page, 'twice.txt'), 1);
  }
  // The sharer sees the listed copy, and the second one rejected by the host with a reason.
  await waitListed(ana, 'after.txt');
  const copies = roomUi.file(ana.page, 'twice.txt');
  await waitCount(copies.filter({ hasNotText: /Rejected/ }), 1);
  await waitText(copies.filter({ hasText: /Rejected/ }), /Rejected: \S/);
  await room.screenshot('duplicate handled');
});

test('files dropped on the shared files box are shared', async ({ room }) => {
  const { host, guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = pair(guests);
  // A real drag from the desktop cannot be scripted; a drop event carrying a DataTransfer with
  // File objects is what the page receives from one.
  const dataTransfer = await ana.page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['dropped one\n'], 'dropped-one.txt', { type: 'text/plain' }));
    transfer.items.add(new File(['dropped two\n'], 'dropped-two.txt', { type: 'text/plain' }));
    return transfer;
  });
  // Dispatched on the heading, the events bubble to whatever drop zone holds the section.
  const target = roomUi.filesHeading(ana.page);
  for (const type of ['dragenter', 'dragover', 'drop']) await target.dispatchEvent(type, { dataTransfer });
  for (const person of [ana, host, cleo]) {
    await waitListed(person, 'dropped-one.txt');
    await waitListed(person, 'dropped-two.txt');
  }
  await room.screenshot('files dropped');
});

test('the owner removes a folder, then stops sharing everything once asked again', async ({ room }) => {
  const { host, guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = pair(guests);
  const sizes: Record<string, number> = {};
  for (let index = 0; index < 60; index++) sizes[`sub-${index % 3}/note-${index}.txt`] = 10 + index;
  await roomUi.addFolderInput(ana.page).setInputFiles(await folderOnDisk(room, 'notes', sizes));
  await roomUi.addFilesInput(ana.page).setInputFiles([textFile('keep.txt', 300)]);
  await roomUi.addFolderInput(ana.page).setInputFiles(await folderOnDisk(room, 'album', { 'a.txt': 5 }));
  for (const person of [host, cleo]) {
    await waitListed(person, 'keep.txt');
    await waitText(roomUi.folderToggle(person.page, 'notes').locator('xpath=..'), /60 files/);
  }
  await room.screenshot('two folders shared');

  // 60 removals go in one REMOVE_FILES (under the daemon's rate limit), and all of them go.
  await roomUi.removeFolderButton(ana.page, 'notes').click();
  for (const person of [ana, host, cleo]) await waitCount(roomUi.folderToggle(person.page, 'notes'), 0, 30_000);
  await waitListed(cleo, 'keep.txt');

  // "Stop sharing everything" asks first; keeping is the answer with the focus.
  await roomUi.stopSharingButton(ana.page).click();
  const question = ana.page.getByRole('group', { name: 'Stop sharing everything?' });
  await waitText(question, /Stop sharing all 2 files\?/);
  await room.screenshot('asked before stopping', [ana]);
  await expect.poll(() => ana.page.evaluate(() => document.activeElement?.textContent)).toBe('Keep sharing');
  await ana.page.keyboard.press('Enter');
  await waitCount(question, 0);
  await waitListed(cleo, 'keep.txt');
  await roomUi.stopSharingButton(ana.page).click();
  await question.getByRole('button', { name: 'Stop sharing', exact: true }).click();
  for (const person of [ana, host, cleo]) {
    await waitCount(roomUi.file(person.page, 'keep.txt'), 0);
    await waitCount(roomUi.folderToggle(person.page, 'album'), 0);
  }
  await room.screenshot('nothing shared any more');
});
