import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/transfer/clock';
import type { RelayPutResult, UploadDeps } from '../../src/transfer/upload';
import { Uploader } from '../../src/transfer/upload';

/*
 * The relay path of the Uploader with no data channel: a bounded number of PUTs under way per
 * asker, and PUTs told to retry (quota full) holding their places.
 */

const CHUNK = 1024;
const content = new Uint8Array(10 * CHUNK).map((_, i) => i % 251);
const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

function relayOnly(relayPut: UploadDeps['relayPut']): UploadDeps {
  return {
    readChunk: (_id, index) => Promise.resolve(content.subarray(index * CHUNK, (index + 1) * CHUNK)),
    sha256: (b) => Promise.resolve(sha(b)),
    clock: systemClock,
    channelTo: () => Promise.resolve(null),
    relayPut,
  };
}

/** Lets every pending promise callback and timer of zero delay run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('Uploader over the relay', () => {
  it('keeps at most relayConcurrency PUTs under way, and PUTs every chunk once', async () => {
    const pending: Array<{ index: number; answer: (r: RelayPutResult) => void }> = [];
    const done: number[] = [];
    let maxUnderWay = 0;
    const uploader = new Uploader(
      relayOnly((_t, index) => {
        const answered = new Promise<RelayPutResult>((resolve) => pending.push({ index, answer: resolve }));
        maxUnderWay = Math.max(maxUnderWay, pending.length);
        return answered.then((r) => {
          done.push(index);
          return r;
        });
      }),
      { relayConcurrency: 3 },
    );
    uploader.request('asker', 't1', 'f', 0, 10);
    await vi.waitFor(() => expect(pending.length).toBe(3));
    await settle();
    // Three under way, and no fourth started while none has finished.
    expect(pending.map((p) => p.index)).toEqual([0, 1, 2]);
    while (done.length < 10) {
      await vi.waitFor(() => expect(pending.length).toBeGreaterThan(0));
      pending.shift()?.answer('ok');
      await settle();
    }
    expect(maxUnderWay).toBe(3);
    expect([...done].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    uploader.destroy();
  });

  it('while the relay is full, starts no chunk past those under way; all go through once it has room', async () => {
    let isFull = true;
    const attempts: number[] = [];
    const stored = new Set<number>();
    const uploader = new Uploader(
      relayOnly((_t, index) => {
        attempts.push(index);
        if (isFull) return Promise.resolve('retry');
        stored.add(index);
        return Promise.resolve('ok');
      }),
      { relayConcurrency: 3, relayRetry: { baseMs: 1, maxMs: 16 }, relayMaxRetries: 10_000 },
    );
    uploader.request('asker', 't1', 'f', 0, 10);
    // Each of the three has been told "full" several times.
    await vi.waitFor(() => expect(attempts.length).toBeGreaterThanOrEqual(12));
    expect(new Set(attempts)).toEqual(new Set([0, 1, 2]));
    isFull = false;
    await vi.waitFor(() => expect(stored.size).toBe(10));
    uploader.destroy();
  });

  it('serves requests that arrive while the last PUTs are still under way', async () => {
    const pending: Array<(r: RelayPutResult) => void> = [];
    const started: number[] = [];
    const uploader = new Uploader(
      relayOnly((_t, index) => {
        started.push(index);
        return new Promise<RelayPutResult>((resolve) => pending.push(resolve));
      }),
      { relayConcurrency: 3 },
    );
    uploader.request('asker', 't1', 'f', 0, 2);
    await vi.waitFor(() => expect(started).toEqual([0, 1]));
    // The queue is empty and two PUTs are under way: a new request must start at once.
    uploader.request('asker', 't1', 'f', 2, 3);
    await vi.waitFor(() => expect(started).toEqual([0, 1, 2]));
    for (const answer of pending) answer('ok');
    uploader.destroy();
  });
});
