import { describe, expect, it } from 'vitest';
import type { ClientInfo, FileInfo } from '@ferry/common';
import { parseFromDaemon, RoomPageAssembler } from '@ferry/common';
import { roomStateFrames, ROOM_PAGE_BYTES, type PagedBuilder } from '../src/room-pages';

const OWNER = '00000000-0000-4000-8000-000000000001';
const client = (n: number): ClientInfo => ({
  publicId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  name: `Guest "${n}"`,
  status: 'approved',
  online: true,
});
const file = (n: number): FileInfo => ({
  id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  name: `holiday photo ${n} ${'é'.repeat(100)}.jpg`,
  path: `photos/"2024"/clients":[]/holiday photo ${n}.jpg`,
  size: n,
  chunkSize: 1_048_576,
  owner: OWNER,
});

const roomState: PagedBuilder = (clients, files) => ({ type: 'ROOM_STATE', clients, files, masterOnline: true });

describe('roomStateFrames', () => {
  it('sends a room that fits in one page as one frame, byte for byte what JSON.stringify makes', () => {
    const clients = [client(1), client(2)];
    const files = [file(1), file(2)];
    const frames = [...roomStateFrames(roomState, clients, files)];
    expect(frames).toEqual([JSON.stringify({ type: 'ROOM_STATE', clients, files, masterOnline: true })]);
  });

  it('splits a large room into frames under the page size, each valid, together the whole room once', () => {
    const clients = Array.from({ length: 300 }, (_, i) => client(i));
    const files = Array.from({ length: 4_000 }, (_, i) => file(i));
    const pageBytes = 64 * 1024;
    const frames = [...roomStateFrames(roomState, clients, files, pageBytes)];
    expect(frames.length).toBeGreaterThan(10);
    const assembler = new RoomPageAssembler();
    const out = [];
    for (const [index, frame] of frames.entries()) {
      // The page bound plus the head's own fields and the envelope.
      expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(pageBytes + 256);
      const parsed = parseFromDaemon(frame);
      if (!parsed.ok) throw new Error(parsed.error);
      const message = parsed.message;
      if (index === 0) expect(message).toMatchObject({ type: 'ROOM_STATE', more: true, masterOnline: true });
      else expect(message).toMatchObject({ type: 'ROOM_STATE_PAGE', last: index === frames.length - 1 });
      out.push(...assembler.accept(message));
    }
    expect(out).toEqual([{ type: 'ROOM_STATE', clients, files, masterOnline: true }]);
  });

  it('reads the live room as pages are pulled: an entry removed before its page is never sent, one added is', () => {
    const files = new Map(Array.from({ length: 200 }, (_, i) => [file(i).id, file(i)] as const));
    const frames = roomStateFrames(roomState, [], files.values(), 8 * 1024);
    const first = frames.next();
    expect(first.done).toBe(false);
    files.delete(file(199).id);
    files.set(file(500).id, file(500));
    const rest = [...{ [Symbol.iterator]: () => frames }];
    const sent = [first.value as string, ...rest].flatMap((frame) => {
      const parsed = parseFromDaemon(frame);
      if (!parsed.ok) throw new Error(parsed.error);
      return 'files' in parsed.message ? (parsed.message.files ?? []).map((f) => f.id) : [];
    });
    expect(sent).not.toContain(file(199).id);
    expect(sent).toContain(file(500).id);
    expect(new Set(sent).size).toBe(sent.length);
  });

  it('keeps an entry larger than a page whole, alone in its page', () => {
    const files = [file(1), file(2), file(3)];
    const frames = [...roomStateFrames(roomState, [], files, 100)];
    expect(frames).toHaveLength(3);
    expect(ROOM_PAGE_BYTES).toBe(256 * 1024);
  });
});
