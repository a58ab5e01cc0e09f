import { test } from './support/fixtures.js';
import { approve, joinAndWait, openMasterTab, textFile, waitForRoom } from './support/scenes.js';
import { room as roomUi } from './support/ui.js';
import { waitCount, waitGone, waitText, waitVisible } from './support/wait.js';

// Reconnecting uses capped exponential backoff: allow a few rounds of it.
const RECONNECT_TIMEOUT_MS = 60_000;

test('a guest whose network drops shows it is reconnecting, then catches up as the same person', async ({ room }) => {
  const host = await openMasterTab(room);
  const link = await room.cuttableLink();
  const ana = await joinAndWait(room, host, 'Ana', link.url);
  await approve(host, ana);
  const cleo = await joinAndWait(room, host, 'Cleo');
  await approve(host, cleo);
  await roomUi.addFilesInput(ana.page).setInputFiles([textFile('before-cut.txt', 100)]);
  await waitVisible(roomUi.file(cleo.page, 'before-cut.txt'));

  link.cut();
  await waitVisible(roomUi.reconnectingBanner(ana.page));
  await waitText(roomUi.person(host.page, 'Ana'), /\boffline\b/);
  // The room moves on while Ana is away.
  await roomUi.addFilesInput(cleo.page).setInputFiles([textFile('while-away.txt', 200)]);
  await waitVisible(roomUi.file(host.page, 'while-away.txt'));
  await room.screenshot('ana cut off');

  link.restore();
  await waitGone(roomUi.reconnectingBanner(ana.page), RECONNECT_TIMEOUT_MS);
  await waitForRoom(ana.page);
  await waitVisible(roomUi.file(ana.page, 'while-away.txt'));
  await waitVisible(roomUi.removeFileButton(ana.page, 'before-cut.txt'));
  await waitText(roomUi.person(ana.page, 'Ana'), /\(you\)/);
  for (const person of [host, cleo]) {
    await waitCount(roomUi.person(person.page, 'Ana'), 1);
    await waitText(roomUi.person(person.page, 'Ana'), /\bonline\b/);
  }
  await room.screenshot('ana back');
});
