import { expect } from 'vitest';
import { checkEveryLook } from './support/axe.js';
import { test } from './support/fixtures.js';
import { approve, joinAndWait, openMasterTab, roomWithGuests, textFile, waitForRoom } from './support/scenes.js';
import { startDownload, waitStatus } from './support/transfers.js';
import { client, master, room as roomUi } from './support/ui.js';
import { waitVisible } from './support/wait.js';

// Issue 12, finding 4: axe-core reports no violation on any main state of either app, in light and
// dark colours, at desktop and phone width (support/axe.ts). Each test gathers every violation it
// finds and fails once, listing them all.

test('from the join form to a room with files and a download, both apps pass axe', async ({ room }) => {
  const found: string[] = [];
  const host = await openMasterTab(room);
  await waitVisible(master.joinLink(host.page));
  found.push(...(await checkEveryLook(host.page, 'master, nobody waiting')));

  const ana = await room.newPerson('Ana');
  await ana.page.goto(`${room.url}/`);
  await waitVisible(client.nameInput(ana.page));
  found.push(...(await checkEveryLook(ana.page, 'join form')));
  await client.nameInput(ana.page).fill('Ana');
  await client.joinButton(ana.page).click();
  await waitVisible(client.waitingHeading(ana.page));
  await waitVisible(client.ownCode(ana.page));
  await waitVisible(master.approveButton(host.page, 'Ana'));
  found.push(...(await checkEveryLook(ana.page, 'waiting')));
  found.push(...(await checkEveryLook(host.page, 'master with a join request')));

  await approve(host, ana);
  found.push(...(await checkEveryLook(ana.page, 'room, no files')));

  const cleo = await joinAndWait(room, host, 'Cleo');
  await approve(host, cleo);
  await roomUi.addFilesInput(ana.page).setInputFiles([textFile('notes.txt', 3000)]);
  const { saved } = await startDownload(cleo, 'notes.txt');
  await waitStatus(cleo, 'notes.txt', 'Saved');
  await saved;
  await room.screenshot('room with a download');
  found.push(...(await checkEveryLook(cleo.page, 'room with files and a download')));
  found.push(...(await checkEveryLook(ana.page, 'room, own file shared')));
  found.push(...(await checkEveryLook(host.page, 'master room')));

  await client.leaveRoomButton(cleo.page).click();
  await waitVisible(client.confirmLeaveButton(cleo.page));
  await master.endRoomButton(host.page).click();
  await waitVisible(master.confirmEndRoomButton(host.page));
  found.push(...(await checkEveryLook(cleo.page, 'asking to leave')));
  found.push(...(await checkEveryLook(host.page, 'asking to end the room')));

  expect(found).toEqual([]);
});

test('turned away, removed and ended: both apps pass axe', async ({ room }) => {
  const found: string[] = [];
  const { host, guests } = await roomWithGuests(room, ['Ana', 'Dora']);
  const [ana, dora] = guests;
  if (ana === undefined || dora === undefined) throw new Error('two guests expected');
  const ben = await joinAndWait(room, host, 'Ben');
  await master.rejectButton(host.page, 'Ben').click();
  await waitVisible(client.notAdmittedHeading(ben.page));
  found.push(...(await checkEveryLook(ben.page, 'not admitted')));
  found.push(...(await checkEveryLook(host.page, 'master with someone turned away')));

  await master.removePersonButton(host.page, 'Ana').click();
  await waitVisible(client.removedHeading(ana.page));
  found.push(...(await checkEveryLook(ana.page, 'removed')));

  await master.endRoomButton(host.page).click();
  await master.confirmEndRoomButton(host.page).click();
  await waitVisible(client.roomEndedHeading(dora.page));
  await waitForRoom(host.page);
  found.push(...(await checkEveryLook(dora.page, 'room ended')));
  found.push(...(await checkEveryLook(host.page, 'master after ending the room')));

  expect(found).toEqual([]);
});
