import { roomWithGuests } from './support/scenes.js';
import { test } from './support/room-variants.js';
import { MIB, randomFile } from './support/source-files.js';
import { expect } from 'vitest';
import { approve, joinAndWait, openMasterTab } from './support/scenes.js';
import type { Person } from './support/person.js';
import {
  downloadTextsSeen,
  expectRoute,
  expectSavedAs,
  roomWithGuestsAt,
  startDownload,
  twoGuests,
  waitStatus,
  watchDownloadTexts,
} from './support/transfers.js';
import { client, room as roomUi } from './support/ui.js';
import { waitVisible } from './support/wait.js';

// One file from Ana to Cleo, by each route a transfer can take. Sizes are not whole chunks
// (1 MiB), so the short last chunk is covered too.

/**
 * Bug 8 of issue 12: while P2P is tried the download says so, and when it cannot connect it says
 * the relay is used, in that order, before any byte came.
 */
async function expectConnectingThenRelay(asker: Person): Promise<void> {
  const texts = await downloadTextsSeen(asker.page);
  const connecting = texts.findIndex((text) => text.includes('Connecting directly…'));
  const relay = texts.findIndex((text) => text.includes('Going through the relay'));
  expect(
    connecting,
    `${asker.label} never read "Connecting directly…": ${JSON.stringify(texts)}`,
  ).toBeGreaterThanOrEqual(0);
  expect(relay, `${asker.label} never read "Going through the relay": ${JSON.stringify(texts)}`).toBeGreaterThan(
    connecting,
  );
}

test('a download over P2P is byte-exact and shows "via P2P"', async ({ room }) => {
  const { guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = twoGuests(guests);
  const source = await randomFile(room, 'holiday.bin', 12 * MIB + 4097);
  await roomUi.addFilesInput(ana.page).setInputFiles(source.path);

  const { saved } = await startDownload(cleo, source.name);
  await room.screenshot('download started');
  await waitStatus(cleo, source.name, 'Saved');
  await expectRoute(cleo, source.name, 'via P2P');
  await expectSavedAs(saved, source);
  await room.screenshot('saved over p2p');
});

test('with the daemon at --p2p off a download goes through the relay, byte-exact', async ({ roomWithoutP2p: room }) => {
  const { guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = twoGuests(guests);
  const source = await randomFile(room, 'relayed.bin', 16 * MIB + 12_345);
  await roomUi.addFilesInput(ana.page).setInputFiles(source.path);

  const { saved } = await startDownload(cleo, source.name);
  await waitStatus(cleo, source.name, 'Saved');
  await expectRoute(cleo, source.name, 'via relay');
  await expectSavedAs(saved, source);
  await room.screenshot('saved over the relay');
});

test('when P2P cannot connect the download says so, goes through the relay at once, and is byte-exact', async ({
  room,
}) => {
  // Relay-only ICE with no TURN server: neither page has a candidate, so P2P fails for real.
  const { guests } = await roomWithGuestsAt(room, ['Ana', 'Cleo'], '?ice=relay');
  const [ana, cleo] = twoGuests(guests);
  await watchDownloadTexts(cleo.context);
  await cleo.reload();
  await waitVisible(roomUi.filesHeading(cleo.page));
  const source = await randomFile(room, 'fallback.bin', 12 * MIB + 777);
  await roomUi.addFilesInput(ana.page).setInputFiles(source.path);

  const clickedAt = Date.now();
  const { saved } = await startDownload(cleo, source.name);
  await room.screenshot('download started');
  await waitStatus(cleo, source.name, 'Saved');
  // A figure for the report, never asserted: how long from the click to a saved file.
  console.log(`relay fallback: saved ${Date.now() - clickedAt} ms after the click`);
  await expectRoute(cleo, source.name, 'via relay');
  await expectConnectingThenRelay(cleo);
  await expectSavedAs(saved, source);
  await room.screenshot('saved after the fallback');
});

test('when only the asker has no candidate, the owner hears it and the relay takes over, byte-exact', async ({
  room,
}) => {
  const host = await openMasterTab(room);
  const ana = await joinAndWait(room, host, 'Ana');
  await approve(host, ana);
  // Cleo's page offers no candidate; Ana's has hers and would wait out the connect timeout alone.
  const cleo = await room.newPerson('Cleo');
  await watchDownloadTexts(cleo.context);
  await cleo.page.goto(`${room.url}/?ice=relay`);
  await client.nameInput(cleo.page).fill('Cleo');
  await client.joinButton(cleo.page).click();
  await waitVisible(client.waitingHeading(cleo.page));
  await approve(host, cleo);
  const source = await randomFile(room, 'one-sided.bin', 6 * MIB + 5);
  await roomUi.addFilesInput(ana.page).setInputFiles(source.path);

  const clickedAt = Date.now();
  const { saved } = await startDownload(cleo, source.name);
  await waitStatus(cleo, source.name, 'Saved');
  console.log(`one-sided ICE failure: saved ${Date.now() - clickedAt} ms after the click`);
  await expectRoute(cleo, source.name, 'via relay');
  await expectConnectingThenRelay(cleo);
  await expectSavedAs(saved, source);
  await room.screenshot('saved through the relay');
});
