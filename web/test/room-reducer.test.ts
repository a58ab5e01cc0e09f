import type { FromDaemon } from '@ferry/common';
import { describe, expect, it } from 'vitest';
import { applyToRoom, approvedPeople, emptyRoom, type RoomState } from '../src/room/room-reducer';
import { person, shared } from '@ferry/common/test/builders';

const host = person('h', 'Host', { isMaster: true });
const ann = person('a', 'Ann');
const bob = person('b', 'Bob');

function applyAll(messages: FromDaemon[], from: RoomState = emptyRoom): RoomState {
  return messages.reduce(applyToRoom, from);
}

const approvedAnn: FromDaemon[] = [
  {
    type: 'CLIENT_REGISTER_ACK',
    publicId: 'a',
    privateId: 's',
    status: 'approved',
    iceServers: [],
    p2p: true,
    masterOnline: true,
  },
  {
    type: 'ROOM_STATE',
    clients: [host, ann, bob],
    files: [shared('f1', 'b', 'one.txt')],
    masterOnline: true,
  },
];

describe('applyToRoom', () => {
  it('starts a guest as pending and moves it in when approved', () => {
    let room = applyAll([
      { type: 'CLIENT_REGISTER_ACK', publicId: 'a', privateId: 's', status: 'pending', iceServers: [], p2p: true },
    ]);
    expect(room.selfStatus).toBe('pending');
    room = applyAll([{ type: 'CLIENT_APPROVED', client: ann }, approvedAnn[1] as FromDaemon], room);
    expect(room.selfStatus).toBe('approved');
    expect(room.clients.map((c) => c.name)).toEqual(['Host', 'Ann', 'Bob']);
    expect(room.files.map((f) => f.id)).toEqual(['f1']);
  });

  it('tracks presence of people and of the host', () => {
    const room = applyAll([
      ...approvedAnn,
      { type: 'CLIENT_DISCONNECTED', publicId: 'b' },
      { type: 'MASTER_DISCONNECTED' },
    ]);
    expect(room.clients.find((c) => c.publicId === 'b')?.online).toBe(false);
    expect(room.masterOnline).toBe(false);
    expect(room.clients.find((c) => c.isMaster)?.online).toBe(false);
    const back = applyAll([{ type: 'CLIENT_RECONNECTED', publicId: 'b' }, { type: 'MASTER_CONNECTED' }], room);
    expect(back.clients.every((c) => c.online)).toBe(true);
    expect(back.masterOnline).toBe(true);
  });

  it('adds answered files stamped with the owner, once, and never steals an id', () => {
    const added: FromDaemon = {
      type: 'FILES_ADDED',
      reqId: 'r1',
      owner: 'a',
      files: [shared('f2', 'forged', 'two.txt'), shared('f1', 'a', 'stolen.txt')],
      rejected: [],
    };
    const room = applyAll([...approvedAnn, added, added]);
    expect(room.files.map((f) => [f.id, f.owner, f.name])).toEqual([
      ['f1', 'b', 'one.txt'],
      ['f2', 'a', 'two.txt'],
    ]);
  });

  it('removes files, and everything of a person who is removed or leaves', () => {
    const withFiles = applyAll([
      ...approvedAnn,
      { type: 'FILES_ADDED', reqId: 'r', owner: 'a', files: [shared('f2', 'a', 'mine.txt')], rejected: [] },
    ]);
    expect(applyToRoom(withFiles, { type: 'FILE_REMOVED', fileId: 'f2' }).files.map((f) => f.id)).toEqual(['f1']);
    const kicked = applyToRoom(withFiles, { type: 'CLIENT_DIS_APPROVED', publicId: 'b' });
    expect(kicked.files.map((f) => f.id)).toEqual(['f2']);
    expect(approvedPeople(kicked).map((c) => c.name)).toEqual(['Host', 'Ann']);
    const left = applyToRoom(withFiles, { type: 'CLIENT_LEFT', publicId: 'a' });
    expect(left.clients.map((c) => c.publicId)).toEqual(['h', 'b']);
    expect(left.files.map((f) => f.id)).toEqual(['f1']);
  });

  it('empties the room for a guest who is removed', () => {
    const room = applyAll([...approvedAnn, { type: 'CLIENT_DIS_APPROVED', publicId: 'a' }]);
    expect(room.selfStatus).toBe('rejected');
    expect(room.files).toEqual([]);
    expect(room.clients).toEqual([]);
  });

  it('replaces everything on a new ROOM_STATE (re-sync after reconnecting)', () => {
    const stale = applyAll(approvedAnn);
    const resynced = applyAll(
      [
        { type: 'CLIENT_REGISTER_ACK', publicId: 'a', privateId: 's', status: 'approved', iceServers: [], p2p: true },
        { type: 'ROOM_STATE', clients: [host, ann], files: [], masterOnline: false },
      ],
      stale,
    );
    expect(resynced.clients.map((c) => c.publicId)).toEqual(['h', 'a']);
    expect(resynced.files).toEqual([]);
    expect(resynced.masterOnline).toBe(false);
  });

  it('keeps the host list of everyone with their status', () => {
    const room = applyAll([
      { type: 'MASTER_APP_REGISTER_ACK', publicId: 'h', privateId: 's', clients: [host], files: [] },
      { type: 'NEW_CLIENT_REGISTERED', client: person('c', 'Cat', { status: 'pending' }) },
      { type: 'CLIENT_DIS_APPROVED', publicId: 'c' },
    ]);
    expect(room.selfStatus).toBe('approved');
    expect(room.clients.map((c) => [c.name, c.status])).toEqual([
      ['Host', 'approved'],
      ['Cat', 'rejected'],
    ]);
  });

  it('returns the same object for messages that do not touch the room', () => {
    const room = applyAll(approvedAnn);
    expect(applyToRoom(room, { type: 'ERROR', code: 'RATE_LIMITED', message: 'slow down' })).toBe(room);
    expect(applyToRoom(room, { type: 'FILE_REMOVED', fileId: 'unknown' })).toBe(room);
    expect(applyToRoom(room, { type: 'FILES_REMOVED', fileIds: ['unknown', 'other'] })).toBe(room);
  });

  it('FILES_REMOVED takes every named file out and keeps the rest in order; unknown ids are ignored', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => shared(`f${i}`, 'a', `${i}.txt`));
    const room = applyAll([
      ...approvedAnn,
      { type: 'ROOM_STATE', clients: [host, ann], files: many, masterOnline: true },
    ]);
    const gone = many.filter((_, i) => i % 2 === 0).map((f) => f.id);
    const started = performance.now();
    const after = applyToRoom(room, { type: 'FILES_REMOVED', fileIds: [...gone.slice(0, 999), 'never-listed'] });
    const rest = applyToRoom(after, { type: 'FILES_REMOVED', reqId: 'r', fileIds: gone.slice(999) });
    // One pass a message: quadratic over 10,000 files would take seconds.
    expect(performance.now() - started).toBeLessThan(200);
    expect(after.files).toHaveLength(10_000 - 999);
    expect(rest.files.map((f) => f.id)).toEqual(many.filter((_, i) => i % 2 === 1).map((f) => f.id));
    expect(rest.clients).toBe(room.clients);
  });
});
