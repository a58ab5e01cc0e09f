import type { FromDaemon } from '@ferry/common';
import { describe, expect, it } from 'vitest';
import { ClientSession } from '../src/session/client-session';
import { person, shared } from '@ferry/common/test/builders';
import { fakeDeps, fakeFile, until } from '@ferry/web/test/fakes';

// The guest session's side of "send to one person": what it sends, and what it concludes.

async function approvedSession() {
  const fakes = fakeDeps();
  const session = new ClientSession(fakes.deps);
  await session.init();
  session.join('Ann');
  const socket = fakes.network.last;
  socket.open();
  socket.receive({
    type: 'CLIENT_REGISTER_ACK',
    publicId: 'me',
    privateId: 'secret-1',
    status: 'approved',
    iceServers: [],
    p2p: true,
    masterOnline: true,
  });
  const state: FromDaemon = {
    type: 'ROOM_STATE',
    clients: [person('h', 'Host', { isMaster: true }), person('me', 'Ann'), person('cleo', 'Cleo')],
    files: [shared('in1', 'cleo', 'for-me.pdf', { to: 'me' }), shared('pub', 'cleo', 'public.txt')],
    masterOnline: true,
  };
  socket.receive(state);
  return { session, socket };
}

describe('ClientSession: direct offers', () => {
  it('sends picked files to one person with `to` on every offer', async () => {
    const { session, socket } = await approvedSession();
    session.sendFiles('cleo', [{ file: fakeFile('report.pdf', 10) }]);
    await until(() => socket.sentOfType('ADD_FILES').length > 0);
    expect(socket.sentOfType('ADD_FILES')[0]?.files.map((f) => [f.name, f.to])).toEqual([['report.pdf', 'cleo']]);
  });

  it('declines an offer to us by REMOVE_FILES, and never removes a room file that way', async () => {
    const { session, socket } = await approvedSession();
    session.declineOffer('pub');
    expect(socket.sentOfType('REMOVE_FILES')).toEqual([]);
    session.declineOffer('in1');
    expect(socket.sentOfType('REMOVE_FILES').map((m) => m.fileIds)).toEqual([['in1']]);
  });

  it('hears Cleo accept (her chunk request) and decline (our entry removed without our asking)', async () => {
    const { session, socket } = await approvedSession();
    const sent = [shared('d1', 'me', 'a.pdf', { to: 'cleo' }), shared('d2', 'me', 'b.pdf', { to: 'cleo' })];
    socket.receive({ type: 'FILES_ADDED', reqId: 'r1', owner: 'me', files: sent, rejected: [] });
    const ask = { type: 'UPLOAD_CHUNK_REQUEST', transferId: 't1', start: 0, end: 1 } as const;
    socket.receive({ ...ask, fileId: 'd1', from: 'h' });
    expect(session.view.acceptedSends.has('d1')).toBe(false);
    socket.receive({ ...ask, fileId: 'd1', from: 'cleo' });
    expect(session.view.acceptedSends.has('d1')).toBe(true);
    socket.receive({ type: 'FILE_REMOVED', fileId: 'd2' });
    expect(session.view.declinedSends).toEqual([{ fileId: 'd2', name: 'b.pdf', to: 'cleo' }]);
    // Our own removal is no decline.
    session.removeFile('d1');
    await until(() => socket.sentOfType('REMOVE_FILES').length > 0);
    const [removal] = socket.sentOfType('REMOVE_FILES');
    socket.receive({ type: 'FILES_REMOVED', reqId: removal?.reqId ?? '', fileIds: ['d1'] });
    expect(session.view.declinedSends.map((d) => d.fileId)).toEqual(['d2']);
  });

  it('hears declines in a FILES_REMOVED too: each direct offer of ours in it that we did not remove', async () => {
    const { session, socket } = await approvedSession();
    const sent = [
      shared('d1', 'me', 'a.pdf', { to: 'cleo' }),
      shared('d2', 'me', 'b.pdf', { to: 'bo' }),
      shared('p1', 'me', 'posted.txt'),
    ];
    socket.receive({ type: 'FILES_ADDED', reqId: 'r1', owner: 'me', files: sent, rejected: [] });
    socket.receive({ type: 'FILES_REMOVED', fileIds: ['d1', 'p1', 'd2', 'never-listed'] });
    expect(session.view.declinedSends).toEqual([
      { fileId: 'd1', name: 'a.pdf', to: 'cleo' },
      { fileId: 'd2', name: 'b.pdf', to: 'bo' },
    ]);
  });
});
