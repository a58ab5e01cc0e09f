import { expect } from 'vitest';
import { test } from './support/fixtures.js';
import { roomWithGuests } from './support/scenes.js';
import { MIB, randomFile } from './support/source-files.js';
import { expectSavedAs, startDownload, twoGuests, waitStatus } from './support/transfers.js';
import { room as roomUi, uploads } from './support/ui.js';
import { waitGone, waitText, waitVisible } from './support/wait.js';

// "The sharer sees who is downloading" (issue 12): while Bob downloads Ana's file, Ana's row of
// that file says Bob is downloading it, how far and how fast, a calm line asks her to keep the
// tab open, and closing the tab makes the browser ask first. Once Bob has it all, both go.

/** Over P2P (10-16 MB/s here): a few seconds to watch it on the sharer's page. */
const FILE_BYTES = 96 * MIB + 4097;

test('the sharer sees Bob downloading her file, is asked to keep the tab open, and is asked before closing it', async ({
  room,
}) => {
  const { guests } = await roomWithGuests(room, ['Ana', 'Bob']);
  const [ana, bob] = twoGuests(guests);
  const source = await randomFile(room, 'for-bob.bin', FILE_BYTES);
  await roomUi.addFilesInput(ana.page).setInputFiles(source.path);
  // A click, as a person's: browsers ask before closing only pages someone has used.
  await roomUi.filesHeading(ana.page).click();

  const { saved } = await startDownload(bob, source.name);
  const who = uploads.ofFile(ana.page, source.name);
  await waitText(who, /Bob is downloading: /);
  await waitVisible(uploads.keepOpenStatus(ana.page));
  const bar = uploads.progress(ana.page, 'Bob');
  await expect
    .poll(async () => Number(await bar.getAttribute('aria-valuenow')), {
      timeout: 30_000,
      message: "Bob's progress on Ana's row",
    })
    .toBeGreaterThan(0);
  await expect
    .poll(async () => (await who.innerText()).includes('/s'), { timeout: 30_000, message: 'a speed' })
    .toBe(true);
  await room.screenshot('Ana sees Bob downloading');

  // Closing the tab mid-upload: the browser asks (the person stays), and nothing stops.
  await ana.page.close({ runBeforeUnload: true });
  await expect
    .poll(() => ana.dialogs.some((dialog) => dialog.startsWith('beforeunload')), { message: 'a beforeunload prompt' })
    .toBe(true);
  expect(ana.hasOpenPage).toBe(true);

  await waitStatus(bob, source.name, 'Saved');
  await expectSavedAs(saved, source);
  await waitGone(who);
  await waitGone(uploads.keepOpenStatus(ana.page));
  await room.screenshot('Bob has it all: nothing more to keep open for');
});
