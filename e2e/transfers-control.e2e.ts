import { expect } from 'vitest';
import { test } from './support/fixtures.js';
import { roomWithGuests, waitForRoom } from './support/scenes.js';
import { MIB, randomFile } from './support/source-files.js';
import {
  expectSavedAs,
  expectUnchangedFor,
  progressSeen,
  readProgress,
  startDownload,
  twoGuests,
  waitProgressAtLeast,
  waitStatus,
  waitSteady,
  watchProgressFromFirstPaint,
} from './support/transfers.js';
import { downloads, room as roomUi } from './support/ui.js';
import { waitGone, waitVisible } from './support/wait.js';

// The asker's control over a download: pause and resume, and a reload mid-download. The files
// are large enough that a P2P download on loopback takes a couple of seconds, and each action
// fires within one render of the progress it waits for.
const FILE_BYTES = 24 * MIB + 4321;
/**
 * Pause stops asking for chunks; those already asked for (a window of up to 8 MiB) still land,
 * which on a loaded machine takes seconds. Then the progress must stop for good.
 */
const PAUSE_SETTLE_MS = 1_500;
const PAUSE_SETTLE_TIMEOUT_MS = 20_000;
const PAUSED_WINDOW_MS = 2_000;

test('a paused download stops, then resumes and finishes byte-exact', async ({ room }) => {
  const { guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = twoGuests(guests);
  const source = await randomFile(room, 'paused.bin', FILE_BYTES);
  await roomUi.addFilesInput(ana.page).setInputFiles(source.path);

  const { saved } = await startDownload(cleo, source.name);
  const atPause = await waitProgressAtLeast(cleo.page, source.name, 1);
  expect(atPause, 'the download finished before it could be paused: use a larger file').toBeLessThan(100);
  await downloads.pauseButton(cleo.page, source.name).click();
  await waitStatus(cleo, source.name, 'Paused');
  await waitVisible(downloads.resumeButton(cleo.page, source.name));
  await waitGone(downloads.pauseButton(cleo.page, source.name));

  const read = () => readProgress(cleo.page, source.name);
  const paused = await waitSteady(read, PAUSE_SETTLE_MS, PAUSE_SETTLE_TIMEOUT_MS);
  await expectUnchangedFor(read, paused, PAUSED_WINDOW_MS, 'the progress of a paused download');
  expect(paused).toBeLessThan(100);
  await waitStatus(cleo, source.name, 'Paused', 0);
  await room.screenshot('paused');

  await downloads.resumeButton(cleo.page, source.name).click();
  await waitStatus(cleo, source.name, 'Saved');
  await expectSavedAs(saved, source);
  await room.screenshot('resumed and saved');
});

test('an asker who reloads mid-download carries on from the stored chunks and ends byte-exact', async ({ room }) => {
  const { guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = twoGuests(guests);
  await watchProgressFromFirstPaint(cleo.context);
  const source = await randomFile(room, 'reloaded.bin', FILE_BYTES);
  await roomUi.addFilesInput(ana.page).setInputFiles(source.path);

  const { saved } = await startDownload(cleo, source.name);
  const beforeReload = await waitProgressAtLeast(cleo.page, source.name, 10);
  expect(beforeReload, 'the download finished before the reload: use a larger file').toBeLessThan(100);
  await cleo.reload();
  await waitForRoom(cleo.page);
  await waitVisible(downloads.item(cleo.page, source.name));
  // What the restored download showed first, before any chunk could arrive on the new page.
  const seen = await progressSeen(cleo.page, source.name);
  expect(seen, 'a progress bar of the restored download').toBeDefined();
  expect(seen?.first, 'progress shown first after the reload (0 means it restarted)').toBeGreaterThan(0);
  await room.screenshot('after reload');

  await waitStatus(cleo, source.name, 'Saved');
  expect((await progressSeen(cleo.page, source.name))?.min, 'lowest progress shown after the reload').toBeGreaterThan(
    0,
  );
  await expectSavedAs(saved, source);
  await room.screenshot('saved after reload');
});
