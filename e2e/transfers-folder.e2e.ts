import { expect } from 'vitest';
import { test } from './support/fixtures.js';
import { roomWithGuests } from './support/scenes.js';
import { MIB, randomFolder, sha256Hex, type SourceFolder } from './support/source-files.js';
import { nextDownload, savedZip, twoGuests, waitDownloadable, waitStatus } from './support/transfers.js';
import { downloads, room as roomUi } from './support/ui.js';
import { waitVisible } from './support/wait.js';
import type { Person } from './support/person.js';
import type { Room } from './support/room.js';

/** Ana shares `folder`; Cleo downloads it as one ZIP, which must hold each file at its path. */
async function downloadFolderAsZip(room: Room, ana: Person, cleo: Person, folder: SourceFolder): Promise<void> {
  await roomUi.addFolderInput(ana.page).setInputFiles(folder.path);
  for (const file of folder.files.values()) await waitDownloadable(cleo, file.name);

  const button = downloads.downloadFolderButton(cleo.page, folder.name);
  await waitVisible(button);
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

test('a folder whose files are all in subfolders downloads as one ZIP', async ({ room }) => {
  const { guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = twoGuests(guests);
  const folder = await randomFolder(room, 'album', {
    'disc1/one.bin': 1 * MIB + 5,
    'disc1/two.bin': 700_000,
    'disc2/three.bin': 2 * MIB,
  });
  await downloadFolderAsZip(room, ana, cleo, folder);
  await room.screenshot('folder of subfolders saved');
});
