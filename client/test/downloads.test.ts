import { randomBytes } from 'node:crypto';
import type { FromDaemon } from '@ferry/common';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHUNK,
  CountingKv,
  destroySessions,
  downloadingF1,
  guest,
  lastView,
  makeFile,
  sent,
  serve,
  serveAll,
} from './download-harness';
import { shared } from '@ferry/common/test/builders';
import { flush, sha256Hex, until } from '@ferry/web/test/fakes';

afterEach(destroySessions);

describe('downloads', () => {
  it('downloads a file, checks its SHA-256, saves it and deletes the stored chunks', async () => {
    const bytes = randomBytes(5 * CHUNK + 7);
    const file = makeFile('f1', bytes);
    const fakes = await guest([file]);
    fakes.enter();
    fakes.session.downloadFile('f1');
    await until(() => sent(fakes.socket, 'REQUEST_CHUNK').length > 0);
    expect(lastView(fakes.session)).toMatchObject({ name: 'f1.bin', state: 'downloading', totalBytes: bytes.length });
    expect(fakes.session.transfers.downloads.busy.get().has('f1')).toBe(true);

    const view = await serveAll(fakes, fakes.socket, new Map([['f1', bytes]]), fakes.session);
    expect(view).toMatchObject({ state: 'saved', bytesDone: bytes.length, route: 'relay', error: null });
    expect(fakes.platform.saver.saved).toHaveLength(1);
    expect(fakes.platform.saver.saved[0]?.name).toBe('f1.bin');
    expect(sha256Hex(fakes.platform.saver.saved[0]?.bytes ?? new Uint8Array())).toBe(file.sha256);
    await until(() => fakes.platform.chunkKv.data.size === 0 && fakes.platform.recordKv.data.size === 0);
    expect(fakes.session.transfers.downloads.busy.get().size).toBe(0);
  });

  it('hashes the file while it arrives, so the check reads no chunk back at the end', async () => {
    const bytes = randomBytes(9 * CHUNK + 11);
    const file = makeFile('f1', bytes);
    const kv = new CountingKv();
    const fakes = await guest([file], undefined, kv);
    fakes.enter();
    fakes.session.downloadFile('f1');
    const view = await serveAll(fakes, fakes.socket, new Map([['f1', bytes]]), fakes.session);
    expect(view.state).toBe('saved');
    expect(sha256Hex(fakes.platform.saver.saved[0]?.bytes ?? new Uint8Array())).toBe(file.sha256);
    expect(kv.byteReads).toBe(0);
  });

  it('hashes chunks that arrive out of order and saves the right file', async () => {
    const bytes = randomBytes(12 * CHUNK + 1);
    const file = makeFile('f1', bytes);
    const kv = new CountingKv();
    const stored: number[] = [];
    const set = kv.set.bind(kv);
    kv.set = (key, value) => {
      stored.push((key as [string, number])[1]);
      return set(key, value);
    };
    const fakes = await guest([file], undefined, kv);
    fakes.enter();
    fakes.session.downloadFile('f1');
    await until(() => sent(fakes.socket, 'REQUEST_CHUNK').length > 0);
    // The daemon announces every asked chunk, last first.
    const [request] = fakes.socket.sentOfType('REQUEST_CHUNK');
    if (!request) throw new Error('no request');
    expect(request.end - request.start).toBe(13);
    for (let index = request.end - 1; index >= request.start; index--) {
      fakes.platform.relay.chunks.set(
        `${request.transferId}/${index}`,
        bytes.subarray(index * CHUNK, (index + 1) * CHUNK),
      );
      fakes.socket.receive({ type: 'CHUNK_READY', transferId: request.transferId, fileId: 'f1', index });
    }
    await until(() => lastView(fakes.session)?.state === 'saved');
    expect(stored).toEqual(Array.from({ length: 13 }, (_, i) => 12 - i));
    expect(sha256Hex(fakes.platform.saver.saved[0]?.bytes ?? new Uint8Array())).toBe(file.sha256);
    expect(kv.byteReads).toBe(0);
  });

  it('saves under a safe name', async () => {
    const bytes = randomBytes(10);
    const file = makeFile('f1', bytes, { name: '../../CON' });
    const fakes = await guest([file]);
    fakes.enter();
    fakes.session.downloadFile('f1');
    await serveAll(fakes, fakes.socket, new Map([['f1', bytes]]), fakes.session);
    expect(fakes.platform.saver.saved.map((s) => s.name)).toEqual(['_.._CON']);
  });

  it('creates an empty file without asking for chunks', async () => {
    const file = makeFile('f0', new Uint8Array(0));
    const fakes = await guest([file]);
    fakes.enter();
    fakes.session.downloadFile('f0');
    await until(() => lastView(fakes.session)?.state === 'saved');
    expect(sent(fakes.socket, 'REQUEST_CHUNK')).toEqual([]);
    expect(fakes.platform.saver.saved[0]?.bytes).toEqual(new Uint8Array(0));
  });

  it('never saves a file that does not match its SHA-256', async () => {
    const bytes = randomBytes(3 * CHUNK);
    const file = makeFile('f1', bytes, { sha256: sha256Hex(randomBytes(8)) });
    const fakes = await guest([file]);
    fakes.enter();
    fakes.session.downloadFile('f1');
    const view = await serveAll(fakes, fakes.socket, new Map([['f1', bytes]]), fakes.session);
    expect(view).toMatchObject({ state: 'failed', error: { code: 'HASH_MISMATCH' } });
    expect(fakes.platform.saver.saved).toEqual([]);
    await until(() => fakes.platform.chunkKv.data.size === 0 && fakes.platform.recordKv.data.size === 0);
  });

  it('refuses to save a file that has no SHA-256 to check', async () => {
    const bytes = randomBytes(CHUNK);
    const { sha256: _omitted, ...file } = makeFile('f1', bytes);
    const fakes = await guest([file]);
    fakes.enter();
    fakes.session.downloadFile('f1');
    const view = await serveAll(fakes, fakes.socket, new Map([['f1', bytes]]), fakes.session);
    expect(view).toMatchObject({ state: 'failed', error: { code: 'NO_FILE_HASH' } });
    expect(fakes.platform.saver.saved).toEqual([]);
  });

  it('pauses, resumes and cancels', async () => {
    // More chunks than one window (64 chunks here) asks for.
    const bytes = randomBytes(200 * CHUNK);
    const file = makeFile('f1', bytes);
    const fakes = await guest([file]);
    fakes.enter();
    fakes.session.downloadFile('f1');
    await until(() => sent(fakes.socket, 'REQUEST_CHUNK').length > 0);
    const id = lastView(fakes.session)?.id ?? '';
    const { downloads } = fakes.session.transfers;

    downloads.pause(id);
    expect(lastView(fakes.session)?.state).toBe('paused');
    // The owner is told to drop what it still had queued.
    expect(sent(fakes.socket, 'CANCEL_TRANSFER')).toHaveLength(1);
    await until(() =>
      [...fakes.platform.recordKv.data.values()].some((r) => (r.value as { isPaused: boolean }).isPaused),
    );
    // Nothing more is asked while paused.
    const asked = sent(fakes.socket, 'REQUEST_CHUNK').length;
    serve(fakes, fakes.socket, new Map([['f1', bytes]]));
    await flush();
    fakes.clock.advance(30_000);
    expect(sent(fakes.socket, 'REQUEST_CHUNK')).toHaveLength(asked);

    downloads.resume(id);
    expect(lastView(fakes.session)?.state).toBe('downloading');
    await until(() => sent(fakes.socket, 'REQUEST_CHUNK').length > asked);

    downloads.cancel(id);
    expect(lastView(fakes.session)?.state).toBe('cancelled');
    expect(sent(fakes.socket, 'CANCEL_TRANSFER')).toHaveLength(2);
    await until(() => fakes.platform.chunkKv.data.size === 0 && fakes.platform.recordKv.data.size === 0);
    // Finished downloads can be cleared from the list, and the file downloaded again.
    downloads.clearFinished();
    expect(downloads.view.get().items).toEqual([]);
    fakes.session.downloadFile('f1');
    await until(() => lastView(fakes.session)?.state === 'downloading');
  });

  it('fails with a clear reason when the browser has no space left', async () => {
    const bytes = randomBytes(3 * CHUNK);
    const file = makeFile('f1', bytes);
    const fakes = await guest([file]);
    fakes.enter();
    fakes.session.downloadFile('f1');
    await until(() => sent(fakes.socket, 'REQUEST_CHUNK').length > 0);
    fakes.platform.chunkKv.failWrites = new DOMException('the quota is used up', 'QuotaExceededError');
    const view = await serveAll(fakes, fakes.socket, new Map([['f1', bytes]]), fakes.session);
    expect(view).toMatchObject({ state: 'failed', error: { code: 'STORAGE_FULL' } });
    expect(sent(fakes.socket, 'CANCEL_TRANSFER')).toHaveLength(1);
  });

  it('downloads a folder as one ZIP', async () => {
    const a = randomBytes(3 * CHUNK + 1);
    const b = randomBytes(CHUNK);
    const files = [
      shared('fa', 'ann', 'a.txt', { path: 'trip/a.txt', size: a.length, chunkSize: CHUNK, sha256: sha256Hex(a) }),
      shared('fb', 'ann', 'b.txt', { path: 'trip/day1/b.txt', size: b.length, chunkSize: CHUNK, sha256: sha256Hex(b) }),
    ];
    const fakes = await guest(files);
    fakes.enter();
    fakes.session.downloadFolder('ann', 'trip');
    await until(() => sent(fakes.socket, 'REQUEST_CHUNK').length > 0);
    expect(lastView(fakes.session)).toMatchObject({ kind: 'folder', name: 'trip', totalBytes: a.length + b.length });
    const view = await serveAll(
      fakes,
      fakes.socket,
      new Map([
        ['fa', a],
        ['fb', b],
      ]),
      fakes.session,
    );
    expect(view.state).toBe('saved');
    const [zip] = fakes.platform.saver.saved;
    expect(zip?.name).toBe('trip.zip');
    const text = new TextDecoder('latin1').decode(zip?.bytes);
    expect(text).toContain('trip/a.txt');
    expect(text).toContain('trip/day1/b.txt');
    expect(text).toContain(new TextDecoder('latin1').decode(b));
    await until(() => fakes.platform.chunkKv.data.size === 0 && fakes.platform.recordKv.data.size === 0);
  });

  it('does not take a folder that is still being added for the whole of it (issue 12)', async () => {
    const a = randomBytes(CHUNK + 1);
    const b = randomBytes(10);
    const batch = { id: 'trip-batch', count: 2 };
    const fa = shared('fa', 'ann', 'a.txt', {
      path: 'trip/a.txt',
      size: a.length,
      chunkSize: CHUNK,
      sha256: sha256Hex(a),
      batch,
    });
    const fb = shared('fb', 'ann', 'b.txt', {
      path: 'trip/day1/b.txt',
      size: b.length,
      chunkSize: CHUNK,
      sha256: sha256Hex(b),
      batch,
    });
    const fakes = await guest([fa]);
    fakes.enter();
    // One of the batch's two files is listed: asking for the folder starts nothing.
    fakes.session.downloadFolder('ann', 'trip');
    await flush();
    expect(sent(fakes.socket, 'REQUEST_CHUNK')).toHaveLength(0);
    expect(fakes.session.transfers.downloads.view.get().items).toHaveLength(0);

    fakes.socket.receive({ type: 'FILES_ADDED', reqId: 'r2', owner: 'ann', files: [fb], rejected: [] });
    fakes.session.downloadFolder('ann', 'trip');
    const view = await serveAll(
      fakes,
      fakes.socket,
      new Map([
        ['fa', a],
        ['fb', b],
      ]),
      fakes.session,
    );
    expect(view).toMatchObject({ state: 'saved', totalBytes: a.length + b.length });
  });

  it('saves to the place the person picked when the browser offers a picker', async () => {
    const bytes = randomBytes(2 * CHUNK);
    const file = makeFile('f1', bytes);
    const fakes = await guest([file]);
    fakes.platform.saver.hasPicker = true;
    fakes.enter();
    fakes.session.downloadFile('f1');
    await serveAll(fakes, fakes.socket, new Map([['f1', bytes]]), fakes.session);
    expect(fakes.platform.saver.saved.map((s) => [s.name, s.via])).toEqual([['f1.bin', 'picker']]);
  });

  it('publishes progress at most four times a second, state changes at once', async () => {
    const bytes = randomBytes(30 * CHUNK);
    const file = makeFile('f1', bytes);
    const fakes = await guest([file]);
    fakes.enter();
    fakes.session.downloadFile('f1');
    await until(() => sent(fakes.socket, 'REQUEST_CHUNK').length > 0);
    let updates = 0;
    fakes.session.transfers.downloads.view.subscribe(() => updates++);
    serve(fakes, fakes.socket, new Map([['f1', bytes]]), 8);
    await until(() => fakes.platform.chunkKv.data.size === 8);
    for (let i = 0; i < 10; i++) await flush();
    // Eight chunks arrived in the same instant: no update yet, one when the 250 ms are up.
    expect(updates).toBe(0);
    fakes.clock.advance(250);
    expect(updates).toBe(1);
    expect(lastView(fakes.session)?.bytesDone).toBe(8 * CHUNK);
    fakes.session.transfers.downloads.pause(lastView(fakes.session)?.id ?? '');
    expect(updates).toBeGreaterThan(1);
    expect(lastView(fakes.session)?.state).toBe('paused');
  });

  it('ignores the daemon errors transfers cause instead of showing them', async () => {
    const fakes = await downloadingF1(() => undefined);
    const errors: FromDaemon[] = [
      { type: 'ERROR', code: 'NO_SUCH_PEER', message: 'the owner of this file is offline', reqId: fakes.request.reqId },
      { type: 'ERROR', code: 'NO_SUCH_TRANSFER', message: 'no such transfer' },
      { type: 'ERROR', code: 'NO_SUCH_PEER', message: 'no such peer online' },
    ];
    for (const error of errors) fakes.socket.receive(error);
    expect(fakes.session.view.notice).toBeNull();
  });
});
