import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BulkLane, type BulkSocket } from '../src/bulk-lane';

/** A socket whose reader takes frames only when the test says so. */
class FakeSocket implements BulkSocket {
  bufferedAmount = 0;
  readonly written: string[] = [];
  private readonly callbacks: Array<() => void> = [];

  send(frame: string | Buffer, onSent: (error?: Error) => void): void {
    const text = frame.toString();
    this.written.push(text);
    this.bufferedAmount += text.length;
    this.callbacks.push(() => {
      this.bufferedAmount -= text.length;
      onSent();
    });
  }

  /** The reader takes `count` frames off the wire. */
  drain(count = Number.POSITIVE_INFINITY): void {
    for (let i = 0; i < count && this.callbacks.length > 0; i++) this.callbacks.shift()?.();
  }

  /** Control frames written around the lane. */
  control(bytes: number): void {
    this.bufferedAmount += bytes;
  }
}

function* pages(count: number, size: number): Generator<string> {
  for (let i = 0; i < count; i++) yield `${i}:`.padEnd(size, '.');
}

const OPTIONS = { lowWaterBytes: 1_000, maxQueuedBytes: 2_000, stallMs: 5_000 };

describe('BulkLane', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes pages only while the socket holds less than the low-water mark, the rest as it drains', () => {
    const socket = new FakeSocket();
    const lane = new BulkLane(socket, { ...OPTIONS, onStall: () => undefined });
    lane.sendPages(pages(10, 400));
    // 0, 400, 800 bytes buffered were under 1,000: three pages out, then it waits.
    expect(socket.written).toHaveLength(3);
    socket.drain(1);
    expect(socket.written).toHaveLength(4);
    socket.drain();
    socket.drain();
    socket.drain();
    socket.drain();
    expect(socket.written).toHaveLength(10);
    expect(lane.isPaging).toBe(false);
  });

  it('makes a page only when it is sent: the iterator is pulled lazily', () => {
    const socket = new FakeSocket();
    const lane = new BulkLane(socket, { ...OPTIONS, onStall: () => undefined });
    let pulled = 0;
    lane.sendPages(
      (function* () {
        for (let i = 0; i < 100; i++) {
          pulled++;
          yield 'x'.repeat(600);
        }
      })(),
    );
    expect(pulled).toBe(2);
  });

  it('sends queued relayed frames before the next page, and refuses past its queue bound', () => {
    const socket = new FakeSocket();
    const lane = new BulkLane(socket, { ...OPTIONS, onStall: () => undefined });
    socket.control(5_000);
    lane.sendPages(pages(3, 400));
    expect(lane.enqueue('s'.repeat(900))).toBe(true);
    expect(lane.enqueue('t'.repeat(900))).toBe(true);
    expect(lane.enqueue('u'.repeat(900))).toBe(false);
    expect(socket.written).toEqual([]);
    socket.bufferedAmount = 0;
    vi.advanceTimersByTime(30);
    expect(socket.written.map((frame) => frame[0])).toEqual(['s', 't']);
    socket.drain();
    expect(socket.written.map((frame) => frame[0])).toEqual(['s', 't', '0', '1', '2']);
  });

  it('looks again by itself when only control frames held it back', () => {
    const socket = new FakeSocket();
    const lane = new BulkLane(socket, { ...OPTIONS, onStall: () => undefined });
    socket.control(2_000);
    lane.sendPages(pages(2, 100));
    expect(socket.written).toHaveLength(0);
    socket.bufferedAmount = 0;
    vi.advanceTimersByTime(25);
    expect(socket.written).toHaveLength(2);
  });

  it('never cuts a slow reader that keeps taking frames, however large the state', () => {
    const socket = new FakeSocket();
    const onStall = vi.fn();
    const lane = new BulkLane(socket, { ...OPTIONS, onStall });
    lane.sendPages(pages(1_000, 400));
    for (let i = 0; i < 1_000; i++) {
      vi.advanceTimersByTime(4_000);
      socket.drain(1);
    }
    socket.drain();
    expect(onStall).not.toHaveBeenCalled();
    expect(socket.written).toHaveLength(1_000);
    expect(lane.isPaging).toBe(false);
  });

  it('cuts a reader that takes nothing for the stall time, once, with what it left unsent', () => {
    const socket = new FakeSocket();
    const onStall = vi.fn();
    const lane = new BulkLane(socket, { ...OPTIONS, onStall });
    lane.sendPages(pages(10, 400));
    vi.advanceTimersByTime(4_999);
    expect(onStall).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onStall).toHaveBeenCalledTimes(1);
    expect(onStall).toHaveBeenCalledWith(1_200);
    vi.advanceTimersByTime(60_000);
    expect(onStall).toHaveBeenCalledTimes(1);
  });

  it('holds nothing once closed', () => {
    const socket = new FakeSocket();
    const onStall = vi.fn();
    const lane = new BulkLane(socket, { ...OPTIONS, onStall });
    lane.sendPages(pages(10, 400));
    lane.close();
    expect(lane.enqueue('late')).toBe(false);
    socket.drain();
    vi.advanceTimersByTime(60_000);
    expect(socket.written).toHaveLength(3);
    expect(onStall).not.toHaveBeenCalled();
  });
});
