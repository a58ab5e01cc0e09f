import type { FileOffer } from '@ferry/common';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientSession } from '../src/session/client-session';
import { FilePreparer, type PreparingFile } from '@ferry/web/transfers/file-preparer';
import { offer, person, shared } from '@ferry/common/test/builders';
import { FakeClock, fakeDeps, fakeFile, flush, nodeHasher, sha256Hex, until } from '@ferry/web/test/fakes';

const LAST_MODIFIED = 1_700_000_000_000; // fakeFile's
const SHARED_KEY = 'ferry.client.shared-files';

const sessions: ClientSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.destroy();
});

async function sharer() {
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
  return { ...fakes, session, socket };
}

describe('sharing', () => {
  it('remembers its shared files in storage, and forgets removed ones', async () => {
    const { session, socket, storage } = await sharer();
    socket.receive({ type: 'ROOM_STATE', clients: [person('ann', 'Ann')], files: [], masterOnline: true });
    session.addFiles([{ file: fakeFile('a.txt', 10), path: 'docs/a.txt' }]);
    await until(() => socket.sentOfType('ADD_FILES').length > 0);
    const [request] = socket.sentOfType('ADD_FILES');
    const sent = request?.files[0];
    if (!request || !sent) throw new Error('no offer');
    socket.receive({
      type: 'FILES_ADDED',
      reqId: request.reqId,
      owner: 'ann',
      files: [{ ...sent, owner: 'ann' }],
      rejected: [],
    });
    await until(
      () => Array.isArray(storage.data.get(SHARED_KEY)) && (storage.data.get(SHARED_KEY) as unknown[]).length === 1,
    );
    expect(storage.data.get(SHARED_KEY)).toEqual([
      {
        id: sent.id,
        name: 'a.txt',
        size: 10,
        chunkSize: sent.chunkSize,
        lastModified: LAST_MODIFIED,
        path: 'docs/a.txt',
        sha256: sha256Hex(new Uint8Array(10)),
      },
    ]);
    socket.receive({ type: 'FILE_REMOVED', fileId: sent.id });
    await until(() => (storage.data.get(SHARED_KEY) as unknown[]).length === 0);
  });

  it('after a reload, asks for its listed files again and takes them back under the same ids', async () => {
    const { session, socket, platform } = await sharer();
    const listed = shared('f1', 'ann', 'a.txt', {
      size: 10,
      lastModified: LAST_MODIFIED,
      sha256: sha256Hex(new Uint8Array(10)),
    });
    socket.receive({
      type: 'ROOM_STATE',
      clients: [person('ann', 'Ann'), person('ben', 'Ben')],
      files: [listed],
      masterOnline: true,
    });
    expect([...session.view.needsRepick]).toEqual(['f1']);
    expect(await session.transfers.ownFiles.readChunk(listed, 0)).toBe('needs-repick');
    // An asker tries meanwhile: nothing can be sent.
    socket.receive({ type: 'UPLOAD_CHUNK_REQUEST', transferId: 't1', fileId: 'f1', start: 0, end: 1, from: 'ben' });
    await flush();
    expect(platform.relay.puts).toEqual([]);

    // A different file of the same name is a new offer; the same file takes its id back.
    const other = Object.assign(fakeFile('a.txt', 10), { lastModified: 5 });
    const same = fakeFile('a.txt', 10);
    session.addFiles([{ file: other }, { file: same }]);
    expect(session.view.needsRepick.size).toBe(0);
    expect(session.localFiles.get('f1')).toBe(same);
    await until(() => socket.sentOfType('ADD_FILES').length > 0);
    expect(socket.sentOfType('ADD_FILES').flatMap((m) => m.files.map((f) => [f.name, f.lastModified]))).toEqual([
      ['a.txt', 5],
    ]);

    // The asker asks again (it retries on its own) and now gets the bytes.
    socket.receive({ type: 'UPLOAD_CHUNK_REQUEST', transferId: 't1', fileId: 'f1', start: 0, end: 1, from: 'ben' });
    await until(() => platform.relay.puts.length === 1);
    expect(platform.relay.puts[0]).toMatchObject({ transferId: 't1', index: 0, bytes: new Uint8Array(10) });
  });

  it('answers gone for a file that is not its own', async () => {
    const { session } = await sharer();
    expect(await session.transfers.ownFiles.readChunk(undefined, 0)).toBe('gone');
  });

  it('drops a file it can no longer read and asks for it again', async () => {
    const { session, socket } = await sharer();
    const listed = shared('f1', 'ann', 'a.txt', { size: 10, lastModified: LAST_MODIFIED });
    socket.receive({ type: 'ROOM_STATE', clients: [person('ann', 'Ann')], files: [listed], masterOnline: true });
    const broken = Object.assign(fakeFile('a.txt', 10), {
      slice: () => ({ arrayBuffer: () => Promise.reject(new DOMException('gone', 'NotReadableError')) }),
    });
    session.addFiles([{ file: broken }]);
    expect(session.view.needsRepick.size).toBe(0);
    expect(await session.transfers.ownFiles.readChunk(listed, 0)).toBe('needs-repick');
    expect([...session.view.needsRepick]).toEqual(['f1']);
  });
});

describe('FilePreparer', () => {
  function preparer(options = {}) {
    const clock = new FakeClock();
    const changes: Array<readonly PreparingFile[]> = [];
    const ready: FileOffer[][] = [];
    const unreadable: string[] = [];
    const prep = new FilePreparer(
      {
        createHasher: nodeHasher,
        clock,
        onChange: (list) => changes.push(list),
        onReady: (offers) => ready.push(offers),
        onUnreadable: (o, reason) => unreadable.push(`${o.name}: ${reason}`),
      },
      options,
    );
    return { prep, clock, changes, ready, unreadable };
  }

  it('hashes each file and sends them together once all are done', async () => {
    const { prep, ready, changes } = preparer();
    prep.enqueue([
      { offer: offer('a', 'a.txt', { size: 3 }), blob: new Blob(['abc']) },
      { offer: offer('b', 'b.txt', { size: 0 }), blob: new Blob([]) },
    ]);
    expect(changes[0]?.map((p) => p.offer.id)).toEqual(['a', 'b']);
    await until(() => ready.length > 0);
    expect(ready).toEqual([
      [
        { ...offer('a', 'a.txt', { size: 3 }), sha256: sha256Hex(new TextEncoder().encode('abc')) },
        { ...offer('b', 'b.txt', { size: 0 }), sha256: sha256Hex(new Uint8Array(0)) },
      ],
    ]);
    expect(changes.at(-1)).toEqual([]);
  });

  it('reports progress on a large file at most every 250 ms', async () => {
    const { prep, clock, changes, ready } = preparer();
    const MiB = 1024 * 1024;
    // A 12 MiB file whose slices (4 MiB each) the test lets through one at a time.
    const gates: Array<() => void> = [];
    const file = {
      size: 12 * MiB,
      slice: (start: number, end: number) => ({
        arrayBuffer: () =>
          new Promise<ArrayBuffer>((resolve) => gates.push(() => resolve(new ArrayBuffer(end - start)))),
      }),
    };
    prep.enqueue([{ offer: offer('big', 'big.bin', { size: file.size }), blob: file }]);
    expect(changes).toHaveLength(1);
    await until(() => gates.length === 1);
    gates[0]?.();
    await until(() => gates.length === 2);
    gates[1]?.();
    await until(() => gates.length === 3);
    // Two slices hashed, nothing published yet; one update when the 250 ms are up.
    expect(changes).toHaveLength(1);
    clock.advance(250);
    expect(changes).toHaveLength(2);
    expect(changes[1]?.[0]?.bytesDone).toBe(8 * MiB);
    gates[2]?.();
    await until(() => ready.length > 0);
    expect(ready[0]?.[0]?.sha256).toBe(sha256Hex(new Uint8Array(12 * MiB)));
  });

  it('sends hashed files after a short wait when more are still hashing', async () => {
    const { prep, clock, ready } = preparer({ batchWaitMs: 1000 });
    let release: () => void = () => undefined;
    const slow = {
      size: 1,
      slice: () => ({
        arrayBuffer: () => new Promise<ArrayBuffer>((resolve) => (release = () => resolve(new ArrayBuffer(1)))),
      }),
    };
    prep.enqueue([
      { offer: offer('a', 'a.txt', { size: 1 }), blob: new Blob(['a']) },
      { offer: offer('s', 'slow.txt', { size: 1 }), blob: slow },
    ]);
    await until(() => prep.preparing[0]?.offer.id === 's');
    expect(ready).toEqual([]);
    // Hashed and waiting for company: still shown as being prepared, all of it done.
    expect(prep.preparing.map((p) => [p.offer.id, p.bytesDone])).toEqual([
      ['s', 0],
      ['a', 1],
    ]);
    clock.advance(1000);
    expect(ready.map((batch) => batch.map((o) => o.id))).toEqual([['a']]);
    expect(prep.preparing.map((p) => p.offer.id)).toEqual(['s']);
    release();
    await until(() => ready.length === 2);
    expect(ready[1]?.map((o) => o.id)).toEqual(['s']);
  });

  it('reports a file it cannot read', async () => {
    const { prep, ready, unreadable } = preparer();
    const broken = { size: 5, slice: () => ({ arrayBuffer: () => Promise.reject(new Error('moved')) }) };
    prep.enqueue([{ offer: offer('x', 'x.txt', { size: 5 }), blob: broken }]);
    await until(() => unreadable.length > 0);
    expect(unreadable).toEqual(['x.txt: the file could not be read (moved)']);
    expect(ready).toEqual([]);
  });
});

describe('text posts', () => {
  it('posts a text straight to the host, lists it, and never asks to pick it again after a reload', async () => {
    const { session, socket } = await sharer();
    socket.receive({ type: 'ROOM_STATE', clients: [person('ann', 'Ann')], files: [], masterOnline: true });
    expect(session.postText('  ')).toMatch(/Type something/);
    expect(session.postText('wifi: hunter2\r\nroom 7')).toBeNull();
    const [request] = socket.sentOfType('ADD_FILES');
    const sent = request?.files[0];
    if (!request || !sent) throw new Error('no offer');
    expect(sent).toMatchObject({ name: 'Text', text: 'wifi: hunter2\nroom 7', size: 20, mime: 'text/plain' });
    expect(session.view.preparing).toEqual([]);
    socket.receive({
      type: 'FILES_ADDED',
      reqId: request.reqId,
      owner: 'ann',
      files: [{ ...sent, owner: 'ann' }],
      rejected: [],
    });
    expect(session.view.room.files.map((f) => f.text)).toEqual(['wifi: hunter2\nroom 7']);
    expect(session.view.outbox.requests).toEqual([]);
    // As after a reload: the room lists it, this tab has no File for it, and needs none.
    socket.receive({
      type: 'ROOM_STATE',
      clients: [person('ann', 'Ann')],
      files: [{ ...sent, owner: 'ann' }],
      masterOnline: true,
    });
    await flush();
    expect(session.view.needsRepick.size).toBe(0);
    session.removeFile(sent.id);
    expect(socket.sentOfType('REMOVE_FILES')).toEqual([expect.objectContaining({ fileIds: [sent.id] })]);
  });
});
