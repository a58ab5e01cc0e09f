import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FromDaemon, ToDaemon } from '../../src/protocol/messages';
import type { FileInfo } from '../../src/protocol/shapes';
import { chunkLength } from '../../src/protocol/shapes';
import { systemClock } from '../../src/transfer/clock';
import type { Download } from '../../src/transfer/download';
import { decodeFrame, encodeChunkRequest, type Frame } from '../../src/transfer/framing';
import type { CreateLink, Link } from '../../src/transfer/links';
import { TransferService } from '../../src/transfer/service';
import { createMemoryChannelPair, type MemoryChannel } from '../../src/transport/memory-channel';

/*
 * Bug 7 of issue 12: a P2P download goes on while the daemon is away. Two engines (owner "ann",
 * asker "bob") with a data channel between them (in memory, virtual time) and a stand-in daemon
 * that routes REQUEST_CHUNK and SIGNAL while it is up and drops everything while it is down.
 */

const CHUNK = 4096;
const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Peer {
  readonly id: string;
  readonly service: TransferService;
  isLive: boolean;
}

function scene(content: Uint8Array) {
  const file: FileInfo = { id: 'f1', owner: 'ann', name: 'x.bin', size: content.length, chunkSize: CHUNK };
  let isDaemonUp = true;
  const routed: ToDaemon[] = [];
  const waitingEnds = new Map<string, MemoryChannel>();
  const peers = new Map<string, Peer>();
  /** Frames each side received over the channel, by kind. */
  const framesSeen: Record<string, Frame['kind'][]> = { ann: [], bob: [] };

  const deliver = (to: string, message: FromDaemon) => peers.get(to)?.service.handle(message);
  const fromPeer = (from: string, message: ToDaemon): void => {
    if (!isDaemonUp || !peers.get(from)?.isLive) return;
    routed.push(message);
    switch (message.type) {
      case 'REQUEST_CHUNK':
        return deliver('ann', { type: 'UPLOAD_CHUNK_REQUEST', ...pick(message), from });
      case 'SIGNAL':
        return deliver(message.to, { type: 'SIGNAL', from, data: message.data });
      default:
        return;
    }
  };
  const pick = (m: Extract<ToDaemon, { type: 'REQUEST_CHUNK' }>) => ({
    transferId: m.transferId,
    fileId: m.fileId,
    start: m.start,
    end: m.end,
  });

  // The dialer makes the pair and keeps one end; the answerer takes the other when the offer comes.
  const createLinkFor =
    (self: string): CreateLink =>
    ({ initiator, remote, sendSignal }): Link => {
      let channel: MemoryChannel;
      if (initiator) {
        const [mine, theirs] = createMemoryChannelPair({
          latencyMs: 2,
          capacityBytesPerSecond: 200 * 1024,
          maxMessageBytes: 16 * 1024,
          openDelayMs: 5,
        });
        waitingEnds.set(`${remote}<-${self}`, theirs);
        channel = mine;
        sendSignal({ type: 'offer', sdp: 'memory' });
      } else {
        const waiting = waitingEnds.get(`${self}<-${remote}`);
        if (!waiting) throw new Error('an answer with no offer');
        channel = waiting;
      }
      channel.onMessage((bytes) => {
        const decoded = decodeFrame(bytes);
        if (decoded.ok) framesSeen[self]?.push(decoded.frame.kind);
      });
      return { channel, signal: () => undefined, destroy: () => channel.close() };
    };

  const stored = new Map<number, Uint8Array>();
  const makePeer = (id: string): Peer => {
    const peer: Peer = {
      id,
      isLive: true,
      service: new TransferService({
        send: (message) => fromPeer(id, message),
        selfId: () => id,
        p2pEnabled: () => true,
        createLink: createLinkFor(id),
        readChunk: (_fileId, index) =>
          Promise.resolve(content.slice(index * CHUNK, index * CHUNK + chunkLength(content.length, CHUNK, index))),
        sha256: (b) => Promise.resolve(sha(b)),
        clock: systemClock,
        relayPut: () => Promise.resolve('retry'),
        relayGet: () => Promise.resolve('missing'),
        finish: () => {
          const joined = new Uint8Array(content.length);
          for (const [i, b] of stored) joined.set(b, i * CHUNK);
          return hex(joined) === hex(content) ? Promise.resolve() : Promise.reject(new Error('mismatch'));
        },
        daemonReaches: () => isDaemonUp && peer.isLive,
        ownFile: (fileId) => (id === 'ann' && fileId === file.id ? file : undefined),
        tuning: { download: { windowBytes: 8 * CHUNK }, channelRequests: { graceMs: 60_000 } },
      }),
    };
    peers.set(id, peer);
    return peer;
  };
  const ann = makePeer('ann');
  const bob = makePeer('bob');

  const startDownload = (): Download =>
    bob.service.download(file, 't1', {
      putChunk: (i, b) => {
        stored.set(i, b.slice());
        return Promise.resolve();
      },
      saveProgress: () => Promise.resolve(),
      clear: () => Promise.resolve(),
    });

  return {
    ann,
    bob,
    routed,
    framesSeen,
    startDownload,
    /** The daemon dies: both lose their connection. */
    daemonDown: () => {
      isDaemonUp = false;
      for (const peer of [ann, bob]) {
        peer.isLive = false;
        peer.service.daemonConnectionChanged(false);
      }
    },
    /** The daemon is back and `peer` has reconnected (registered, approved). */
    reconnect: (peer: Peer) => {
      isDaemonUp = true;
      peer.isLive = true;
      peer.service.daemonConnectionChanged(true);
    },
    destroy: () => {
      ann.service.destroy();
      bob.service.destroy();
    },
  };
}

const chunksOf = (routed: readonly ToDaemon[]) => routed.filter((m) => m.type === 'REQUEST_CHUNK').length;

describe('a P2P download while the daemon is away', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('completes byte-exact, asking for the next windows over the data channel', async () => {
    const content = new Uint8Array(randomBytes(40 * CHUNK + 99));
    const s = scene(content);
    const download = s.startDownload();
    await vi.advanceTimersByTimeAsync(100);
    expect(download.snapshot().chunksDone).toBeGreaterThan(0);
    expect(download.snapshot().chunksDone).toBeLessThan(20);
    const throughDaemon = chunksOf(s.routed);

    s.daemonDown();
    await vi.advanceTimersByTimeAsync(5_000);

    expect(download.snapshot()).toMatchObject({ status: 'complete', chunksDone: 41 });
    expect(chunksOf(s.routed)).toBe(throughDaemon);
    expect(s.framesSeen['ann']).toContain('chunk-request');
    expect(s.framesSeen['bob']).not.toContain('request-refused');
    s.destroy();
  });

  it('a transfer the daemon never routed is refused over the channel, and nothing is sent for it', async () => {
    const content = new Uint8Array(randomBytes(40 * CHUNK));
    const s = scene(content);
    const download = s.startDownload();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(download.status).toBe('complete');
    const framesBefore = s.framesSeen['bob']?.length ?? 0;
    // Bob's side asks for a transfer Ann never heard of (as a forged frame would).
    s.bob.service.links.openChannel('ann')?.send(encodeChunkRequest('t-unknown', 0, 8));
    await vi.advanceTimersByTimeAsync(50);
    expect(s.framesSeen['bob']?.slice(framesBefore)).toEqual(['request-refused']);
    expect(s.ann.service.uploader.queuedFor('bob')).toBe(0);
    s.destroy();
  });

  it('past the owner grace without the daemon, the asker waits instead of being served', async () => {
    const content = new Uint8Array(randomBytes(4000 * CHUNK));
    const s = scene(content);
    const download = s.startDownload();
    await vi.advanceTimersByTimeAsync(20);
    s.daemonDown();
    // A slow asker: stop its reading for a while by pausing and resuming past the grace.
    download.pause();
    await vi.advanceTimersByTimeAsync(61_000);
    const before = download.snapshot().chunksDone;
    download.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.framesSeen['bob']).toContain('request-refused');
    expect(download.status).toBe('waiting-owner');
    expect(download.snapshot().chunksDone).toBe(before);
    s.destroy();
  });

  it('once the owner is back with the daemon it serves only what the daemon routes anew', async () => {
    const content = new Uint8Array(randomBytes(4000 * CHUNK));
    const s = scene(content);
    const download = s.startDownload();
    await vi.advanceTimersByTimeAsync(20);
    s.daemonDown();
    await vi.advanceTimersByTimeAsync(50);
    expect(download.status).toBe('running');
    // Ann reconnects first: what the daemon said before is no longer trusted (it may have
    // dis-approved Bob meanwhile). Bob, still away, is refused and waits.
    s.reconnect(s.ann);
    await vi.advanceTimersByTimeAsync(16_000);
    expect(s.framesSeen['bob']).toContain('request-refused');
    expect(download.status).toBe('waiting-owner');
    const done = download.snapshot().chunksDone;
    // Bob is back: the daemon routes his next request, and the download goes on.
    s.reconnect(s.bob);
    s.bob.service.handle({ type: 'CLIENT_RECONNECTED', publicId: 'ann' });
    await vi.advanceTimersByTimeAsync(50);
    expect(download.status).toBe('running');
    expect(download.snapshot().chunksDone).toBeGreaterThan(done);
    s.destroy();
  });

  it('stops serving an asker the daemon dis-approves once it is back', async () => {
    const content = new Uint8Array(randomBytes(4000 * CHUNK));
    const s = scene(content);
    const download = s.startDownload();
    await vi.advanceTimersByTimeAsync(20);
    s.reconnect(s.ann);
    s.ann.service.handle({ type: 'CLIENT_DIS_APPROVED', publicId: 'bob' });
    s.bob.isLive = false;
    s.bob.service.daemonConnectionChanged(false);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(s.ann.service.links.isOpen('bob')).toBe(false);
    expect(s.ann.service.uploader.queuedFor('bob')).toBe(0);
    expect(download.status).toBe('waiting-owner');
    s.destroy();
  });
});
