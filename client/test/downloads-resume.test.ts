import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHUNK,
  CountingKv,
  destroySessions,
  enterRoom,
  guest,
  lastView,
  makeFile,
  sent,
  serve,
  serveAll,
} from './download-harness';
import { person } from '@ferry/common/test/builders';
import { flush, sha256Hex, until } from '@ferry/web/test/fakes';

afterEach(destroySessions);

describe('downloads that survive', () => {
  it('picks up from its stored chunks after a reload', async () => {
    const bytes = randomBytes(20 * CHUNK + 3);
    const file = makeFile('f1', bytes);
    const kv = new CountingKv();
    const first = await guest([file], undefined, kv);
    first.enter();
    first.session.downloadFile('f1');
    await until(() => sent(first.socket, 'REQUEST_CHUNK').length > 0);
    serve(first, first.socket, new Map([['f1', bytes]]), 5);
    await until(() => first.platform.chunkKv.data.size === 5);
    const [request] = first.socket.sentOfType('REQUEST_CHUNK');
    await until(() =>
      [...first.platform.recordKv.data.values()].some(
        (r) => (r.value as { items: Array<{ have: Uint8Array }> }).items[0]?.have[0] === 0b1_1111,
      ),
    );
    expect(first.platform.chunkKv.data.size).toBe(5);
    first.session.destroy();

    // The page reloads: same storage, a new session and engine.
    const second = await guest([file], first);
    await until(() => second.session.transfers.downloads.view.get().items.length === 1);
    // Before the room answers, what it waits for is this tab's own connection.
    expect(lastView(second.session)).toMatchObject({ state: 'waiting-connection', bytesDone: 5 * CHUNK });
    second.enter();
    await until(() => sent(second.socket, 'REQUEST_CHUNK').length > 0);
    const [resumed] = second.socket.sentOfType('REQUEST_CHUNK');
    // Same transfer, and only what is missing.
    expect(resumed).toMatchObject({ transferId: request?.transferId, fileId: 'f1', start: 5 });
    const view = await serveAll(second, second.socket, new Map([['f1', bytes]]), second.session);
    expect(view.state).toBe('saved');
    expect(sha256Hex(second.platform.saver.saved[0]?.bytes ?? new Uint8Array())).toBe(file.sha256);
    // The hash starts again after a reload: the 5 chunks stored before are read back once, the rest not.
    expect(kv.byteReads).toBe(5);
  });

  it('fetches again a chunk marked as stored but missing from storage', async () => {
    const bytes = randomBytes(4 * CHUNK);
    const file = makeFile('f1', bytes);
    const first = await guest([file]);
    first.enter();
    first.session.downloadFile('f1');
    await until(() => sent(first.socket, 'REQUEST_CHUNK').length > 0);
    serve(first, first.socket, new Map([['f1', bytes]]), 2);
    await until(() =>
      [...first.platform.recordKv.data.values()].some(
        (r) => (r.value as { items: Array<{ have: Uint8Array }> }).items[0]?.have[0] === 0b11,
      ),
    );
    first.session.destroy();
    // Chunk 0 vanished (storage evicted it, say) although the record still marks it.
    const key = [...first.platform.chunkKv.data.keys()].find((k) => k.endsWith(',0]'));
    if (key) first.platform.chunkKv.data.delete(key);

    const second = await guest([file], first);
    second.enter();
    await until(() => sent(second.socket, 'REQUEST_CHUNK').length > 0);
    expect(second.socket.sentOfType('REQUEST_CHUNK')[0]).toMatchObject({ start: 0, end: 1 });
    expect((await serveAll(second, second.socket, new Map([['f1', bytes]]), second.session)).state).toBe('saved');
  });

  it('forgets stored downloads of another identity, and fails those whose file is gone', async () => {
    const bytes = randomBytes(3 * CHUNK);
    const kept = makeFile('f1', bytes);
    const gone = makeFile('f2', bytes);
    const first = await guest([kept, gone]);
    first.enter();
    first.session.downloadFile('f1');
    first.session.downloadFile('f2');
    await until(() => first.socket.sentOfType('REQUEST_CHUNK').length === 2);
    serve(
      first,
      first.socket,
      new Map([
        ['f1', bytes],
        ['f2', bytes],
      ]),
      2,
    );
    await until(() => first.platform.chunkKv.data.size === 2);
    first.session.destroy();

    const second = await guest([kept], first);
    second.enter(); // f2 is no longer listed
    await until(() => second.session.transfers.downloads.view.get().items.some((v) => v.state === 'failed'));
    const failed = second.session.transfers.downloads.view.get().items.find((v) => v.name === 'f2.bin');
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'FILE_NOT_SHARED' } });
    second.session.destroy();

    // After a daemon restart the same browser gets a new identity: the old records are not its own.
    const third = await guest([kept], second);
    third.socket.receive({
      type: 'CLIENT_REGISTER_ACK',
      publicId: 'new-me',
      privateId: 'p',
      status: 'approved',
      iceServers: [],
      p2p: false,
    });
    third.socket.receive({
      type: 'ROOM_STATE',
      clients: [person('new-me', 'Ben'), person('ann', 'Ann')],
      files: [kept],
      masterOnline: true,
    });
    await until(() => third.platform.recordKv.data.size === 0 && third.platform.chunkKv.data.size === 0);
    expect(third.session.transfers.downloads.view.get().items).toEqual([]);
    expect(sent(third.socket, 'REQUEST_CHUNK')).toEqual([]);
  });

  it('waits while the owner is away and goes on when they are back', async () => {
    const bytes = randomBytes(12 * CHUNK);
    const file = makeFile('f1', bytes);
    const fakes = await guest([file]);
    fakes.enter();
    fakes.session.downloadFile('f1');
    await until(() => sent(fakes.socket, 'REQUEST_CHUNK').length > 0);
    serve(fakes, fakes.socket, new Map([['f1', bytes]]), 3);
    await flush();
    fakes.socket.receive({ type: 'CLIENT_DISCONNECTED', publicId: 'ann' });
    await until(() => lastView(fakes.session)?.state === 'waiting-owner');
    const asked = sent(fakes.socket, 'REQUEST_CHUNK').length;
    fakes.clock.advance(60_000);
    expect(sent(fakes.socket, 'REQUEST_CHUNK')).toHaveLength(asked);
    fakes.socket.receive({ type: 'CLIENT_RECONNECTED', publicId: 'ann' });
    expect(lastView(fakes.session)?.state).toBe('downloading');
    expect((await serveAll(fakes, fakes.socket, new Map([['f1', bytes]]), fakes.session)).state).toBe('saved');
  });

  it('waits for the host when the host owns the file', async () => {
    const bytes = randomBytes(2 * CHUNK);
    const file = { ...makeFile('f1', bytes), owner: 'h' };
    const fakes = await guest([file]);
    fakes.enter();
    fakes.socket.receive({ type: 'MASTER_DISCONNECTED' });
    fakes.session.downloadFile('f1');
    await until(() => lastView(fakes.session)?.state === 'waiting-owner');
    fakes.socket.receive({ type: 'MASTER_CONNECTED' });
    await until(() => lastView(fakes.session)?.state === 'downloading');
    expect((await serveAll(fakes, fakes.socket, new Map([['f1', bytes]]), fakes.session)).state).toBe('saved');
  });

  it('waits while its own connection is down, says so, and resumes with the room state', async () => {
    const bytes = randomBytes(3 * CHUNK);
    const file = makeFile('f1', bytes);
    const fakes = await guest([file]);
    fakes.enter();
    fakes.session.downloadFile('f1');
    await until(() => sent(fakes.socket, 'REQUEST_CHUNK').length > 0);
    fakes.socket.drop(1006);
    // Not "waiting for the owner": the owner is still there, it is this tab that is cut off.
    expect(lastView(fakes.session)?.state).toBe('waiting-connection');
    fakes.clock.advance(15_000);
    const socket = fakes.network.last;
    socket.open();
    enterRoom(socket, [file]);
    await until(() => lastView(fakes.session)?.state === 'downloading');
    expect((await serveAll(fakes, socket, new Map([['f1', bytes]]), fakes.session)).state).toBe('saved');
  });

  it('stays paused across a reload until resumed', async () => {
    const bytes = randomBytes(8 * CHUNK);
    const file = makeFile('f1', bytes);
    const first = await guest([file]);
    first.enter();
    first.session.downloadFile('f1');
    await until(() => sent(first.socket, 'REQUEST_CHUNK').length > 0);
    first.session.transfers.downloads.pause(lastView(first.session)?.id ?? '');
    await until(() =>
      [...first.platform.recordKv.data.values()].some((r) => (r.value as { isPaused: boolean }).isPaused),
    );
    first.session.destroy();

    const second = await guest([file], first);
    second.enter();
    await flush();
    expect(lastView(second.session)?.state).toBe('paused');
    expect(sent(second.socket, 'REQUEST_CHUNK')).toEqual([]);
    second.session.transfers.downloads.resume(lastView(second.session)?.id ?? '');
    expect((await serveAll(second, second.socket, new Map([['f1', bytes]]), second.session)).state).toBe('saved');
  });
});
