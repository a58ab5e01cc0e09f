import { expect } from 'vitest';
import { test } from './support/fixtures.js';
import { approve, joinAndWait, openMasterTab, roomWithGuests, textFile, waitForRoom } from './support/scenes.js';
import { client, master, room as roomUi } from './support/ui.js';
import { waitCount, waitGone, waitText, waitVisible } from './support/wait.js';

test('the host approves one guest and rejects the other', async ({ room }) => {
  const host = await openMasterTab(room);
  await waitVisible(master.joinLink(host.page));
  await waitText(master.joinLink(host.page), room.url);
  await waitVisible(master.qrCode(host.page));
  await room.screenshot('master opened');

  const ana = await joinAndWait(room, host, 'Ana');
  const ben = await joinAndWait(room, host, 'Ben');
  await waitVisible(master.rejectButton(host.page, 'Ana'));
  await waitVisible(master.rejectButton(host.page, 'Ben'));
  await room.screenshot('two guests waiting');

  await approve(host, ana);
  await waitVisible(roomUi.person(ana.page, 'Ana'));
  await waitText(roomUi.person(ana.page, 'Ana'), /\(you\)/);
  await waitText(roomUi.person(host.page, 'Ana'), /\bonline\b/);
  await waitGone(master.approveButton(host.page, 'Ana'));
  // Approving one person changes nothing for the other, who still waits.
  await waitVisible(client.waitingHeading(ben.page));
  await room.screenshot('ana approved');

  await master.rejectButton(host.page, 'Ben').click();
  await waitVisible(client.notAdmittedHeading(ben.page));
  // No longer a pending request (the host may still offer to approve him later).
  await waitGone(master.rejectButton(host.page, 'Ben'));
  // A rejected person never appears among the people of the room.
  await waitCount(roomUi.person(host.page, 'Ben'), 0);
  await waitCount(roomUi.person(ana.page, 'Ben'), 0);
  await waitGone(roomUi.filesHeading(ben.page));
  await room.screenshot('ben rejected');
});

test('a wrong master token is refused', async ({ room }) => {
  const impostor = await room.openMaster('not-the-token', 'impostor');
  await waitVisible(master.badTokenAlert(impostor.page));
  // Whoever holds a wrong token sees nothing of the room.
  await waitGone(master.joinRequestsHeading(impostor.page));
  await waitGone(roomUi.peopleHeading(impostor.page));
  await room.screenshot('bad token');
  // The real host can still open the master tab afterwards.
  const host = await openMasterTab(room);
  await waitVisible(master.joinLink(host.page));
});

test('the host removes an approved guest, who leaves with their files', async ({ room }) => {
  const { host, guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = guests;
  if (ana === undefined || cleo === undefined) throw new Error('two guests expected');
  await roomUi.addFilesInput(ana.page).setInputFiles([textFile('ana-notes.txt', 700)]);
  await waitVisible(roomUi.file(cleo.page, 'ana-notes.txt'));
  await waitVisible(roomUi.person(cleo.page, 'Ana'));

  await master.removePersonButton(host.page, 'Ana').click();
  // Removed, not "not admitted" (issue 12): she had been let in.
  await waitVisible(client.removedHeading(ana.page));
  await waitText(ana.page.getByRole('main'), 'The host removed you from this room');
  await waitCount(client.notAdmittedHeading(ana.page), 0);
  await waitCount(roomUi.person(host.page, 'Ana'), 0);
  await waitCount(roomUi.person(cleo.page, 'Ana'), 0);
  await waitCount(roomUi.file(cleo.page, 'ana-notes.txt'), 0);
  await waitCount(roomUi.file(host.page, 'ana-notes.txt'), 0);
  // The others carry on.
  await waitForRoom(cleo.page);
  expect(await roomUi.person(cleo.page, 'Cleo').innerText()).toMatch(/\(you\)/);
  await room.screenshot('ana removed');
  // A reload still says removed: the daemon says only "rejected", this browser remembers more.
  await ana.reload();
  await waitVisible(client.removedHeading(ana.page));
});
