import type { FileInfo, FileOffer } from '@ferry/common';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientSession } from '../src/session/client-session';
import { person, shared } from '@ferry/common/test/builders';
import { fakeDeps, fakeFile, until } from '@ferry/web/test/fakes';

// A folder is shared as one batch, and its owner keeps the batch's count true (issue 12).

const sessions: ClientSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.destroy();
});

async function sharer(files: FileInfo[] = []) {
  const fakes = fakeDeps();
  fakes.storage.data.set('ferry.client.identity', { name: 'Ann', privateId: 'secret-ann' });
  const session = new ClientSession(fakes.deps);
  sessions.push(session);
  await session.init();
  const socket = fakes.network.last;
  socket.open();
  socket.receive({
    type: 'CLIENT_REGISTER_ACK',
    publicId: 'ann',
    privateId: 'secret-ann',
    status: 'approved',
    iceServers: [],
    p2p: false,
    masterOnline: true,
  });
  socket.receive({ type: 'ROOM_STATE', clients: [person('ann', 'Ann')], files, masterOnline: true });
  return { ...fakes, session, socket };
}

type Socket = Awaited<ReturnType<typeof sharer>>['socket'];

/** The host's answer to an ADD_FILES: accepts all but `rejectIds`. */
function answer(socket: Socket, request: { reqId: string; files: FileOffer[] }, rejectIds: string[] = []) {
  socket.receive({
    type: 'FILES_ADDED',
    reqId: request.reqId,
    owner: 'ann',
    files: request.files.filter((f) => !rejectIds.includes(f.id)).map((f) => ({ ...f, owner: 'ann' })),
    rejected: rejectIds.map((id) => ({ id, reason: 'file limit reached' })),
  });
}

describe('a shared folder', () => {
  it('goes out as one batch that counts its files', async () => {
    const { session, socket } = await sharer();
    session.addFiles([
      { file: fakeFile('a', 1), path: 'trip/a' },
      { file: fakeFile('b', 2), path: 'trip/day1/b' },
      { file: fakeFile('loose', 3) },
    ]);
    await until(() => socket.sentOfType('ADD_FILES').length > 0);
    const [request] = socket.sentOfType('ADD_FILES');
    const batches = request?.files.map((f) => f.batch);
    expect(batches?.[0]).toEqual({ id: expect.any(String) as string, count: 2 });
    expect(batches?.[1]).toEqual(batches?.[0]);
    expect(batches?.[2]).toBeUndefined();
  });

  it('lowers its count once the host rejected some of it, so others can take the rest', async () => {
    const { session, socket } = await sharer();
    session.addFiles(['a', 'b', 'c'].map((name) => ({ file: fakeFile(name, 1), path: `trip/${name}` })));
    await until(() => socket.sentOfType('ADD_FILES').length > 0);
    const [request] = socket.sentOfType('ADD_FILES');
    if (!request) throw new Error('no ADD_FILES');
    const [a, b, c] = request.files;
    answer(socket, request, [c?.id ?? '']);

    const recounts = socket.sentOfType('ADD_FILES').slice(1);
    expect(recounts).toHaveLength(1);
    // One listed file again, with the count lowered to what is listed: nothing else changes.
    const first = [a, b].sort((x, y) => ((x?.id ?? '') < (y?.id ?? '') ? -1 : 1))[0];
    expect(recounts[0]?.files).toEqual([{ ...first, batch: { id: a?.batch?.id, count: 2 } }]);
    answer(socket, { reqId: recounts[0]?.reqId ?? '', files: recounts[0]?.files ?? [] });
    expect(socket.sentOfType('ADD_FILES')).toHaveLength(2);
    expect(session.view.room.files.map((f) => f.batch?.count).sort()).toEqual([2, 3]);
    // The recounted file is still ours to serve.
    expect(session.localFiles.has(first?.id ?? '')).toBe(true);
  });

  it('waits until nothing of the folder is on its way before it counts again', async () => {
    const listed = [
      shared('f1', 'ann', 'a', { path: 'trip/a', batch: { id: 'b1', count: 3 } }),
      shared('f2', 'ann', 'b', { path: 'trip/b', batch: { id: 'b1', count: 3 } }),
    ];
    const { socket } = await sharer(listed);
    // Two of three listed and nothing on the way (the third was lost with a reload): recounted.
    expect(socket.sentOfType('ADD_FILES').map((m) => m.files.map((f) => [f.id, f.batch?.count]))).toEqual([
      [['f1', 2]],
    ]);
  });

  it('never asks the same recount twice, even if the host refuses it', async () => {
    const listed = [shared('f1', 'ann', 'a', { path: 'trip/a', batch: { id: 'b1', count: 3 } })];
    const { socket, session } = await sharer(listed);
    const [recount] = socket.sentOfType('ADD_FILES');
    if (!recount) throw new Error('no recount');
    socket.receive({
      type: 'FILES_ADDED',
      reqId: recount.reqId,
      owner: 'ann',
      files: [],
      rejected: [{ id: 'f1', reason: 'this id is already used for a different file' }],
    });
    socket.receive({ type: 'FILES_ADDED', reqId: 'other', owner: 'ann', files: [], rejected: [] });
    expect(socket.sentOfType('ADD_FILES')).toHaveLength(1);
    // Not shown as a rejected file of ours: it is listed.
    expect(session.view.outbox.rejected.map((r) => r.offer.id)).toEqual(['f1']);
  });
});

describe('removing a folder', () => {
  const many = Array.from({ length: 60 }, (_, i) =>
    shared(`f${i}`, 'ann', `${i}`, { path: `big/${i}`, batch: { id: 'big', count: 60 } }),
  );

  it('removes every file of it in one message, and counts nothing again meanwhile', async () => {
    const { session, socket } = await sharer([...many, shared('x', 'ann', 'other.txt')]);
    session.removeFolder('big');
    expect(session.view.removing.size).toBe(60);
    const [removal, ...more] = socket.sentOfType('REMOVE_FILES');
    expect(more).toEqual([]);
    expect(removal?.fileIds).toEqual(many.map((f) => f.id));
    // The daemon answers in part (the rest still on its way): no recount goes out meanwhile.
    socket.receive({
      type: 'FILES_REMOVED',
      reqId: removal?.reqId ?? '',
      fileIds: removal?.fileIds.slice(0, 30) ?? [],
    });
    expect(session.view.removing.size).toBe(30);
    expect(socket.sentOfType('ADD_FILES')).toHaveLength(0);
    socket.receive({ type: 'FILES_REMOVED', reqId: removal?.reqId ?? '', fileIds: removal?.fileIds.slice(30) ?? [] });
    expect(session.view.removing.size).toBe(0);
    expect(session.view.room.files.map((f) => f.id)).toEqual(['x']);
  });

  it('sends a folder past 1,000 files in paced messages of 1,000, and sends again what was rate-limited', async () => {
    const huge = Array.from({ length: 2_500 }, (_, i) => shared(`h${i}`, 'ann', `${i}`, { path: `huge/${i}` }));
    const { session, socket, clock } = await sharer(huge);
    session.removeFolder('huge');
    expect(socket.sentOfType('REMOVE_FILES').map((m) => m.fileIds.length)).toEqual([1000]);
    clock.advance(99);
    expect(socket.sentOfType('REMOVE_FILES')).toHaveLength(1);
    clock.advance(1);
    clock.advance(100);
    const sent = socket.sentOfType('REMOVE_FILES');
    expect(sent.map((m) => m.fileIds.length)).toEqual([1000, 1000, 500]);
    expect(sent.flatMap((m) => m.fileIds)).toEqual(huge.map((f) => f.id));
    // The daemon dropped the second unread: the same files go again, still shown as being removed.
    const dropped = sent[1];
    socket.receive({ type: 'ERROR', code: 'RATE_LIMITED', message: 'slow down', reqId: dropped?.reqId ?? '' });
    expect(session.view.removing.size).toBe(2_500);
    expect(session.view.notice).toBeNull();
    const again = socket.sentOfType('REMOVE_FILES')[3];
    expect(again?.fileIds).toEqual(dropped?.fileIds);
    expect(again?.reqId).not.toBe(dropped?.reqId);
    // Files gone meanwhile (an honest race) are no failure: no notice.
    socket.receive({ type: 'ERROR', code: 'NO_SUCH_FILE', message: 'none is listed', reqId: sent[2]?.reqId ?? '' });
    expect(session.view.removing.size).toBe(2_000);
    expect(session.view.notice).toBeNull();
  });

  it('stops sharing everything: listed files, and those still being prepared', async () => {
    const { session, socket } = await sharer([shared('x', 'ann', 'other.txt'), shared('y', 'bob', 'theirs.txt')]);
    session.addFiles([{ file: fakeFile('new.txt', 4) }]);
    session.stopSharingAll();
    expect(session.view.preparing).toEqual([]);
    expect(socket.sentOfType('REMOVE_FILES').map((m) => m.fileIds)).toEqual([['x']]);
    await until(() => session.view.outbox.requests.length === 0);
    expect(socket.sentOfType('ADD_FILES')).toHaveLength(0);
  });
});
