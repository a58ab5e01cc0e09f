import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FileInfo } from '../../src/protocol/shapes';
import type { DownloadDeps } from '../../src/transfer/download';
import { Download } from '../../src/transfer/download';
import {
  encodeChunkData,
  encodeChunkHeader,
  encodeChunkUnavailable,
  encodeRequestRefused,
  decodeFrame,
  toHex,
} from '../../src/transfer/framing';
import type { Frame } from '../../src/transfer/framing';
import { systemClock } from '../../src/transfer/clock';
import { TransferError } from '../../src/transfer/errors';

const CHUNK = 4;

function fileOf(bytes: Uint8Array): FileInfo {
  return { id: 'f1', owner: 'o1', name: 'x.bin', size: bytes.length, chunkSize: CHUNK };
}

const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const hex = (b: Uint8Array) => toHex(sha(b));

function harness(content: Uint8Array, tuning = {}) {
  const requests: Array<[number, number]> = [];
  const stored = new Map<number, Uint8Array>();
  const cancelled: string[] = [];
  let finished = 0;
  const deps: DownloadDeps = {
    port: {
      requestChunks: (_t, _f, start, end) => requests.push([start, end]),
      cancelTransfer: (t) => cancelled.push(t),
    },
    store: {
      putChunk: (i, b) => {
        stored.set(i, b.slice());
        return Promise.resolve();
      },
      saveProgress: () => Promise.resolve(),
      clear: () => {
        stored.clear();
        return Promise.resolve();
      },
    },
    sha256: (b) => Promise.resolve(sha(b)),
    clock: systemClock,
    finish: () => {
      finished++;
      return Promise.resolve();
    },
  };
  const download = new Download(fileOf(content), 't1', deps, undefined, { windowBytes: 4 * CHUNK, ...tuning });
  const chunk = (i: number) => content.subarray(i * CHUNK, Math.min(content.length, (i + 1) * CHUNK));
  const frames = (i: number, body = chunk(i)): Frame[] =>
    [encodeChunkHeader('t1', i, body.length, sha(chunk(i))), encodeChunkData('t1', i, 0, body)].map((f) => {
      const d = decodeFrame(f);
      if (!d.ok) throw new Error(d.code);
      return d.frame;
    });
  return { download, requests, stored, cancelled, chunk, frames, finished: () => finished };
}

const content = new Uint8Array(10 * CHUNK + 3).map((_, i) => (i * 7) % 256);

describe('Download', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps a window of chunks in flight and refills it in ranges', () => {
    const { download, requests } = harness(content);
    download.start();
    expect(requests).toEqual([[0, 4]]);
  });

  it('assembles P2P frames, verifies, stores and finishes', async () => {
    const h = harness(content);
    h.download.start();
    for (let i = 0; i < 11; i++) {
      for (const f of h.frames(i)) h.download.receiveFrame(f);
      await vi.waitFor(() => expect(h.download.have.has(i)).toBe(true));
    }
    await vi.waitFor(() => expect(h.download.status).toBe('complete'));
    expect(h.finished()).toBe(1);
    const joined = new Uint8Array(content.length);
    for (const [i, b] of h.stored) joined.set(b, i * CHUNK);
    expect(hex(joined)).toBe(hex(content));
    expect(h.download.snapshot().route).toBe('p2p');
    // Every chunk was asked for exactly once.
    const asked = h.requests.flatMap(([s, e]) => Array.from({ length: e - s }, (_, k) => s + k)).sort((a, b) => a - b);
    expect(asked).toEqual(Array.from({ length: 11 }, (_, k) => k));
  });

  it('re-asks for a corrupted chunk and stores only the good copy', async () => {
    const h = harness(content);
    h.download.start();
    await h.download.receiveChunk(0, new Uint8Array([9, 9, 9, 9]), hex(h.chunk(0)), 'relay');
    expect(h.stored.has(0)).toBe(false);
    expect(h.download.status).toBe('running');
    // Chunk 0 left the window, so the next refill asks for it again.
    await h.download.receiveChunk(1, h.chunk(1), hex(h.chunk(1)), 'relay');
    await h.download.receiveChunk(2, h.chunk(2), hex(h.chunk(2)), 'relay');
    expect(h.requests.slice(1).some(([s, e]) => s <= 0 && e > 0)).toBe(true);
    await h.download.receiveChunk(0, h.chunk(0), hex(h.chunk(0)), 'relay');
    expect(h.stored.get(0)).toEqual(h.chunk(0));
  });

  it('stops with a clear error after repeated integrity failures and saves nothing', async () => {
    const h = harness(content, { maxChunkFailures: 3 });
    h.download.start();
    for (let k = 0; k < 3; k++)
      await h.download.receiveChunk(0, new Uint8Array([1, 2, 3, 4]), hex(h.chunk(0)), 'relay');
    expect(h.download.status).toBe('failed');
    expect(h.download.snapshot().error).toMatchObject({
      code: 'CHUNK_INTEGRITY',
      detail: { chunkIndex: 0, failures: 3 },
    });
    expect(h.finished()).toBe(0);
  });

  it('re-asks for chunks that stall past the timeout', () => {
    const h = harness(content, { chunkTimeoutMs: 3000 });
    h.download.start();
    expect(h.requests).toEqual([[0, 4]]);
    vi.advanceTimersByTime(3500);
    expect(h.requests.length).toBeGreaterThan(1);
    expect(h.requests[1]?.[0]).toBe(0);
  });

  it('ignores frames for chunks it never asked for', () => {
    const h = harness(content);
    h.download.start();
    for (const f of h.frames(9)) h.download.receiveFrame(f);
    expect(h.stored.size).toBe(0);
  });

  it('pauses at once, telling the owner to stop, and resumes where it was', async () => {
    const h = harness(content);
    h.download.start();
    await h.download.receiveChunk(0, h.chunk(0), hex(h.chunk(0)), 'relay');
    h.download.pause();
    expect(h.download.status).toBe('paused');
    expect(h.cancelled).toEqual(['t1']);
    // Frames of chunks asked before the pause are dropped, not stored.
    for (const f of h.frames(1)) h.download.receiveFrame(f);
    expect(h.stored.has(1)).toBe(false);
    const asked = h.requests.length;
    h.download.start();
    expect(h.download.status).toBe('running');
    expect(h.requests.length).toBe(asked + 1);
    expect(h.requests[asked]?.[0]).toBe(1);
    expect(h.download.snapshot().bytesDone).toBe(CHUNK);
  });

  it('cancel tells the owner and clears stored chunks', async () => {
    const h = harness(content);
    h.download.start();
    await h.download.receiveChunk(0, h.chunk(0), hex(h.chunk(0)), 'relay');
    h.download.cancel();
    expect(h.cancelled).toEqual(['t1']);
    expect(h.download.status).toBe('cancelled');
    await Promise.resolve();
    expect(h.stored.size).toBe(0);
    await h.download.receiveChunk(1, h.chunk(1), hex(h.chunk(1)), 'relay');
    expect(h.stored.size).toBe(0);
  });

  it('waits while the owner is offline and asks again when it is back', () => {
    const h = harness(content);
    h.download.start();
    h.download.ownerOffline();
    expect(h.download.status).toBe('waiting-owner');
    h.download.ownerOnline();
    expect(h.download.status).toBe('running');
    expect(h.requests).toEqual([
      [0, 4],
      [0, 4],
    ]);
  });

  it.each([
    ['the owner no longer has the file', 'OWNER_LOST_FILE'],
    ['the file left the room', 'FILE_NOT_SHARED'],
  ] as const)('fails when %s: %s', (_name, code) => {
    const h = harness(content);
    h.download.start();
    if (code === 'FILE_NOT_SHARED') h.download.fileRemoved();
    else {
      const d = decodeFrame(encodeChunkUnavailable('t1', 0, 'gone'));
      if (!d.ok) throw new Error(d.code);
      h.download.receiveFrame(d.frame);
    }
    expect(h.download.snapshot()).toMatchObject({ status: 'failed', error: { code } });
  });

  it('waits for the owner to pick the file again, retrying', () => {
    const h = harness(content, { repickRetryMs: 2000 });
    h.download.start();
    const d = decodeFrame(encodeChunkUnavailable('t1', 0, 'needs-repick'));
    if (!d.ok) throw new Error(d.code);
    h.download.receiveFrame(d.frame);
    expect(h.download.status).toBe('needs-repick');
    vi.advanceTimersByTime(2500);
    expect(h.download.status).toBe('running');
    expect(h.requests.length).toBe(2);
  });

  it('resumes from a stored bitmap, asking only for what is missing', () => {
    const stored = new Uint8Array([0b0000_0111, 0]);
    const requests: Array<[number, number]> = [];
    const d = new Download(
      fileOf(content),
      't1',
      {
        port: { requestChunks: (_t, _f, s, e) => requests.push([s, e]), cancelTransfer: () => {} },
        store: {
          putChunk: () => Promise.resolve(),
          saveProgress: () => Promise.resolve(),
          clear: () => Promise.resolve(),
        },
        sha256: (b) => Promise.resolve(sha(b)),
        clock: systemClock,
        finish: () => Promise.resolve(),
      },
      stored,
      { windowBytes: 4 * CHUNK },
    );
    expect(d.snapshot().bytesDone).toBe(3 * CHUNK);
    d.start();
    expect(requests).toEqual([[3, 7]]);
  });

  it('finishes once when several chunk writes complete after the last chunk lands', async () => {
    const bytes = new Uint8Array(3 * CHUNK).map((_, i) => i);
    let finished = 0;
    const pending: Array<() => void> = [];
    const d = new Download(
      fileOf(bytes),
      't1',
      {
        port: { requestChunks: () => {}, cancelTransfer: () => {} },
        store: {
          putChunk: () => Promise.resolve(),
          // Progress writes resolve only when the test says so, all at once.
          saveProgress: () => new Promise<void>((resolve) => pending.push(resolve)),
          clear: () => Promise.resolve(),
        },
        sha256: (b) => Promise.resolve(sha(b)),
        clock: systemClock,
        finish: () => {
          finished++;
          return Promise.resolve();
        },
      },
      undefined,
      { windowBytes: 4 * CHUNK },
    );
    d.start();
    const part = (i: number) => bytes.subarray(i * CHUNK, (i + 1) * CHUNK);
    const arrivals = [0, 1, 2].map((i) => d.receiveChunk(i, part(i), hex(part(i)), 'p2p'));
    await vi.waitFor(() => expect(pending.length).toBe(3));
    for (const resolve of pending) resolve();
    await Promise.all(arrivals);
    await vi.waitFor(() => expect(d.status).toBe('complete'));
    expect(finished).toBe(1);
  });

  it('an empty file completes without asking for anything', async () => {
    const h = harness(new Uint8Array(0));
    h.download.start();
    await vi.waitFor(() => expect(h.download.status).toBe('complete'));
    expect(h.requests).toEqual([]);
  });

  it.each([
    ['its code', new TransferError('HASH_MISMATCH'), 'HASH_MISMATCH'],
    ['FINISH_FAILED for an unexpected error', new Error('disk on fire'), 'FINISH_FAILED'],
  ])('a failing final check fails the download with %s', async (_name, thrown, code) => {
    const bytes = new Uint8Array(3);
    const d = new Download(fileOf(bytes), 't1', {
      port: { requestChunks: () => {}, cancelTransfer: () => {} },
      store: {
        putChunk: () => Promise.resolve(),
        saveProgress: () => Promise.resolve(),
        clear: () => Promise.resolve(),
      },
      sha256: (b) => Promise.resolve(sha(b)),
      clock: systemClock,
      finish: () => Promise.reject(thrown),
    });
    d.start();
    await d.receiveChunk(0, bytes, hex(bytes), 'p2p');
    await vi.waitFor(() => expect(d.status).toBe('failed'));
    expect(d.snapshot().error).toMatchObject({ code });
    if (code === 'FINISH_FAILED') expect(d.snapshot().error?.cause).toBe(thrown);
  });

  it('when no way reaches the owner, waits without asking, and asks once one does', () => {
    let canAsk = false;
    const requests: Array<[number, number]> = [];
    const d = new Download(
      fileOf(content),
      't1',
      {
        port: {
          requestChunks: (_t, _f, s, e) => requests.push([s, e]),
          cancelTransfer: () => {},
          canAsk: () => canAsk,
        },
        store: {
          putChunk: () => Promise.resolve(),
          saveProgress: () => Promise.resolve(),
          clear: () => Promise.resolve(),
        },
        sha256: (b) => Promise.resolve(sha(b)),
        clock: systemClock,
        finish: () => Promise.resolve(),
      },
      undefined,
      { windowBytes: 4 * CHUNK },
    );
    d.start();
    expect(d.status).toBe('waiting-owner');
    expect(requests).toEqual([]);
    canAsk = true;
    d.ownerOnline();
    expect(d.status).toBe('running');
    expect(requests).toEqual([[0, 4]]);
  });

  it('asks again for the chunks an owner refused to send, and only those', () => {
    const h = harness(content);
    h.download.start();
    const refusal = decodeFrame(encodeRequestRefused('t1', 1, 2, 'unknown-transfer'));
    if (!refusal.ok) throw new Error(refusal.code);
    h.download.receiveFrame(refusal.frame);
    expect(h.requests).toEqual([
      [0, 4],
      [1, 3],
    ]);
  });
});
