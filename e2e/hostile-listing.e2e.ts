import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { expect } from 'vitest';
import { test } from './support/fixtures.js';
import { openMasterTab } from './support/scenes.js';
import { master, room as roomUi } from './support/ui.js';
import { waitVisible } from './support/wait.js';

// Issue 11 with the real master app. Finding 2: a guest's ADD_FILES just under the 1 MiB frame
// limit, whose answer (owner on every file) would pass it, used to get the host's socket closed
// with 1009. The daemon now refuses it, and the host stays connected and keeps hearing the room.
// Finding 1: a guest listing the most a peer may (10,000 files with long names) made the room
// state one frame of megabytes; now it comes in pages, and a reloaded host tab sees the room.

interface Frame {
  type: string;
  code?: string;
  reqId?: string;
}

/** A raw WebSocket guest: registers as `name` and collects every frame. */
async function rawGuest(daemonUrl: string, name: string) {
  const socket = new WebSocket(`${daemonUrl.replace(/^http/, 'ws')}/ws`);
  const frames: Frame[] = [];
  socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as Frame));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'CLIENT_REGISTER', name }));
  const send = (message: object) => socket.send(JSON.stringify(message));
  const next = async (where: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = frames.find(where);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`${name}: no such frame; got ${frames.map((f) => f.type).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { socket, send, next };
}

/** 256 files whose ADD_FILES frame is 1,046,073 bytes: names and paths in three- and four-byte UTF-8. */
function nearLimitOffers(): object[] {
  const TARGET = 1_046_073;
  const base = (pad: string) => ({
    id: randomUUID(),
    name: `n${'東'.repeat(200)}`,
    path: `d/${pad}/f`,
    size: 1,
    chunkSize: 1_048_576,
  });
  const envelope = Buffer.byteLength(JSON.stringify({ type: 'ADD_FILES', reqId: 'near-limit', files: [] }));
  const bare = Buffer.byteLength(JSON.stringify(base(''))) + 1;
  const padBytes = Math.floor((TARGET - envelope) / 256) - bare;
  const pad = '😀'.repeat(Math.floor(padBytes / 4)) + 'p'.repeat(padBytes % 4);
  return Array.from({ length: 256 }, () => base(pad));
}

test("a guest's near-limit ADD_FILES is refused; the host stays connected and sees what follows", async ({ room }) => {
  const host = await openMasterTab(room);
  const mallory = await rawGuest(room.url, 'Mallory');
  await waitVisible(master.approveButton(host.page, 'Mallory'));
  await master.approveButton(host.page, 'Mallory').click();
  await mallory.next((f) => f.type === 'ROOM_STATE');

  const frame = JSON.stringify({ type: 'ADD_FILES', reqId: 'near-limit', files: nearLimitOffers() });
  expect(Buffer.byteLength(frame)).toBeGreaterThan(1_040_000);
  expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(1_048_576);
  for (let i = 0; i < 3; i++) mallory.socket.send(frame);
  const refusal = await mallory.next((f) => f.type === 'ERROR' && f.reqId === 'near-limit');
  expect(refusal.code).toBe('LIMIT_EXCEEDED');

  // The host was never asked, so it never had to answer past the frame limit: still connected,
  // it sees Mallory's next (small) file and a new guest's request.
  mallory.socket.send(
    JSON.stringify({
      type: 'ADD_FILES',
      reqId: 'small',
      files: [{ id: randomUUID(), name: 'after-the-attack.txt', size: 12, chunkSize: 1_048_576 }],
    }),
  );
  await waitVisible(roomUi.file(host.page, 'after-the-attack.txt'));
  const ana = await room.joinAs('Ana');
  await waitVisible(master.approveButton(host.page, 'Ana'));
  expect(ana).toBeDefined();
  await room.screenshot('host still connected after the near-limit ADD_FILES');
  mallory.socket.close();
});

/**
 * Files with names near the longest a file system allows, in deep folders: about 1.3 KB each as
 * the room lists them, so 2,000 make a room state of about ten pages. (10,000 short ones would too;
 * e2e/file-list-large.e2e.ts is the list's own test at that size.)
 */
const MANY_FILES = 2_000;
const BATCH = 256;

test('a guest lists 2,000 files with long names and paths; the host reloads into a room of many pages and sees it whole, as does a new guest', async ({
  room,
}) => {
  const host = await openMasterTab(room);
  const lister = await rawGuest(room.url, 'Lister');
  await waitVisible(master.approveButton(host.page, 'Lister'));
  await master.approveButton(host.page, 'Lister').click();
  await lister.next((f) => f.type === 'ROOM_STATE');

  const longName = (i: number) => `${String(i).padStart(5, '0')} ${'a long file name '.repeat(14)}.txt`;
  const deepFolder = Array.from({ length: 12 }, (_, depth) => `folder ${depth} ${'of the archive '.repeat(3)}`).join(
    '/',
  );
  let listedBytes = 0;
  for (let start = 0; start < MANY_FILES; start += BATCH) {
    const reqId = `many-${start}`;
    const files = Array.from({ length: Math.min(BATCH, MANY_FILES - start) }, (_, k) => ({
      id: randomUUID(),
      name: longName(start + k),
      path: `${deepFolder}/${longName(start + k)}`,
      size: 1024 + start + k,
      chunkSize: 1_048_576,
      mime: 'text/plain',
    }));
    listedBytes += files.reduce((sum, file) => sum + Buffer.byteLength(JSON.stringify(file)), 0);
    lister.send({ type: 'ADD_FILES', reqId, files });
    const answer = await lister.next((f) => f.reqId === reqId, 30_000);
    expect(answer.type).toBe('FILES_ADDED');
  }
  // Well past one page (256 KiB) of room state.
  expect(listedBytes).toBeGreaterThan(8 * 256 * 1024);
  // The owner's heading counts what the whole room state lists (the folder itself stays folded).
  const ownerHeader = (page: typeof host.page) =>
    page
      .getByRole('region', { name: 'Files of Lister' })
      .getByRole('heading', { level: 3 })
      .filter({ hasText: `${MANY_FILES} files` });
  await waitVisible(ownerHeader(host.page), 30_000);

  await host.reload();
  await waitVisible(ownerHeader(host.page), 30_000);
  await waitVisible(roomUi.person(host.page, 'Lister'));
  await room.screenshot('host reloaded into a room of many pages');

  const ana = await room.joinAs('Ana');
  await waitVisible(master.approveButton(host.page, 'Ana'));
  await master.approveButton(host.page, 'Ana').click();
  await waitVisible(ownerHeader(ana.page), 30_000);
  await room.screenshot('a new guest sees the whole room');
  lister.socket.close();
});
