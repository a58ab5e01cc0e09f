import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FEATURES, limits, type FileInfo } from '@ferry/common';
import {
  approvedClient,
  closeAll,
  health,
  offer,
  registerMaster,
  share,
  startTestDaemon,
  type DaemonOptions,
  type Member,
  type Peer,
} from './helpers';
import { storedState } from './stored-state';

// REMOVE_FILES / FILES_REMOVED (PROTOCOL.md §9.5): many files in one message, each id checked as
// REMOVE_FILE checks it; peers and masters that did not declare FEATURES.removeFiles keep the
// contract's one message per file.

afterEach(closeAll);

const BULK = { features: [FEATURES.removeFiles] };

/**
 * A master and three guests: ana and bo declared the feature, cleo knows only the contract.
 * `contractMaster`: the master did not declare it either.
 */
async function bulkRoom(options: Partial<DaemonOptions> = {}, contractMaster = false) {
  const daemon = await startTestDaemon(options);
  const master = await registerMaster(daemon, contractMaster ? {} : BULK);
  const ana = await approvedClient(daemon, master, 'ana', BULK);
  const bo = await approvedClient(daemon, master, 'bo', BULK);
  const cleo = await approvedClient(daemon, master, 'cleo');
  for (const member of [master, ana, bo, cleo]) member.peer.clear();
  return { daemon, master, ana, bo, cleo };
}

/** `owner` lists `count` files (in ADD_FILES of 256), answered by the test's master. */
async function shareMany(master: Member, owner: Member, count: number, extra: Parameters<typeof offer>[0] = {}) {
  const files: FileInfo[] = [];
  for (let start = 0; start < count; start += limits.MAX_FILES_PER_MESSAGE) {
    const size = Math.min(limits.MAX_FILES_PER_MESSAGE, count - start);
    files.push(
      ...(await share(
        master,
        owner,
        Array.from({ length: size }, () => offer(extra)),
      )),
    );
  }
  return files;
}

/** The ids in every FILES_REMOVED and FILE_REMOVED `peer` received so far, and how many frames. */
function removalsSeen(peer: Peer): { ids: string[]; bulkFrames: number; eachFrames: number } {
  const ids: string[] = [];
  let bulkFrames = 0;
  let eachFrames = 0;
  for (const text of peer.frames) {
    const m = JSON.parse(text) as { type: string; fileIds?: string[]; fileId?: string };
    if (m.type === 'FILES_REMOVED') {
      bulkFrames++;
      ids.push(...(m.fileIds ?? []));
    } else if (m.type === 'FILE_REMOVED') {
      eachFrames++;
      if (m.fileId !== undefined) ids.push(m.fileId);
    }
  }
  return { ids, bulkFrames, eachFrames };
}

const ids = (files: readonly FileInfo[]) => files.map((f) => f.id);
const sorted = (list: readonly string[]) => [...list].sort();

describe('REMOVE_FILES', () => {
  it("removes a peer's own files: one forward to the master, FILES_REMOVED to who declared it, FILE_REMOVED each to others", async () => {
    const { daemon, master, ana, bo, cleo } = await bulkRoom();
    const files = await shareMany(master, ana, 3);
    ana.peer.send({ type: 'REMOVE_FILES', reqId: 'rm-all', fileIds: ids(files), owner: bo.publicId, by: bo.publicId });
    const forwarded = await master.peer.next('REMOVE_FILES');
    // `owner` and `by` are stamped by the daemon, never taken from the sender.
    expect(forwarded).toEqual({
      type: 'REMOVE_FILES',
      reqId: 'rm-all',
      owner: ana.publicId,
      by: ana.publicId,
      fileIds: ids(files),
    });
    await master.peer.expectNo('REMOVE_FILE');
    master.peer.send({ type: 'FILES_REMOVED', reqId: 'rm-all', fileIds: ids(files) });
    for (const peer of [ana.peer, bo.peer, master.peer]) {
      expect(await peer.next('FILES_REMOVED')).toEqual({ type: 'FILES_REMOVED', reqId: 'rm-all', fileIds: ids(files) });
    }
    for (const file of files) {
      expect(await cleo.peer.next('FILE_REMOVED')).toEqual({ type: 'FILE_REMOVED', reqId: 'rm-all', fileId: file.id });
    }
    await bo.peer.expectNo('FILE_REMOVED');
    expect((await health(daemon))['files']).toBe(0);
    expect(daemon.room.store.load().files).toEqual([]);
  });

  it('skips ids no longer listed (an honest race); only when none is listed is it NO_SUCH_FILE', async () => {
    const { master, ana } = await bulkRoom();
    const [kept, gone] = await shareMany(master, ana, 2);
    if (!kept || !gone) throw new Error('no files');
    master.peer.send({ type: 'FILES_REMOVED', fileIds: [gone.id] });
    await ana.peer.next('FILES_REMOVED');
    ana.peer.send({ type: 'REMOVE_FILES', reqId: 'race', fileIds: [gone.id, kept.id, randomUUID()] });
    expect((await master.peer.next('REMOVE_FILES')).fileIds).toEqual([kept.id]);
    await ana.peer.expectNo('ERROR');
    master.peer.send({ type: 'FILES_REMOVED', reqId: 'race', fileIds: [kept.id, gone.id] });
    expect((await ana.peer.next('FILES_REMOVED')).fileIds).toEqual([kept.id]);
    ana.peer.send({ type: 'REMOVE_FILES', reqId: 'late', fileIds: [gone.id, kept.id] });
    expect(await ana.peer.next('ERROR')).toMatchObject({ code: 'NO_SUCH_FILE', reqId: 'late' });
    master.peer.send({ type: 'FILES_REMOVED', reqId: 'late-answer', fileIds: [kept.id] });
    expect(await master.peer.next('ERROR')).toMatchObject({ code: 'NO_SUCH_FILE', reqId: 'late-answer' });
  });

  it('one id the sender may not remove refuses the whole message: FORBIDDEN, nothing forwarded, nothing changed', async () => {
    const { daemon, master, ana, bo } = await bulkRoom();
    const own = await shareMany(master, ana, 3);
    const [theirs] = await shareMany(master, bo, 1);
    if (!theirs) throw new Error('no file');
    const before = storedState(daemon);
    ana.peer.send({ type: 'REMOVE_FILES', reqId: 'grab', fileIds: [...ids(own), theirs.id] });
    expect(await ana.peer.next('ERROR')).toMatchObject({ code: 'FORBIDDEN', reqId: 'grab' });
    await master.peer.expectNo('REMOVE_FILES');
    await master.peer.expectNo('REMOVE_FILE');
    expect(storedState(daemon)).toBe(before);
    // A guest's FILES_REMOVED is refused as its FILE_REMOVED is.
    ana.peer.send({ type: 'FILES_REMOVED', reqId: 'self-serve', fileIds: ids(own) });
    expect(await ana.peer.next('ERROR')).toMatchObject({ code: 'FORBIDDEN', reqId: 'self-serve' });
    expect(storedState(daemon)).toBe(before);
  });

  it('1,000 forged ids cost one error and change nothing; repeated, the rate limit stops them', async () => {
    const { daemon, master, ana } = await bulkRoom({ rateBurst: 8, rateMessagesPerSecond: 0.001 });
    await shareMany(master, ana, 2);
    const before = storedState(daemon);
    const framesBefore = ana.peer.frames.length;
    const forged = () => Array.from({ length: limits.MAX_FILE_IDS_PER_MESSAGE }, () => randomUUID());
    for (let i = 0; i < 10; i++) ana.peer.send({ type: 'REMOVE_FILES', reqId: `forged-${i}`, fileIds: forged() });
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) codes.push((await ana.peer.next('ERROR')).code);
    // The ADD_FILES above took one of the 8 tokens: 7 answered, the rest dropped unparsed.
    expect(codes).toEqual([...Array<string>(7).fill('NO_SUCH_FILE'), ...Array<string>(3).fill('RATE_LIMITED')]);
    await ana.peer.expectSilence();
    expect(ana.peer.frames.length - framesBefore).toBe(10);
    expect(storedState(daemon)).toBe(before);
    await master.peer.expectNo('REMOVE_FILES');
    await master.peer.expectNo('REMOVE_FILE');
  });

  it('asking again and again for files the master has not removed is charged: the master is not flooded', async () => {
    const burstBytes = 400 * 1024;
    const { master, ana } = await bulkRoom({ listingBurstBytes: burstBytes, listingBytesPerSecond: 1 });
    const files = await shareMany(master, ana, limits.MAX_FILE_IDS_PER_MESSAGE);
    master.peer.frames.length = 0;
    const asks = 20;
    for (let i = 0; i < asks; i++) ana.peer.send({ type: 'REMOVE_FILES', reqId: `again-${i}`, fileIds: ids(files) });
    await ana.peer.next('ERROR', { where: (m) => m.reqId === `again-${asks - 1}` });
    const refusals = ana.peer.frames.filter((f) => f.includes('"RATE_LIMITED"')).length;
    const forwards: string[] = [];
    for (let i = 0; i < asks - refusals; i++) forwards.push((await master.peer.next('REMOVE_FILES')).reqId);
    await master.peer.expectNo('REMOVE_FILES');
    expect(forwards.length).toBeGreaterThanOrEqual(1);
    expect(refusals).toBeGreaterThanOrEqual(1);
    // Listing the 1,000 files took part of the burst; the forwards got no more than the rest.
    const forwardBytes = master.peer.frames
      .filter((f) => f.startsWith('{"type":"REMOVE_FILES"'))
      .reduce((sum, f) => sum + f.length, 0);
    expect(forwardBytes).toBeLessThanOrEqual(burstBytes);
  });

  it('MASTER_OFFLINE while the master is away', async () => {
    const { master, ana } = await bulkRoom();
    const files = await shareMany(master, ana, 2);
    await master.peer.close();
    ana.peer.send({ type: 'REMOVE_FILES', reqId: 'away', fileIds: ids(files) });
    expect(await ana.peer.next('ERROR')).toMatchObject({ code: 'MASTER_OFFLINE', reqId: 'away' });
  });

  it("a direct offer's removal reaches its owner, recipient and master only; others cannot name it", async () => {
    const { master, ana, bo, cleo } = await bulkRoom();
    const posted = await shareMany(master, ana, 2);
    const [toBo] = await shareMany(master, ana, 1, { to: bo.publicId });
    const [toCleo] = await shareMany(master, ana, 1, { to: cleo.publicId });
    if (!toBo || !toCleo) throw new Error('no direct offers');
    // Cleo cannot see the offer to Bo: named alone, it is as unknown as a forged id.
    cleo.peer.send({ type: 'REMOVE_FILES', reqId: 'peek', fileIds: [toBo.id] });
    expect(await cleo.peer.next('ERROR')).toMatchObject({ code: 'NO_SUCH_FILE', reqId: 'peek' });
    for (const member of [master, ana, bo, cleo]) member.peer.frames.length = 0;
    const all = [...ids(posted), toBo.id, toCleo.id];
    ana.peer.send({ type: 'REMOVE_FILES', reqId: 'mine', fileIds: all });
    master.peer.send({
      type: 'FILES_REMOVED',
      reqId: 'mine',
      fileIds: (await master.peer.next('REMOVE_FILES')).fileIds,
    });
    await ana.peer.next('FILES_REMOVED');
    await bo.peer.next('FILES_REMOVED');
    await cleo.peer.next('FILE_REMOVED', { where: (m) => m.fileId === toCleo.id });
    await bo.peer.expectNo('FILE_REMOVED');
    expect(sorted(removalsSeen(master.peer).ids)).toEqual(sorted(all));
    expect(sorted(removalsSeen(ana.peer).ids)).toEqual(sorted(all));
    expect(sorted(removalsSeen(bo.peer).ids)).toEqual(sorted([...ids(posted), toBo.id]));
    expect(sorted(removalsSeen(cleo.peer).ids)).toEqual(sorted([...ids(posted), toCleo.id]));
    expect(bo.peer.frames.join('\n')).not.toContain(toCleo.id);
    expect(cleo.peer.frames.join('\n')).not.toContain(toBo.id);
  });

  it('the recipient declines with REMOVE_FILES: offers from two owners are forwarded as one REMOVE_FILES each', async () => {
    const { master, ana, bo, cleo } = await bulkRoom();
    const [fromAna] = await shareMany(master, ana, 1, { to: cleo.publicId });
    const [fromBo] = await shareMany(master, bo, 1, { to: cleo.publicId });
    if (!fromAna || !fromBo) throw new Error('no offers');
    master.peer.clear();
    cleo.peer.send({ type: 'REMOVE_FILES', reqId: 'decline', fileIds: [fromAna.id, fromBo.id] });
    const first = await master.peer.next('REMOVE_FILES');
    const second = await master.peer.next('REMOVE_FILES');
    expect([first, second].map((m) => [m.owner, m.by, m.fileIds])).toEqual([
      [ana.publicId, cleo.publicId, [fromAna.id]],
      [bo.publicId, cleo.publicId, [fromBo.id]],
    ]);
  });

  it('a master that knows only the contract gets one REMOVE_FILE per file, and the removal completes', async () => {
    const { daemon, master, ana, bo, cleo } = await bulkRoom({}, true);
    const files = await shareMany(master, ana, 3);
    ana.peer.send({ type: 'REMOVE_FILES', reqId: 'old-host', fileIds: ids(files) });
    for (const file of files) {
      const forwarded = await master.peer.next('REMOVE_FILE');
      expect(forwarded).toEqual({
        type: 'REMOVE_FILE',
        reqId: 'old-host',
        owner: ana.publicId,
        by: ana.publicId,
        fileId: file.id,
      });
      master.peer.send({ type: 'FILE_REMOVED', reqId: forwarded.reqId, fileId: forwarded.fileId });
    }
    await master.peer.expectNo('REMOVE_FILES');
    // Each answer is a FILE_REMOVED, announced as the contract has it, to everyone.
    for (const peer of [ana.peer, bo.peer, cleo.peer]) {
      for (const file of files) expect((await peer.next('FILE_REMOVED')).fileId).toBe(file.id);
    }
    expect((await health(daemon))['files']).toBe(0);
  });

  it('ends the transfers of removed files (TRANSFER_CANCELLED to both sides)', async () => {
    const { master, ana, bo } = await bulkRoom({ p2p: false });
    const files = await shareMany(master, ana, 2, { size: 8, chunkSize: 4 });
    const [file] = files;
    if (!file) throw new Error('no file');
    const transferId = randomUUID();
    bo.peer.send({ type: 'REQUEST_CHUNK', transferId, fileId: file.id, start: 0, end: 2 });
    await ana.peer.next('UPLOAD_CHUNK_REQUEST');
    master.peer.send({ type: 'FILES_REMOVED', fileIds: ids(files) });
    for (const peer of [ana.peer, bo.peer]) expect((await peer.next('TRANSFER_CANCELLED')).transferId).toBe(transferId);
  });

  it('a peer leaving: its files reach who declared the feature as FILES_REMOVED, others as FILE_REMOVED each', async () => {
    const { daemon, master, ana, bo, cleo } = await bulkRoom();
    const files = await shareMany(master, ana, 3);
    const [toAna] = await shareMany(master, bo, 1, { to: ana.publicId });
    if (!toAna) throw new Error('no offer');
    for (const member of [master, bo, cleo]) member.peer.frames.length = 0;
    ana.peer.send({ type: 'LEAVE' });
    await bo.peer.next('CLIENT_LEFT');
    await cleo.peer.next('CLIENT_LEFT');
    // Bo and the master may see the direct offer: it comes in a frame of its own, after the shared files.
    for (const peer of [bo.peer, master.peer]) {
      expect(removalsSeen(peer)).toEqual({ ids: [...ids(files), toAna.id], bulkFrames: 2, eachFrames: 0 });
    }
    expect(removalsSeen(cleo.peer)).toEqual({ ids: ids(files), bulkFrames: 0, eachFrames: 3 });
    expect((await health(daemon))['files']).toBe(0);
  });
});

describe('REMOVE_FILES at scale', () => {
  it('10,000 listed files leave in 10 requests and 10 frames to each peer that declared the feature', async () => {
    const { daemon, master, ana, bo, cleo } = await bulkRoom();
    const files = await shareMany(master, ana, limits.MAX_FILES_PER_PEER);
    for (const member of [master, ana, bo, cleo]) member.peer.frames.length = 0;
    const started = performance.now();
    for (let start = 0; start < files.length; start += limits.MAX_FILE_IDS_PER_MESSAGE) {
      const fileIds = ids(files.slice(start, start + limits.MAX_FILE_IDS_PER_MESSAGE));
      ana.peer.send({ type: 'REMOVE_FILES', reqId: `folder-${start}`, fileIds });
      const forwarded = await master.peer.next('REMOVE_FILES');
      master.peer.send({ type: 'FILES_REMOVED', reqId: forwarded.reqId, fileIds: forwarded.fileIds });
    }
    const lastReqId = `folder-${files.length - limits.MAX_FILE_IDS_PER_MESSAGE}`;
    await bo.peer.next('FILES_REMOVED', { where: (m) => m.reqId === lastReqId, timeoutMs: 10_000 });
    const bulkMs = performance.now() - started;
    const last = files.at(-1)?.id;
    await cleo.peer.next('FILE_REMOVED', { where: (m) => m.fileId === last, timeoutMs: 30_000 });
    const contractMs = performance.now() - started;
    expect((await health(daemon))['files']).toBe(0);
    expect(daemon.room.store.load().files).toEqual([]);
    for (const peer of [ana.peer, bo.peer, master.peer]) {
      expect(removalsSeen(peer)).toMatchObject({ bulkFrames: 10, eachFrames: 0 });
      expect(sorted(removalsSeen(peer).ids)).toEqual(sorted(ids(files)));
    }
    expect(master.peer.frames.filter((f) => f.startsWith('{"type":"REMOVE_FILES"')).length).toBe(10);
    expect(removalsSeen(cleo.peer)).toMatchObject({ bulkFrames: 0, eachFrames: 10_000 });
    console.info(
      `10,000 files removed in bulk: ${bulkMs.toFixed(0)} ms to the last FILES_REMOVED (10 frames a peer); ` +
        `${contractMs.toFixed(0)} ms to the last of 10,000 FILE_REMOVED for a contract-only peer`,
    );
  }, 60_000);
});
