import { describe, expect, it } from 'vitest';
import type { ClientInfo, FileInfo, FromDaemon } from '@ferry/common';
import { FrameDecoder } from './frame-decoder';
import { applyToView, digestView, emptyView, FileInterner } from './room-view';

/* The swarm's own pieces: if these were wrong, the load test's comparison would mean nothing. */

const master: ClientInfo = { publicId: 'm', name: 'Host', status: 'approved', online: true, isMaster: true };
const ana: ClientInfo = { publicId: 'a', name: 'Ana', status: 'approved', online: true };
const file = (id: string, owner = 'a'): FileInfo => ({ id, owner, name: `${id}.txt`, size: 3, chunkSize: 1024 });

describe('room views', () => {
  it('a snapshot plus the same changes gives the same digest, whatever the path', () => {
    const interner = new FileInterner();
    const viaEvents = emptyView();
    const steps: FromDaemon[] = [
      { type: 'ROOM_STATE', clients: [master], files: [file('x')], masterOnline: true },
      { type: 'CLIENT_APPROVED', client: ana },
      { type: 'FILES_ADDED', reqId: 'r1', owner: 'a', files: [file('y'), file('z')], rejected: [] },
      { type: 'FILE_REMOVED', fileId: 'x' },
      { type: 'CLIENT_DISCONNECTED', publicId: 'a' },
    ];
    for (const step of steps) applyToView(viaEvents, step, interner);
    const viaSnapshot = emptyView();
    applyToView(
      viaSnapshot,
      {
        type: 'ROOM_STATE',
        clients: [master, { ...ana, online: false }],
        files: [file('z'), file('y')],
        masterOnline: true,
      },
      interner,
    );
    expect(digestView(viaEvents)).toEqual(digestView(viaSnapshot));
    // And a difference shows: one more file, or Ana back online.
    applyToView(viaSnapshot, { type: 'CLIENT_RECONNECTED', publicId: 'a' }, interner);
    expect(digestView(viaEvents).approvedDigest).not.toBe(digestView(viaSnapshot).approvedDigest);
    applyToView(
      viaEvents,
      { type: 'FILES_ADDED', reqId: 'r2', owner: 'a', files: [file('w')], rejected: [] },
      interner,
    );
    expect(digestView(viaEvents).filesDigest).not.toBe(digestView(viaSnapshot).filesDigest);
  });

  it('a dis-approved or departed peer leaves the approved set', () => {
    const interner = new FileInterner();
    const view = emptyView();
    applyToView(view, { type: 'ROOM_STATE', clients: [master, ana], files: [], masterOnline: true }, interner);
    expect(digestView(view).approvedCount).toBe(2);
    applyToView(view, { type: 'CLIENT_DIS_APPROVED', publicId: 'a' }, interner);
    expect(digestView(view).approvedCount).toBe(1);
    applyToView(view, { type: 'CLIENT_APPROVED', client: ana }, interner);
    applyToView(view, { type: 'CLIENT_LEFT', publicId: 'a' }, interner);
    expect(digestView(view).approvedCount).toBe(1);
  });

  it('the split ROOM_STATE decoding equals a plain JSON.parse, names with quotes included', () => {
    const interner = new FileInterner();
    const decoder = new FrameDecoder(interner);
    const tricky: ClientInfo = { publicId: 'q', name: 'a ","files":[ b', status: 'approved', online: true };
    const state: FromDaemon = {
      type: 'ROOM_STATE',
      clients: [master, tricky],
      files: [file('x'), { ...file('y'), name: '"],"masterOnline":' }],
      masterOnline: false,
    };
    const text = JSON.stringify(state);
    const plain = emptyView();
    applyToView(plain, state, interner);
    const { head, filePairs } = decoder.decodeRoomState(text);
    const split = emptyView();
    applyToView(split, head, interner);
    for (const [id, key] of filePairs) split.files.set(id, key);
    expect(digestView(split)).toEqual(digestView(plain));
    expect(digestView(split).fileCount).toBe(2);
  });
});
