import { roomWithGuests } from './support/scenes.js';
import { test } from './support/room-variants.js';
import { MIB, randomFile } from './support/source-files.js';
import {
  expectRoute,
  expectSavedAs,
  roomWithGuestsAt,
  startDownload,
  twoGuests,
  waitStatus,
} from './support/transfers.js';
import { room as roomUi } from './support/ui.js';

// One file from Ana to Cleo, by each route a transfer can take. Sizes are not whole chunks
// (1 MiB), so the short last chunk is covered too.

// The transfer falls back to the relay only after the connection attempt's bounded time.
const FALLBACK_DOWNLOAD_TIMEOUT_MS = 90_000;

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

test('when P2P cannot connect the download falls back to the relay and is byte-exact', async ({ room }) => {
  // Relay-only ICE with no TURN server: neither page has a candidate, so P2P fails for real.
  const { guests } = await roomWithGuestsAt(room, ['Ana', 'Cleo'], '?ice=relay');
  const [ana, cleo] = twoGuests(guests);
  const source = await randomFile(room, 'fallback.bin', 12 * MIB + 777);
  await roomUi.addFilesInput(ana.page).setInputFiles(source.path);

  const { saved } = await startDownload(cleo, source.name);
  await room.screenshot('download started');
  await waitStatus(cleo, source.name, 'Saved', FALLBACK_DOWNLOAD_TIMEOUT_MS);
  await expectRoute(cleo, source.name, 'via relay');
  await expectSavedAs(saved, source);
  await room.screenshot('saved after the fallback');
});
