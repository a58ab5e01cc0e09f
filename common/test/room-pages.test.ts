import { describe, expect, it } from 'vitest';
import type { ClientInfo, FileInfo, FromDaemon } from '../src/protocol/index';
import { RoomPageAssembler } from '../src/protocol/index';

const client = (n: number): ClientInfo => ({
  publicId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  name: `Guest ${n}`,
  status: 'approved',
  online: true,
});
const file = (n: number, name = `file ${n}.txt`): FileInfo => ({
  id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  name,
  size: n,
  chunkSize: 1_048_576,
  owner: client(1).publicId,
});

function roomState(files: FileInfo[], more?: true): FromDaemon {
  return { type: 'ROOM_STATE', clients: [client(1)], files, masterOnline: true, ...(more ? { more } : {}) };
}

describe('RoomPageAssembler', () => {
  it('passes a room state that came whole, and every other message, straight through', () => {
    const pages = new RoomPageAssembler();
    const whole = roomState([file(1)]);
    expect(pages.accept(whole)).toEqual([whole]);
    const left: FromDaemon = { type: 'CLIENT_LEFT', publicId: client(2).publicId };
    expect(pages.accept(left)).toEqual([left]);
    expect(pages.isAssembling).toBe(false);
  });

  it('puts a paged room state together, without `more`, once its last page is in', () => {
    const pages = new RoomPageAssembler();
    expect(pages.accept(roomState([file(1)], true))).toEqual([]);
    expect(pages.isAssembling).toBe(true);
    expect(pages.accept({ type: 'ROOM_STATE_PAGE', clients: [client(2)], files: [file(2)], last: false })).toEqual([]);
    const out = pages.accept({ type: 'ROOM_STATE_PAGE', files: [file(3)], last: true });
    expect(out).toEqual([
      { type: 'ROOM_STATE', clients: [client(1), client(2)], files: [file(1), file(2), file(3)], masterOnline: true },
    ]);
    expect(pages.isAssembling).toBe(false);
  });

  it('holds what arrives between the pages and hands it over after the whole state, in order', () => {
    const pages = new RoomPageAssembler();
    pages.accept(roomState([file(1)], true));
    const removed: FromDaemon = { type: 'FILE_REMOVED', fileId: file(1).id };
    const added: FromDaemon = {
      type: 'FILES_ADDED',
      reqId: 'r1',
      owner: client(1).publicId,
      files: [file(9)],
      rejected: [],
    };
    expect(pages.accept(removed)).toEqual([]);
    expect(pages.accept(added)).toEqual([]);
    const out = pages.accept({ type: 'ROOM_STATE_PAGE', files: [file(2)], last: true });
    expect(out.map((m) => m.type)).toEqual(['ROOM_STATE', 'FILE_REMOVED', 'FILES_ADDED']);
    expect(out[1]).toBe(removed);
    expect(out[2]).toBe(added);
  });

  it('lets a later page replace an entry by id: the pages are read from the live room', () => {
    const pages = new RoomPageAssembler();
    pages.accept(roomState([file(1, 'old name')], true));
    const [whole] = pages.accept({ type: 'ROOM_STATE_PAGE', files: [file(1, 'new name')], last: true });
    expect(whole?.type === 'ROOM_STATE' && whole.files).toEqual([file(1, 'new name')]);
  });

  it('puts a paged MASTER_APP_REGISTER_ACK together with its head fields kept', () => {
    const pages = new RoomPageAssembler();
    const head: FromDaemon = {
      type: 'MASTER_APP_REGISTER_ACK',
      publicId: client(1).publicId,
      privateId: 'p'.repeat(43),
      clients: [client(1)],
      files: [],
      iceServers: [],
      p2p: true,
      reqId: 'reg-1',
      more: true,
    };
    pages.accept(head);
    const [whole] = pages.accept({ type: 'ROOM_STATE_PAGE', clients: [client(2)], files: [file(1)], last: true });
    const { more: _more, ...rest } = head;
    expect(whole).toEqual({ ...rest, clients: [client(1), client(2)], files: [file(1)] });
  });

  it('ignores a page with no state being assembled (a stray or forged one)', () => {
    const pages = new RoomPageAssembler();
    expect(pages.accept({ type: 'ROOM_STATE_PAGE', files: [file(1)], last: true })).toEqual([]);
    expect(pages.isAssembling).toBe(false);
  });

  it('drops a state still arriving when a new one starts, releasing what it held first', () => {
    const pages = new RoomPageAssembler();
    pages.accept(roomState([file(1)], true));
    const left: FromDaemon = { type: 'CLIENT_LEFT', publicId: client(2).publicId };
    pages.accept(left);
    expect(pages.accept(roomState([file(5)], true))).toEqual([left]);
    const [whole] = pages.accept({ type: 'ROOM_STATE_PAGE', last: true });
    expect(whole?.type === 'ROOM_STATE' && whole.files).toEqual([file(5)]);
    // A whole (single-frame) state during assembly also ends it.
    pages.accept(roomState([file(1)], true));
    const single = roomState([file(7)]);
    expect(pages.accept(single)).toEqual([single]);
    expect(pages.isAssembling).toBe(false);
  });

  it('forgets a half-assembled state on reset (the socket closed)', () => {
    const pages = new RoomPageAssembler();
    pages.accept(roomState([file(1)], true));
    const left: FromDaemon = { type: 'CLIENT_LEFT', publicId: client(2).publicId };
    pages.accept(left);
    expect(pages.reset()).toEqual([left]);
    expect(pages.isAssembling).toBe(false);
    expect(pages.accept({ type: 'ROOM_STATE_PAGE', files: [file(2)], last: true })).toEqual([]);
  });
});
