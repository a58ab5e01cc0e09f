import { afterAll, describe, expect, it } from 'vitest';
import type { SimplePeerLink } from '@ferry/common/transport';
import { MAX_MESSAGE_BYTES_CAP, MAX_MESSAGE_BYTES_FLOOR } from '@ferry/common/transport';
import { cleanupWebrtc } from '../src/wrtc';
import { closed, nextMessage, nodeLink, opened } from './support/links';
import { pump } from './support/pump';

/*
 * Two links over real node-datachannel WebRTC on loopback, their signals wired to each other in
 * memory (link1's sendSignal is link2.signal and back), as simple-peer's own tests do.
 */

const MiB = 1024 * 1024;
const links: SimplePeerLink[] = [];

function connectedPair(): { offerer: SimplePeerLink; answerer: SimplePeerLink } {
  // simple-peer signals asynchronously, so the answerer exists before the offer is sent.
  const wired: { answerer?: SimplePeerLink } = {};
  const offerer = nodeLink(true, (data) => wired.answerer?.signal(data));
  const answerer = nodeLink(false, (data) => offerer.signal(data));
  wired.answerer = answerer;
  links.push(offerer, answerer);
  return { offerer, answerer };
}

afterAll(() => {
  for (const link of links) link.destroy();
  cleanupWebrtc();
});

describe('simple-peer link over node-datachannel', () => {
  const { offerer, answerer } = connectedPair();

  it('opens both ends', async () => {
    await Promise.all([opened(offerer.channel), opened(answerer.channel)]);
    expect(offerer.channel.state).toBe('open');
    expect(answerer.channel.state).toBe('open');
  });

  it('reports a sensible max message size (node-datachannel advertises 256 KiB)', () => {
    for (const { channel } of [offerer, answerer]) {
      expect(channel.maxMessageBytes).toBeGreaterThanOrEqual(MAX_MESSAGE_BYTES_FLOOR);
      expect(channel.maxMessageBytes).toBeLessThanOrEqual(MAX_MESSAGE_BYTES_CAP);
    }
    expect(offerer.channel.maxMessageBytes).toBe(256 * 1024);
    expect(() => offerer.channel.send(new Uint8Array(offerer.channel.maxMessageBytes + 1))).toThrow(
      expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }),
    );
  });

  it('exchanges binary messages both ways, byte-exact, views included', async () => {
    const toAnswerer = nextMessage(answerer.channel);
    offerer.channel.send(new Uint8Array([0, 1, 2, 255]));
    expect([...(await toAnswerer)]).toEqual([0, 1, 2, 255]);

    const toOfferer = nextMessage(offerer.channel);
    answerer.channel.send(new Uint8Array([7, 8, 9, 10, 11, 12]).subarray(2, 5));
    const back = await toOfferer;
    expect(back).toBeInstanceOf(Uint8Array);
    expect([...back]).toEqual([9, 10, 11]);

    const largest = new Uint8Array(offerer.channel.maxMessageBytes).map((_, i) => i % 251);
    const big = nextMessage(answerer.channel);
    offerer.channel.send(largest);
    expect(Buffer.from(await big).equals(Buffer.from(largest))).toBe(true);
  });

  it('send copies its bytes: one buffer reused for every message still delivers each as sent', async () => {
    // The engine's DataFrameWriter relies on this (PeerChannel.send's contract).
    const count = 40;
    const received: Uint8Array[] = [];
    const all = new Promise<void>((resolve) => {
      const off = answerer.channel.onMessage((data) => {
        received.push(data.slice());
        if (received.length === count) {
          off();
          resolve();
        }
      });
    });
    const scratch = new Uint8Array(256 * 1024);
    for (let i = 0; i < count; i++) {
      scratch.fill(i);
      offerer.channel.send(scratch.subarray(0, 1000 + i));
    }
    scratch.fill(255);
    await all;
    received.forEach((data, i) => {
      expect(data.length).toBe(1000 + i);
      expect(data.every((b) => b === i)).toBe(true);
    });
  });

  it('moves 64 MiB in 64 KiB messages under bufferedamountlow backpressure, byte-exact', async () => {
    const result = await pump(offerer.channel, answerer.channel, {
      totalBytes: 64 * MiB,
      messageBytes: 64 * 1024,
      highWaterBytes: 1 * MiB,
      lowWaterBytes: 256 * 1024,
    });
    console.log(
      `64 MiB node-datachannel -> node-datachannel: ${result.megabytesPerSecond.toFixed(1)} MB/s ` +
        `(${result.elapsedMs.toFixed(0)} ms, max buffered ${(result.maxBufferedBytes / 1024).toFixed(0)} KiB, ` +
        `${result.lowEvents} bufferedamountlow events)`,
    );
    expect(result.receivedBytes).toBe(64 * MiB);
    expect(result.receivedSha256).toBe(result.sentSha256);
    expect(result.maxBufferedBytes).toBeLessThanOrEqual(4 * MiB);
    expect(result.lowEvents).toBeGreaterThan(0);
  });

  it('the Node offerer sends no candidate before it has the answer (see wrtc.ts)', async () => {
    const events: string[] = [];
    const describe = (data: unknown): string => {
      const { type, sdp } = data as { type?: unknown; sdp?: unknown };
      return typeof sdp === 'string' && sdp.includes('a=candidate') ? `${String(type)} with candidates` : String(type);
    };
    const wired: { answerer?: SimplePeerLink } = {};
    const offerer = nodeLink(true, (data) => {
      events.push(`offerer sends ${describe(data)}`);
      wired.answerer?.signal(data);
    });
    const answerer = nodeLink(false, (data) => {
      events.push(`offerer gets ${describe(data)}`);
      offerer.signal(data);
    });
    wired.answerer = answerer;
    links.push(offerer, answerer);
    await Promise.all([opened(offerer.channel), opened(answerer.channel)]);
    expect(events[0]).toBe('offerer sends offer');
    const answerAt = events.findIndex((event) => event.startsWith('offerer gets answer'));
    const firstCandidateAt = events.indexOf('offerer sends candidate');
    expect(answerAt).toBeGreaterThan(0);
    expect(firstCandidateAt).toBeGreaterThan(answerAt);
  });

  it('closes the other end when one side destroys, once, and destroy is idempotent', async () => {
    const remoteClosed = closed(answerer.channel);
    let localCloses = 0;
    offerer.channel.onClose(() => (localCloses += 1));
    offerer.destroy();
    offerer.destroy();
    offerer.channel.close();
    expect(localCloses).toBe(1);
    expect(offerer.channel.state).toBe('closed');
    await remoteClosed;
    expect(answerer.channel.state).toBe('closed');
    expect(() => answerer.channel.send(new Uint8Array(1))).toThrow(/closed/);
  });
});
