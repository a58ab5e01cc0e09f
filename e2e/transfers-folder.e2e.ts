import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { dropFromDisk } from './support/drop.js';
import { test } from './support/fixtures.js';
import { openFolder, roomWithGuests } from './support/scenes.js';
import { MIB, randomFolder, sha256Hex, type SourceFolder } from './support/source-files.js';
import { nextDownload, savedZip, twoGuests, waitDownloadable, waitStatus } from './support/transfers.js';
import { downloads, room as roomUi } from './support/ui.js';
import { waitVisible } from './support/wait.js';
import type { Person } from './support/person.js';
import type { Room } from './support/room.js';

/**
 * Ana shares `folder` (picked, or dropped with its `emptyFolders`); Cleo downloads it as one ZIP,
 * which must hold each file at its path, and each empty folder.
 */
async function downloadFolderAsZip(
  room: Room,
  ana: Person,
  cleo: Person,
  folder: SourceFolder,
  dropped?: { emptyFolders: string[] },
): Promise<void> {
  if (dropped) await dropFromDisk(ana.page, roomUi.filesHeading(ana.page), [folder.path]);
  else await roomUi.addFolderInput(ana.page).setInputFiles(folder.path);
  const button = downloads.downloadFolderButton(cleo.page, folder.name);
  await waitVisible(button);
  // The folder is offered once all of it is listed: every file, every subfolder.
  await expect.poll(() => button.isEnabled(), { timeout: 15_000, message: 'Download folder enabled' }).toBe(true);
  await openFolder(cleo.page, folder.name);
  for (const path of folder.files.keys()) {
    for (const subfolder of path.split('/').slice(0, -1)) await openFolder(cleo.page, subfolder);
  }
  for (const file of folder.files.values()) await waitDownloadable(cleo, file.name);
  await room.screenshot('folder listed');
  const saved = nextDownload(cleo.page);
  await button.click();
  await waitVisible(downloads.item(cleo.page, folder.name));
  await waitStatus(cleo, folder.name, 'Saved');

  const { fileName, entries } = await savedZip(saved);
  expect(fileName).toBe(`${folder.name}.zip`);
  const files = entries.filter((entry) => !entry.path.endsWith('/'));
  // Paths inside the archive start at the folder itself ("trip/day1/map.bin").
  const expected = [...folder.files.keys()].map((path) => `${folder.name}/${path}`).sort();
  expect(files.map((entry) => entry.path).sort()).toEqual(expected);
  for (const entry of files) {
    const source = folder.files.get(entry.path.slice(folder.name.length + 1));
    expect(entry.bytes.length, entry.path).toBe(source?.sizeBytes);
    expect(sha256Hex(entry.bytes), entry.path).toBe(source?.sha256);
  }
  // A folder picker leaves empty folders out; a drop keeps them, and so does the ZIP.
  const folders = entries.filter((entry) => entry.path.endsWith('/')).map((entry) => entry.path);
  for (const empty of dropped?.emptyFolders ?? []) expect(folders).toContain(`${folder.name}/${empty}/`);
}

test('a folder downloads as one ZIP with every file at its relative path, byte-exact', async ({ room }) => {
  const { guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = twoGuests(guests);
  const folder = await randomFolder(room, 'trip', {
    'notes.bin': 2 * MIB + 17,
    'day1/map.bin': 3 * MIB - 3,
    'day2/photo.bin': 4 * MIB + 1000,
  });
  await downloadFolderAsZip(room, ana, cleo, folder);
  await room.screenshot('folder saved');
});

test('a dropped folder whose files are all in subfolders downloads as one ZIP, empty folders kept', async ({
  room,
}) => {
  const { guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = twoGuests(guests);
  const folder = await randomFolder(room, 'album', {
    'disc1/one.bin': 1 * MIB + 5,
    'disc1/two.bin': 700_000,
    'disc2/three.bin': 2 * MIB,
  });
  const emptyFolders = ['disc3', 'disc1/extras'];
  for (const empty of emptyFolders) await mkdir(join(folder.path, empty), { recursive: true });
  await downloadFolderAsZip(room, ana, cleo, folder, { emptyFolders });
  await openFolder(cleo.page, 'disc3');
  await expect.poll(() => cleo.page.getByText('Nothing in this folder').count()).toBeGreaterThan(0);
  await room.screenshot('folder of subfolders saved');
});

test('a folder asked for while it is still being added is saved whole, never as a partial ZIP', async ({ room }) => {
  const { guests } = await roomWithGuests(room, ['Alice', 'Bob']);
  const [alice, bob] = twoGuests(guests);
  // 400 small files (as in issue 12): Alice's tab hashes them one by one and offers them in
  // batches, so the room lists the folder well before it is all there.
  const sizes: Record<string, number> = {};
  for (let index = 0; index < 400; index++) {
    sizes[`part-${index % 4}/file-${String(index).padStart(3, '0')}.bin`] = 16 + ((index * 37) % 2000);
  }
  const folder = await randomFolder(room, 'many', sizes);

  await roomUi.addFolderInput(alice.page).setInputFiles(folder.path);
  const button = downloads.downloadFolderButton(bob.page, folder.name);
  // Bob asks the moment the folder shows up for him, as a person would.
  await waitVisible(button, 60_000);
  // Read at one instant: the button's state and the folder's line beside it.
  const firstSeen = await button.evaluate((element) => ({
    isDisabled: (element as HTMLButtonElement).disabled,
    line: element.closest('li')?.innerText ?? '',
  }));
  console.log(`Bob first saw the folder as: ${firstSeen.line.replace(/\s+/g, ' ')}`);
  if (firstSeen.isDisabled) expect(firstSeen.line).toMatch(/Being added \(\d+ of 400\)/);
  else expect(firstSeen.line).toContain('400 files');
  await room.screenshot('folder being added');
  const saved = nextDownload(bob.page);
  // A disabled button is clicked once it is enabled: the click waits for that, as a person would.
  await button.click({ timeout: 60_000 });
  await waitStatus(bob, folder.name, 'Saved');

  const { entries } = await savedZip(saved);
  const files = entries.filter((entry) => !entry.path.endsWith('/'));
  const expected = [...folder.files.keys()].map((path) => `${folder.name}/${path}`).sort();
  expect(files.map((entry) => entry.path).sort()).toEqual(expected);
  for (const entry of files) {
    const source = folder.files.get(entry.path.slice(folder.name.length + 1));
    expect(sha256Hex(entry.bytes), entry.path).toBe(source?.sha256);
  }
  await room.screenshot('whole folder saved');
});
