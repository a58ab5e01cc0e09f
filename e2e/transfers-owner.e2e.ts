import { expect } from 'vitest';
import { test } from './support/fixtures.js';
import { roomWithGuests, waitForRoom } from './support/scenes.js';
import { MIB, randomFile } from './support/source-files.js';
import {
  expectSavedAs,
  expectUnchangedFor,
  readProgress,
  startDownload,
  twoGuests,
  waitProgressAtLeast,
  waitStatus,
} from './support/transfers.js';
import { room as roomUi } from './support/ui.js';
import { waitGone, waitText } from './support/wait.js';

const FILE_BYTES = 24 * MIB + 999;
const OWNER_AWAY_WINDOW_MS = 1_500;

test('the owner leaves mid-download, comes back, picks the file again, and the download ends byte-exact', async ({
  room,
}) => {
  const { guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = twoGuests(guests);
  const source = await randomFile(room, 'left-behind.bin', FILE_BYTES);
  await roomUi.addFilesInput(ana.page).setInputFiles(source.path);

  const { saved } = await startDownload(cleo, source.name);
  const atLeave = await waitProgressAtLeast(cleo.page, source.name, 5);
  expect(atLeave, 'the download finished before the owner left: use a larger file').toBeLessThan(100);
  await ana.closeTab();

  await waitStatus(cleo, source.name, 'Waiting for the owner');
  // Nothing arrives while the owner is away.
  const away = await readProgress(cleo.page, source.name);
  expect(away).toBeLessThan(100);
  await expectUnchangedFor(
    () => readProgress(cleo.page, source.name),
    away,
    OWNER_AWAY_WINDOW_MS,
    'progress while the owner is away',
  );
  await room.screenshot('owner away');

  // Same context, so the same identity: straight back into the room, the file still listed but
  // the browser has lost access to it.
  await ana.reopenTab();
  await ana.page.goto(`${room.url}/`);
  await waitForRoom(ana.page);
  await waitText(roomUi.file(ana.page, source.name), 'Pick again to share');
  await waitStatus(cleo, source.name, 'The owner must pick the file again');
  await room.screenshot('owner back, file to pick again');

  await roomUi.addFilesInput(ana.page).setInputFiles(source.path);
  await waitGone(roomUi.file(ana.page, source.name).filter({ hasText: 'Pick again to share' }));
  await waitStatus(cleo, source.name, 'Saved');
  await expectSavedAs(saved, source);
  await room.screenshot('saved after the owner came back');
});
