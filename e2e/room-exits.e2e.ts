import { expect } from 'vitest';
import { test } from './support/fixtures.js';
import { approve, joinAndWait, openMasterTab, roomWithGuests, textFile, waitForRoom } from './support/scenes.js';
import { client, master, PERSON_CODE, room as roomUi } from './support/ui.js';
import { waitCount, waitGone, waitText, waitVisible } from './support/wait.js';

// Issue 12: telling people apart by their code, a guest leaving, the host ending the room.

/** The code a waiting guest is asked to tell the host. */
async function ownCode(page: Parameters<typeof client.ownCode>[0]): Promise<string> {
  await waitVisible(client.ownCode(page));
  const code = PERSON_CODE.exec(await client.ownCode(page).innerText())?.[0];
  if (code === undefined) throw new Error('no code on the waiting screen');
  return code;
}

test('the host tells two look-alike requests apart by the code each guest reads', async ({ room }) => {
  const host = await openMasterTab(room);
  // Latin "Ana" and Cyrillic "Аna": the daemon accepts both names, and they look the same.
  const latin = await joinAndWait(room, host, 'Ana');
  const cyrillic = await joinAndWait(room, host, '\u0410na');
  const [latinCode, cyrillicCode] = [await ownCode(latin.page), await ownCode(cyrillic.page)];
  expect(latinCode).not.toBe(cyrillicCode);
  await waitText(master.joinRequest(host.page, 'Ana'), latinCode);
  await waitText(master.joinRequest(host.page, '\u0410na'), cyrillicCode);
  await room.screenshot('two look-alike requests');

  await approve(host, latin);
  // Beside the name everywhere it shows: the people list of the host and of the guest.
  await waitText(roomUi.person(host.page, 'Ana'), latinCode);
  await waitText(roomUi.person(latin.page, 'Ana'), latinCode);
  await roomUi.addFilesInput(latin.page).setInputFiles([textFile('ana.txt', 300)]);
  await waitText(host.page.getByRole('region', { name: 'Files of Ana' }), latinCode);
});

test('an admitted guest leaves the room: gone for everyone, forgotten by the browser', async ({ room }) => {
  const { host, guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = guests;
  if (ana === undefined || cleo === undefined) throw new Error('two guests expected');
  await roomUi.addFilesInput(ana.page).setInputFiles([textFile('ana-notes.txt', 700)]);
  await waitVisible(roomUi.file(cleo.page, 'ana-notes.txt'));

  await client.leaveRoomButton(ana.page).click();
  await waitVisible(client.confirmLeaveButton(ana.page));
  await room.screenshot('ana asked to confirm');
  await client.confirmLeaveButton(ana.page).click();
  await waitVisible(client.nameInput(ana.page));
  await waitCount(roomUi.person(host.page, 'Ana'), 0);
  await waitCount(roomUi.person(cleo.page, 'Ana'), 0);
  await waitCount(roomUi.file(cleo.page, 'ana-notes.txt'), 0);
  await room.screenshot('ana left');

  // Forgotten by this browser: a reload asks for a name again, and joining again is a new request.
  await ana.reload();
  await waitVisible(client.nameInput(ana.page));
  await client.nameInput(ana.page).fill('Ana');
  await client.joinButton(ana.page).click();
  await waitVisible(client.waitingHeading(ana.page));
  await waitVisible(master.approveButton(host.page, 'Ana'));
});

test('the host ends the room: everyone reads it, and a new room starts at once', async ({ room }) => {
  const { host, guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = guests;
  if (ana === undefined || cleo === undefined) throw new Error('two guests expected');
  await roomUi.addFilesInput(ana.page).setInputFiles([textFile('ana-notes.txt', 700)]);
  await roomUi.addFilesInput(host.page).setInputFiles([textFile('host-notes.txt', 500)]);
  await waitVisible(roomUi.file(cleo.page, 'host-notes.txt'));
  const ben = await joinAndWait(room, host, 'Ben');

  await master.endRoomButton(host.page).click();
  await master.confirmEndRoomButton(host.page).click();
  for (const guest of [ana, cleo, ben]) await waitVisible(client.roomEndedHeading(guest.page));
  await waitText(host.page.getByRole('main'), 'You ended the room');
  await waitCount(roomUi.person(host.page, 'Ana'), 0);
  await waitCount(roomUi.file(host.page, 'ana-notes.txt'), 0);
  await waitCount(roomUi.file(host.page, 'host-notes.txt'), 0);
  await waitGone(master.approveButton(host.page, 'Ben'));
  await room.screenshot('room ended');

  // The guests' browsers forgot them: a reload shows the join form.
  await cleo.reload();
  await waitVisible(client.nameInput(cleo.page));
  // The fresh room: asking again reaches the host, who lets them in.
  await client.joinAgainButton(ana.page).click();
  await client.joinButton(ana.page).click();
  await waitVisible(client.waitingHeading(ana.page));
  await approve(host, ana);
  await waitForRoom(ana.page);
  await waitCount(roomUi.file(ana.page, 'ana-notes.txt'), 0);
  await room.screenshot('a new room');
});
