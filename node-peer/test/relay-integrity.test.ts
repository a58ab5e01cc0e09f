import { createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FromDaemon } from '@ferry/common';
import type { Daemon, DaemonOptions } from '@ferry/signaling/daemon';
import { startDaemon } from '@ferry/signaling/daemon';
import { DEFAULT_TUNING } from '@ferry/common/transfer';
import { FerryPeer } from '../src/ferry-peer';
import { cleanupWebrtc } from '../src/wrtc';

/*
 * Integrity on the relay path (issue 5, guarantee 3): the daemon's test-only `relayFaults` hook
 * flips a byte of a stored chunk. The asker must notice by the chunk's SHA-256, ask again, and
 * either finish byte-exact or stop with a clear error: never hand back a wrong file.
 */

const CHUNK = 64 * 1024;
const TOKEN = 'relay-integrity-token-0123456789';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let daemon: Daemon | null = null;
const peers: FerryPeer[] = [];

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await daemon?.close();
  daemon = null;
});
afterAll(() => cleanupWebrtc());

async function relayRoom(relayFaults: DaemonOptions['relayFaults']) {
  daemon = await startDaemon({ masterToken: TOKEN, p2p: false, host: '127.0.0.1', port: 0, relayFaults });
  const master = await FerryPeer.connect({ url: daemon.url, masterToken: TOKEN, chunkSize: CHUNK });
  const owner = await FerryPeer.connect({ url: daemon.url, name: 'owner', chunkSize: CHUNK });
  const asker = await FerryPeer.connect({ url: daemon.url, name: 'asker', chunkSize: CHUNK });
  peers.push(master, owner, asker);
  await master.approve(owner.publicId);
  await master.approve(asker.publicId);
  return { owner, asker, readyCounts: countChunkReady(asker) };
}

/** How many times the relay announced each chunk index to `peer` (a re-fetch shows as a second one). */
function countChunkReady(peer: FerryPeer): Map<number, number> {
  const counts = new Map<number, number>();
  const handle = peer.service.handle.bind(peer.service);
  peer.service.handle = (message: FromDaemon) => {
    if (message.type === 'CHUNK_READY') counts.set(message.index, (counts.get(message.index) ?? 0) + 1);
    handle(message);
  };
  return counts;
}

describe('a chunk corrupted on the relay', () => {
  it('once: the SHA-256 check catches it, the chunk is fetched again, the file is byte-exact', async () => {
    const { owner, asker, readyCounts } = await relayRoom({ corruptChunks: [{ index: 2, times: 1 }] });
    const bytes = randomBytes(5 * CHUNK + 17);
    const file = await owner.share('once.bin', bytes);
    const { bytes: got, download } = await asker.download(file);
    expect(sha(got)).toBe(sha(bytes));
    expect(download.snapshot()).toMatchObject({ status: 'complete', route: 'relay', error: null });
    // Chunk 2 came twice (the corrupted copy, then a good one); every other chunk once.
    expect(readyCounts.get(2)).toBe(2);
    for (const index of [0, 1, 3, 4, 5]) expect(readyCounts.get(index)).toBe(1);
  }, 30_000);

  it('every time: the download stops with a clear error after N failures and nothing is returned', async () => {
    const { owner, asker, readyCounts } = await relayRoom({
      corruptChunks: [{ index: 1, times: Number.POSITIVE_INFINITY }],
    });
    const bytes = randomBytes(4 * CHUNK);
    const file = await owner.share('always.bin', bytes);
    const failed = asker.download(file);
    await expect(failed).rejects.toMatchObject({
      code: 'CHUNK_INTEGRITY',
      detail: { chunkIndex: 1, failures: DEFAULT_TUNING.maxChunkFailures },
    });
    const [download] = [...asker.service.downloads.values()];
    expect(download?.snapshot()).toMatchObject({ status: 'failed' });
    // The asker fetched the bad chunk exactly N times, and never held it as done.
    expect(readyCounts.get(1)).toBe(DEFAULT_TUNING.maxChunkFailures);
    expect(download?.have.has(1)).toBe(false);
  }, 30_000);

  it('a corrupted last (short) chunk is caught as well', async () => {
    const { owner, asker, readyCounts } = await relayRoom({ corruptChunks: [{ index: 3, times: 2 }] });
    const bytes = randomBytes(3 * CHUNK + 5);
    const file = await owner.share('tail.bin', bytes);
    const { bytes: got } = await asker.download(file);
    expect(sha(got)).toBe(sha(bytes));
    expect(readyCounts.get(3)).toBe(3);
  }, 30_000);
});
