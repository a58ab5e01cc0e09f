import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Person } from './person.js';
import type { Room } from './room.js';
import { client, master, room as roomUi } from './ui.js';
import { waitVisible } from './wait.js';

// Steps several tests share, each waiting on what the page shows.

/** The host opens the master tab and it is ready (the join requests section shows). */
export async function openMasterTab(room: Room): Promise<Person> {
  const host = await room.openMaster();
  await waitVisible(master.joinRequestsHeading(host.page));
  return host;
}

/** A guest joins and sees the waiting screen; the host sees the request. */
export async function joinAndWait(room: Room, host: Person, name: string, baseUrl: string = room.url): Promise<Person> {
  const guest = await room.joinAs(name, baseUrl);
  await waitVisible(client.waitingHeading(guest.page));
  await waitVisible(master.approveButton(host.page, name));
  return guest;
}

/** Waits until `page` shows the room: the people list and the shared files. */
export async function waitForRoom(page: Page): Promise<void> {
  await waitVisible(roomUi.peopleHeading(page));
  await waitVisible(roomUi.filesHeading(page));
}

export async function approve(host: Person, guest: Person): Promise<void> {
  await master.approveButton(host.page, guest.label).click();
  await waitForRoom(guest.page);
  await waitVisible(roomUi.person(host.page, guest.label));
}

/** The usual start: a master tab and guests who are all approved and see the room. */
export async function roomWithGuests(
  room: Room,
  names: readonly string[],
): Promise<{ host: Person; guests: Person[] }> {
  const host = await openMasterTab(room);
  const guests: Person[] = [];
  for (const name of names) {
    const guest = await joinAndWait(room, host, name);
    await approve(host, guest);
    guests.push(guest);
  }
  return { host, guests };
}

export interface InMemoryFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** A text file of exactly `sizeBytes` bytes, for setInputFiles. */
export function textFile(name: string, sizeBytes: number): InMemoryFile {
  return { name, mimeType: 'text/plain', buffer: Buffer.alloc(sizeBytes, `${name}\n`) };
}

/**
 * Writes a folder tree to a temp directory of the room and returns the folder's path, for
 * setInputFiles on the webkitdirectory input ({'day1/map.txt': 120} -> <tmp>/<folder>/day1/map.txt).
 */
export async function folderOnDisk(room: Room, folderName: string, files: Record<string, number>): Promise<string> {
  const folder = join(await room.makeTempDir(), folderName);
  for (const [relativePath, sizeBytes] of Object.entries(files)) {
    const path = join(folder, relativePath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, Buffer.alloc(sizeBytes, `${relativePath}\n`));
  }
  return folder;
}

/** Opens the folder's disclosure button if it is closed (folders are listed collapsed). */
export async function openFolder(page: Page, folderName: string): Promise<void> {
  const toggle = roomUi.folderToggle(page, folderName);
  await waitVisible(toggle);
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}
