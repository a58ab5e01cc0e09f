import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { expect } from 'vitest';
import { test } from './support/fixtures.js';
import { openMasterTab } from './support/scenes.js';
import { master, room as roomUi } from './support/ui.js';
import { waitVisible } from './support/wait.js';

// Issue 11, finding 2, with the real master app: a guest's ADD_FILES just under the 1 MiB frame
// limit, whose answer (owner on every file) would pass it, used to get the host's socket closed
// with 1009. The daemon now refuses it, and the host stays connected and keeps hearing the room.

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
  const next = async (where: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = frames.find(where);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`${name}: no such frame; got ${frames.map((f) => f.type).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { socket, next };
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
