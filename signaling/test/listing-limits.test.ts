import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { limits, listedFileBytes, type FileOffer } from '@ferry/common';
import { closeAll, offer, Peer, room, share } from './helpers';

/*
 * Issue 11, findings 1 and 2: what one approved guest may make the room list and the host answer.
 * The budgets count bytes as the room serializes them, so a transformation (the master adding
 * `owner`) cannot grow a frame past what the receiver accepts.
 */

afterEach(closeAll);

/** `count` offers whose ADD_FILES frame is about `frameBytes` long (each path up to 4 KB). */
function offersOfFrame(count: number, frameBytes: number): FileOffer[] {
  const base = (pad: string) => offer({ name: `n${'東'.repeat(200)}`, path: `d/${pad}/f` });
  const envelope = Buffer.byteLength(JSON.stringify({ type: 'ADD_FILES', reqId: 'r', files: [] }));
  const bare = Buffer.byteLength(JSON.stringify(base(''))) + 1;
  const padBytes = Math.floor((frameBytes - envelope) / count) - bare;
  // Four bytes a character, so a path of at most 1,024 characters can reach 4,096 bytes.
  const pad = '😀'.repeat(Math.floor(padBytes / 4)) + 'p'.repeat(padBytes % 4);
  return Array.from({ length: count }, () => ({ ...base(pad), id: randomUUID() }));
}

describe('an ADD_FILES whose answer would not fit a frame (finding 2)', () => {
  it('is refused with LIMIT_EXCEEDED before the master is asked, and the host stays connected', async () => {
    const { master, clients } = await room(['mallory', 'alice']);
    const [mallory, alice] = clients as [(typeof clients)[0], (typeof clients)[0]];
    const files = offersOfFrame(limits.MAX_FILES_PER_MESSAGE, 1_046_073);
    const frame = JSON.stringify({ type: 'ADD_FILES', reqId: 'big', files });
    expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(limits.MAX_FRAME_BYTES);
    // The answer the real master would give (owner on every file) is over the limit.
    const answer = JSON.stringify({
      type: 'FILES_ADDED',
      reqId: 'big',
      owner: mallory.publicId,
      files: files.map((f) => ({ ...f, owner: mallory.publicId })),
      rejected: [],
    });
    expect(Buffer.byteLength(answer)).toBeGreaterThan(limits.MAX_FRAME_BYTES);

    mallory.peer.sendRaw(frame);
    const refusal = await mallory.peer.next('ERROR', { where: (m) => m.reqId === 'big' });
    expect(refusal.code).toBe('LIMIT_EXCEEDED');
    await master.peer.expectNo('ADD_FILES');
    expect(master.peer.isOpen).toBe(true);
    // The host still hears what happens next.
    const [file] = await share(master, alice, [offer({ name: 'after.txt' })]);
    expect(file?.name).toBe('after.txt');
  });

  it('forwards a full batch of ordinary files (the bound is far above an honest request)', async () => {
    const { master, clients } = await room(['alice']);
    const files = Array.from({ length: limits.MAX_FILES_PER_MESSAGE }, (_, i) =>
      offer({ name: `IMG_${i}.jpg`, path: `Camera Roll/2024/IMG_${i}.jpg`, mime: 'image/jpeg' }),
    );
    expect(await share(master, clients[0] as (typeof clients)[0], files)).toHaveLength(files.length);
  });
});

describe("a peer's listed-bytes budget (finding 1)", () => {
  it('refuses the ADD_FILES that would pass it with LIMIT_EXCEEDED, and the master is never asked', async () => {
    const { master, clients } = await room(['mallory']);
    const mallory = clients[0] as (typeof clients)[0];
    let listedBytes = 0;
    // Batches of about 900 KB until the next one would pass the budget.
    for (;;) {
      const batch = offersOfFrame(230, 900_000);
      const batchBytes = batch.reduce((n, f) => n + listedFileBytes({ ...f, owner: mallory.publicId }), 0);
      if (listedBytes + batchBytes > limits.MAX_LISTED_BYTES_PER_PEER) {
        mallory.peer.send({ type: 'ADD_FILES', reqId: 'over', files: batch });
        break;
      }
      await share(master, mallory, batch);
      listedBytes += batchBytes;
    }
    const refusal = await mallory.peer.next('ERROR', { where: (m) => m.reqId === 'over' });
    expect(refusal).toMatchObject({ code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/MiB/) as unknown });
    await master.peer.expectNo('ADD_FILES', undefined, (m) => m.reqId === 'over');
    // A resend of files already listed still goes through: it lists nothing new.
  });

  it("holds for the master's own FILES_ADDED too: the files past it are rejected", async () => {
    const { master } = await room([]);
    const files = offersOfFrame(230, 900_000);
    const perFile = listedFileBytes({ ...(files[0] as FileOffer), owner: master.publicId });
    const fit = Math.floor(limits.MAX_LISTED_BYTES_PER_PEER / perFile);
    let sent = 0;
    let accepted = 0;
    const rejected: string[] = [];
    while (sent <= fit) {
      const batch = offersOfFrame(230, 900_000).map((f) => ({ ...f, owner: master.publicId }));
      const reqId = `own-${sent}`;
      master.peer.send({ type: 'FILES_ADDED', reqId, owner: master.publicId, files: batch, rejected: [] });
      const echo = await master.peer.next('FILES_ADDED', { where: (m) => m.reqId === reqId });
      accepted += echo.files.length;
      rejected.push(...echo.rejected.map((r) => r.reason));
      sent += batch.length;
    }
    expect(accepted).toBe(fit);
    expect(rejected.length).toBeGreaterThan(0);
    expect(new Set(rejected)).toEqual(new Set(['file list budget reached']));
  });
});

describe('text rules at the daemon (findings 1 and 12)', () => {
  it.each([
    ['a lone surrogate in a name', { name: 'a\ud800.txt' }],
    ['a lone surrogate in a path', { path: 'd/\udc00/a.txt' }],
    ['control characters in a mime type', { mime: 'text/plain\u0001' }],
    ['a zero-width space in a name', { name: 'a\u200b.txt' }],
    ['a line separator in a path', { path: 'd\u2028/a.txt' }],
  ])('refuses an ADD_FILES with %s as BAD_MESSAGE, and forwards nothing', async (_label, overrides) => {
    const { master, clients } = await room(['mallory']);
    const mallory = clients[0] as (typeof clients)[0];
    mallory.peer.send({ type: 'ADD_FILES', reqId: 'odd', files: [offer(overrides)] });
    const refusal = await mallory.peer.next('ERROR', { where: (m) => m.reqId === 'odd' });
    expect(refusal.code).toBe('BAD_MESSAGE');
    await master.peer.expectNo('ADD_FILES');
  });
});

describe('display names that read as someone else (finding 12)', () => {
  it.each([
    ['the host', 'Host'],
    ['"(you)"', 'alice (you)'],
    ['a copy of a member', 'ＡＬＩＣＥ'],
  ])('refuses a guest called %s with NAME_TAKEN, and the master hears nothing', async (_label, name) => {
    const { daemon, master } = await room(['Alice']);
    const guest = await Peer.connect(daemon, 'impostor');
    guest.send({ type: 'CLIENT_REGISTER', name, reqId: 'join' });
    const refusal = await guest.next('ERROR', { where: (m) => m.reqId === 'join' });
    expect(refusal.code).toBe('NAME_TAKEN');
    await master.peer.expectNo('NEW_CLIENT_REGISTERED');
  });

  it('refuses zero-width and line-separator characters in a name as BAD_MESSAGE', async () => {
    const { daemon } = await room([]);
    const guest = await Peer.connect(daemon, 'impostor');
    guest.send({ type: 'CLIENT_REGISTER', name: 'Ali\u200bce', reqId: 'zw' });
    expect((await guest.next('ERROR', { where: (m) => m.reqId === 'zw' })).code).toBe('BAD_MESSAGE');
    guest.send({ type: 'CLIENT_REGISTER', name: 'Alice\u2028Host', reqId: 'ls' });
    expect((await guest.next('ERROR', { where: (m) => m.reqId === 'ls' })).code).toBe('BAD_MESSAGE');
  });
});
