import { expect } from 'vitest';
import { test } from './support/fixtures.js';
import { Room } from './support/room.js';
import { registerPendingPeers } from './support/raw-peers.js';
import { openMasterTab, roomWithGuests } from './support/scenes.js';
import { MIB, randomFile } from './support/source-files.js';
import { downloadText, expectSavedAs, startDownload, twoGuests, waitStatus } from './support/transfers.js';
import { client, downloads, master, room as roomUi } from './support/ui.js';
import { waitCount, waitGone, waitVisible } from './support/wait.js';

// Guarantee 8 of issue 5 in the browser: a limit of the daemon is a calm, readable state, and
// the transfer goes on by itself once the limit no longer bites.

const FILE_BYTES = 5 * MIB + 321;
/** The daemon's cap on pending join requests (MAX_PENDING_PEERS). */
const MAX_PENDING = 200;

test('a full relay (507) shows "the relay is busy" to the owner and on the asker\'s download, and the download ends byte-exact once it frees', async ({
  browser,
  task,
  onTestFinished,
}) => {
  // The relay holds 1 MiB at most: one chunk. While the asker has not fetched it, every other
  // PUT of the owner is refused with 507.
  const room = await Room.open(browser, task.name, { isP2pOn: false, extraArgs: ['--relay-quota', '1'] });
  onTestFinished(() => room.close({ hasFailed: task.result?.state === 'fail' }));
  const { guests } = await roomWithGuests(room, ['Ana', 'Cleo']);
  const [ana, cleo] = twoGuests(guests);
  const source = await randomFile(room, 'through-a-full-relay.bin', FILE_BYTES);
  await roomUi.addFilesInput(ana.page).setInputFiles(source.path);

  // The asker's fetches from the relay wait at a gate the test opens: until then the first chunk
  // stays on the relay and fills it, whatever the timing.
  let openGate = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  await cleo.page.route(/\/relay\//, async (route) => {
    await gate;
    await route.continue();
  });

  const { saved } = await startDownload(cleo, source.name);
  const busy = ana.page.getByRole('status').filter({ hasText: 'The relay is busy right now' });
  await waitVisible(busy);
  expect(await busy.innerText()).toContain(
    'files others download from you through it wait a little. Ferry retries by itself',
  );
  // The asker reads why on its download (RELAY_BUSY from the daemon), calmly: still downloading.
  const askerBusy = downloads.item(cleo.page, source.name).getByRole('status');
  await waitVisible(askerBusy);
  expect(await askerBusy.innerText()).toContain(
    'The relay is busy right now, so this download waits a little. Ferry retries by itself',
  );
  expect(await downloadText(cleo.page, source.name)).toContain('Downloading');
  await room.screenshot('relay full');

  openGate();
  await waitStatus(cleo, source.name, 'Saved');
  await expectSavedAs(saved, source);
  expect(await downloadText(cleo.page, source.name)).toContain('via relay');
  await waitGone(busy);
  await waitGone(askerBusy);
  await room.screenshot('relay freed, saved');
});

test('with 200 join requests pending, a new guest reads why on the join form, and gets in once one is answered', async ({
  room,
  onTestFinished,
}) => {
  const host = await openMasterTab(room);
  // 200 people waiting, all still connected (a request whose socket closed would give way).
  const waiting = await registerPendingPeers(room.url, MAX_PENDING, 'Waiting');
  onTestFinished(() => waiting.close());
  await waitVisible(master.rejectButton(host.page, `Waiting ${MAX_PENDING}`));

  const ana = await room.newPerson('Ana');
  await ana.join('Ana');
  const refusal = ana.page.getByText(
    'The room cannot take you in right now: too many people are waiting to join; try again later.',
    {
      exact: true,
    },
  );
  await waitVisible(refusal);
  // Back on the form, the name kept, nothing sent behind the person's back.
  expect(await client.nameInput(ana.page).inputValue()).toBe('Ana');
  await waitCount(master.approveButton(host.page, 'Ana'), 0);
  await room.screenshot('join refused, too many waiting');

  await master.rejectButton(host.page, 'Waiting 1').click();
  await waitCount(master.rejectButton(host.page, 'Waiting 1'), 0);
  await client.joinButton(ana.page).click();
  await waitVisible(client.waitingHeading(ana.page));
  await waitGone(refusal);
  await waitVisible(master.approveButton(host.page, 'Ana'));
  await room.screenshot('one request answered, the guest gets in');
});
