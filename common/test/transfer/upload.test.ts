import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FileInfo } from '../../src/protocol/shapes';
import { chunkLength } from '../../src/protocol/shapes';
import { Download } from '../../src/transfer/download';
import { decodeFrame } from '../../src/transfer/framing';
import { systemClock } from '../../src/transfer/clock';
import type { RelayPutResult } from '../../src/transfer/upload';
import { Uploader } from '../../src/transfer/upload';
import type { MemoryChannel } from '../../src/transport/memory-channel';
import { createMemoryChannelPair } from '../../src/transport/memory-channel';

/*
 * Owner and asker wired through an in-memory channel with latency and a capacity: the window,
 * backpressure by bufferedAmount, and the relay taking over when the channel dies.
 */

const CHUNK = 64 * 1024;
const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function opened(channel: MemoryChannel): Promise<void> {
  if (channel.state === 'open') return;
  await new Promise<void>((resolve) => channel.onOpen(resolve));
}

function wire(content: Uint8Array, options: { capacityBytesPerSecond: number; failAfterBytes?: number }) {
  const [ownerEnd, askerEnd] = createMemoryChannelPair({
    latencyMs: 5,
    capacityBytesPerSecond: options.capacityBytesPerSecond,
    maxMessageBytes: 16 * 1024,
  });
  const file: FileInfo = {
    id: 'f',
    owner: 'owner',
    name: 'x',
    size: content.length,
    chunkSize: CHUNK,
    sha256: hex(content),
  };
  const stored = new Map<number, Uint8Array>();
  let maxBuffered = 0;
  let sentBytes = 0;
  const relayed: number[] = [];
  let download: Download | null = null;
  const uploader = new Uploader(
    {
      readChunk: (_id, index) =>
        Promise.resolve(content.subarray(index * CHUNK, index * CHUNK + chunkLength(content.length, CHUNK, index))),
      sha256: (b) => Promise.resolve(sha(b)),
      clock: systemClock,
      channelTo: () => Promise.resolve(ownerEnd.state === 'open' ? ownerEnd : null),
      relayPut: (transferId, index, bytes, shaHex): Promise<RelayPutResult> => {
        relayed.push(index);
        void download?.receiveChunk(index, bytes.slice(), shaHex, 'relay');
        return Promise.resolve('ok');
      },
    },
    { highWaterBytes: 256 * 1024, lowWaterBytes: 64 * 1024 },
  );
  const send = ownerEnd.send.bind(ownerEnd);
  ownerEnd.send = (data: Uint8Array) => {
    send(data);
    sentBytes += data.length;
    maxBuffered = Math.max(maxBuffered, ownerEnd.bufferedAmount);
    if (options.failAfterBytes !== undefined && sentBytes > options.failAfterBytes && ownerEnd.state === 'open') {
      ownerEnd.fail(new Error('network gone'));
    }
  };
  askerEnd.onMessage((bytes) => {
    const decoded = decodeFrame(bytes);
    if (decoded.ok) download?.receiveFrame(decoded.frame);
  });
  const done = new Promise<void>((resolve, reject) => {
    download = new Download(
      file,
      't1',
      {
        port: {
          requestChunks: (t, f, start, end) => uploader.request('asker', t, f, start, end),
          cancelTransfer: (t) => uploader.cancel(t),
        },
        store: {
          putChunk: (i, b) => {
            stored.set(i, b.slice());
            return Promise.resolve();
          },
          saveProgress: () => Promise.resolve(),
          clear: () => Promise.resolve(),
        },
        sha256: (b) => Promise.resolve(sha(b)),
        clock: systemClock,
        finish: () => {
          const joined = new Uint8Array(content.length);
          for (const [i, b] of stored) joined.set(b, i * CHUNK);
          return hex(joined) === file.sha256 ? Promise.resolve() : Promise.reject(new Error('mismatch'));
        },
      },
      undefined,
      { windowBytes: 8 * CHUNK, chunkTimeoutMs: 2000 },
    );
    download.onChange((s) => {
      if (s.status === 'complete') resolve();
      if (s.status === 'failed') reject(s.error ?? new Error('failed'));
    });
  });
  return { ownerEnd, askerEnd, start: () => download?.start(), done, stats: () => ({ maxBuffered, relayed }) };
}

describe('Uploader with Download over an in-memory channel', () => {
  it('moves a file byte-exact, never letting the send buffer pass the high-water mark by more than a message', async () => {
    const content = new Uint8Array(randomBytes(40 * CHUNK + 123));
    const w = wire(content, { capacityBytesPerSecond: 50 * 1024 * 1024 });
    await Promise.all([opened(w.ownerEnd), opened(w.askerEnd)]);
    w.start();
    await w.done;
    expect(w.stats().maxBuffered).toBeGreaterThan(64 * 1024);
    expect(w.stats().maxBuffered).toBeLessThanOrEqual(256 * 1024 + 16 * 1024);
    expect(w.stats().relayed).toEqual([]);
  });

  it('sends by relay when the channel dies mid-transfer, and the file still completes byte-exact', async () => {
    const content = new Uint8Array(randomBytes(30 * CHUNK + 7));
    const w = wire(content, { capacityBytesPerSecond: 50 * 1024 * 1024, failAfterBytes: 10 * CHUNK });
    await Promise.all([opened(w.ownerEnd), opened(w.askerEnd)]);
    w.start();
    await w.done;
    expect(w.stats().relayed.length).toBeGreaterThan(0);
  });
});
