import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createMemoryChannelPair,
  type MemoryChannel,
  type MemoryChannelOptions,
} from '../../src/transport/memory-channel';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const filled = (size: number, value: number): Uint8Array => new Uint8Array(size).fill(value);

/** Opens a pair (open delay 0) and records what each end receives. */
function openPair(options: Partial<MemoryChannelOptions> = {}) {
  const [a, b] = createMemoryChannelPair({ latencyMs: 50, maxMessageBytes: 1024, ...options });
  const received = { a: [] as number[][], b: [] as number[][] };
  a.onMessage((data) => received.a.push([...data]));
  b.onMessage((data) => received.b.push([...data]));
  vi.advanceTimersByTime(0);
  return { a, b, received };
}

function recordCloses(channel: MemoryChannel): Array<Error | undefined> {
  const closes: Array<Error | undefined> = [];
  channel.onClose((error) => closes.push(error));
  return closes;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('memory channel pair', () => {
  it('starts connecting and opens both ends after the open delay', () => {
    const [a, b] = createMemoryChannelPair({ latencyMs: 10, maxMessageBytes: 1024, openDelayMs: 30 });
    const opened: string[] = [];
    a.onOpen(() => opened.push('a'));
    b.onOpen(() => opened.push('b'));
    expect([a.state, b.state]).toEqual(['connecting', 'connecting']);
    expect(() => a.send(bytes(1))).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
    vi.advanceTimersByTime(29);
    expect(opened).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(opened).toEqual(['a', 'b']);
    expect([a.state, b.state]).toEqual(['open', 'open']);
    expect(a.maxMessageBytes).toBe(1024);
  });

  it('delivers messages in order, byte-exact, after the latency, both ways', () => {
    const { a, b, received } = openPair({ latencyMs: 50 });
    a.send(bytes(1));
    a.send(bytes(2, 2));
    b.send(bytes(7));
    vi.advanceTimersByTime(10);
    a.send(bytes(3, 3, 3));
    vi.advanceTimersByTime(39);
    expect(received).toEqual({ a: [], b: [] });
    vi.advanceTimersByTime(1);
    expect(received).toEqual({ a: [[7]], b: [[1], [2, 2]] });
    vi.advanceTimersByTime(9);
    expect(received.b).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(received.b).toEqual([[1], [2, 2], [3, 3, 3]]);
  });

  it('keeps many messages in order with zero latency and no capacity limit', () => {
    const { a, received } = openPair({ latencyMs: 0 });
    for (let i = 0; i < 200; i += 1) a.send(bytes(i));
    expect(received.b).toEqual([]);
    // Two timer turns (leaving the buffer, arriving); a 0 ms timer set inside another takes 1 ms.
    vi.advanceTimersByTime(2);
    expect(received.b).toEqual(Array.from({ length: 200 }, (_, i) => [i]));
  });

  it('copies on send, like a real channel', () => {
    const { a, received } = openPair();
    const data = bytes(1, 2, 3);
    a.send(data);
    data.fill(0);
    a.send(bytes(9, 8, 7, 6).subarray(1, 3));
    vi.advanceTimersByTime(50);
    expect(received.b).toEqual([
      [1, 2, 3],
      [8, 7],
    ]);
  });

  it('refuses a message over maxMessageBytes', () => {
    const { a, received } = openPair({ maxMessageBytes: 4 });
    expect(() => a.send(filled(5, 1))).toThrow(expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }));
    expect(a.bufferedAmount).toBe(0);
    a.send(filled(4, 1));
    vi.advanceTimersByTime(50);
    expect(received.b).toEqual([[1, 1, 1, 1]]);
  });

  it('grows bufferedAmount on send and drains it at the capacity, then adds the latency', () => {
    // 1000 B/s: each 500-byte message takes 500 ms to leave the buffer.
    const { a, received } = openPair({ latencyMs: 50, capacityBytesPerSecond: 1000 });
    a.send(filled(500, 1));
    a.send(filled(500, 2));
    a.send(filled(500, 3));
    expect(a.bufferedAmount).toBe(1500);
    vi.advanceTimersByTime(499);
    expect(a.bufferedAmount).toBe(1500);
    vi.advanceTimersByTime(1);
    expect(a.bufferedAmount).toBe(1000);
    expect(received.b).toHaveLength(0);
    vi.advanceTimersByTime(50);
    expect(received.b.map((m) => m[0])).toEqual([1]);
    vi.advanceTimersByTime(450);
    expect(a.bufferedAmount).toBe(500);
    vi.advanceTimersByTime(500);
    expect(a.bufferedAmount).toBe(0);
    expect(received.b.map((m) => m[0])).toEqual([1, 2]);
    vi.advanceTimersByTime(50);
    expect(received.b.map((m) => m[0])).toEqual([1, 2, 3]);
  });

  it('does not let an idle link bank capacity: a send after a pause waits its own transmit time', () => {
    const { a, received } = openPair({ latencyMs: 0, capacityBytesPerSecond: 1000 });
    vi.advanceTimersByTime(5_000);
    a.send(filled(100, 1));
    vi.advanceTimersByTime(99);
    expect(a.bufferedAmount).toBe(100);
    vi.advanceTimersByTime(1);
    expect(a.bufferedAmount).toBe(0);
    vi.advanceTimersByTime(1);
    expect(received.b).toHaveLength(1);
  });

  it('fires bufferedamountlow once when bufferedAmount falls to or below the threshold', () => {
    const { a } = openPair({ latencyMs: 0, capacityBytesPerSecond: 1000 });
    a.bufferedAmountLowThreshold = 500;
    const lows: number[] = [];
    a.onBufferedAmountLow(() => lows.push(a.bufferedAmount));
    for (let i = 0; i < 4; i += 1) a.send(filled(250, i));
    vi.advanceTimersByTime(249);
    expect(lows).toEqual([]);
    vi.advanceTimersByTime(1); // 750 buffered: still above
    expect(lows).toEqual([]);
    vi.advanceTimersByTime(250); // 500: at the threshold
    expect(lows).toEqual([500]);
    vi.advanceTimersByTime(500); // 0: no new crossing
    expect(lows).toEqual([500]);
  });

  it('does not fire bufferedamountlow when the buffer never rose above the threshold', () => {
    const { a } = openPair({ latencyMs: 0, capacityBytesPerSecond: 1000 });
    a.bufferedAmountLowThreshold = 1000;
    let lows = 0;
    a.onBufferedAmountLow(() => (lows += 1));
    a.send(filled(500, 1));
    vi.advanceTimersByTime(1_000);
    expect(lows).toBe(0);
  });

  it('fires bufferedamountlow at threshold 0 when the buffer empties, and lets a sender refill from it', () => {
    const { a, received } = openPair({ latencyMs: 5, capacityBytesPerSecond: 10_000, maxMessageBytes: 100 });
    const total = 50;
    let sent = 0;
    let maxBuffered = 0;
    const pump = () => {
      while (sent < total && a.bufferedAmount < 300) {
        a.send(filled(100, sent));
        sent += 1;
        maxBuffered = Math.max(maxBuffered, a.bufferedAmount);
      }
    };
    a.onBufferedAmountLow(pump);
    pump();
    vi.advanceTimersByTime(1_000);
    expect(received.b.map((m) => m[0])).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(maxBuffered).toBe(300);
  });

  it('stops notifying a listener once unsubscribed', () => {
    const { a, b } = openPair({ latencyMs: 0 });
    const seen: number[] = [];
    const off = b.onMessage((data) => seen.push(data[0] ?? -1));
    a.send(bytes(1));
    vi.advanceTimersByTime(2);
    off();
    a.send(bytes(2));
    vi.advanceTimersByTime(2);
    expect(seen).toEqual([1]);
  });

  it('closes the local end at once and the remote after the latency, after what was already on the wire', () => {
    const { a, b, received } = openPair({ latencyMs: 50, capacityBytesPerSecond: 1000, maxMessageBytes: 1000 });
    const aCloses = recordCloses(a);
    const bCloses = recordCloses(b);
    a.send(filled(100, 1)); // leaves the buffer at 100 ms, arrives at 150 ms
    a.send(filled(100, 2)); // would leave at 200 ms: still buffered when a closes
    vi.advanceTimersByTime(120);
    a.close();
    a.close();
    expect(a.state).toBe('closed');
    expect(a.bufferedAmount).toBe(0);
    expect(aCloses).toEqual([undefined]);
    expect(() => a.send(bytes(1))).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
    vi.advanceTimersByTime(30);
    expect(received.b.map((m) => m[0])).toEqual([1]);
    expect(b.state).toBe('open');
    vi.advanceTimersByTime(19);
    expect(b.state).toBe('open');
    vi.advanceTimersByTime(1);
    expect(b.state).toBe('closed');
    expect(bCloses).toEqual([undefined]);
    expect(received.b.map((m) => m[0])).toEqual([1]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops messages sent towards an end that has closed', () => {
    const { a, b, received } = openPair({ latencyMs: 50 });
    b.close();
    a.send(bytes(1)); // a learns of the close only after the latency
    vi.advanceTimersByTime(50);
    expect(received.b).toEqual([]);
    expect(a.state).toBe('closed');
  });

  it('closes before opening: neither end ever opens', () => {
    const [a, b] = createMemoryChannelPair({ latencyMs: 0, maxMessageBytes: 10 });
    let opens = 0;
    a.onOpen(() => (opens += 1));
    const bCloses = recordCloses(b);
    a.close();
    vi.advanceTimersByTime(10);
    expect(opens).toBe(0);
    expect(b.state).toBe('closed');
    expect(bCloses).toEqual([undefined]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fail() closes both ends at once with the error and loses what is in flight', () => {
    const { a, b, received } = openPair({ latencyMs: 50 });
    const aCloses = recordCloses(a);
    const bCloses = recordCloses(b);
    a.send(bytes(1));
    vi.advanceTimersByTime(10);
    const error = new Error('link broke');
    b.fail(error);
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
    expect(aCloses).toEqual([error]);
    expect(bCloses).toEqual([error]);
    vi.advanceTimersByTime(100);
    expect(received.b).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets a message listener close its own end mid-batch', () => {
    const { a, b } = openPair({ latencyMs: 0 });
    const seen: number[] = [];
    b.onMessage((data) => {
      seen.push(data[0] ?? -1);
      b.close();
    });
    a.send(bytes(1));
    a.send(bytes(2));
    vi.advanceTimersByTime(2);
    expect(seen).toEqual([1]);
    expect(b.state).toBe('closed');
  });

  it('runs on an injected scheduler without fake timers', () => {
    vi.useRealTimers();
    let nowMs = 0;
    const queue: Array<{ at: number; run: () => void; id: number }> = [];
    let nextId = 0;
    const scheduler = {
      now: () => nowMs,
      setTimeout: (run: () => void, ms: number) => {
        nextId += 1;
        queue.push({ at: nowMs + ms, run, id: nextId });
        return nextId;
      },
      clearTimeout: (handle: unknown) => {
        const index = queue.findIndex((t) => t.id === handle);
        if (index >= 0) queue.splice(index, 1);
      },
    };
    const runUntil = (ms: number) => {
      for (;;) {
        queue.sort((x, y) => x.at - y.at || x.id - y.id);
        const next = queue[0];
        if (!next || next.at > ms) break;
        queue.shift();
        nowMs = next.at;
        next.run();
      }
      nowMs = ms;
    };
    const [a, b] = createMemoryChannelPair({ latencyMs: 20, maxMessageBytes: 10, scheduler });
    const seen: number[] = [];
    b.onMessage((data) => seen.push(nowMs, data[0] ?? -1));
    runUntil(0);
    a.send(bytes(5));
    runUntil(19);
    expect(seen).toEqual([]);
    runUntil(20);
    expect(seen).toEqual([20, 5]);
  });
});
