import type { FromDaemon } from '@ferry/common';
import { describe, expect, it } from 'vitest';
import { ClientSession } from '../src/session/client-session';
import { person, shared } from '@ferry/common/test/builders';
import { fakeDeps, fakeFile, flush, sha256Hex, until } from '@ferry/web/test/fakes';

const IDENTITY_KEY = 'ferry.client.identity';

const ack = (status: 'pending' | 'approved' | 'rejected', masterOnline = true): FromDaemon => ({
  type: 'CLIENT_REGISTER_ACK',
  publicId: 'me',
  privateId: 'secret-1',
  status,
  iceServers: [],
  p2p: true,
  masterOnline,
});

const roomState = (files = [shared('f0', 'h', 'host.txt')], masterOnline = true): FromDaemon => ({
  type: 'ROOM_STATE',
  clients: [person('h', 'Host', { isMaster: true }), person('me', 'Ann')],
  files,
  masterOnline,
});

async function approvedSession() {
  const fakes = fakeDeps({ outbox: { resendAfterMs: 4000, maxTries: 3 } });
  const session = new ClientSession(fakes.deps);
  await session.init();
  session.join('Ann');
  fakes.network.last.open();
  fakes.network.last.receive(ack('approved'));
  fakes.network.last.receive(roomState());
  return { ...fakes, session };
}

describe('ClientSession', () => {
  it('asks for a name, registers with it, and keeps the identity', async () => {
    const { deps, network, storage } = fakeDeps();
    const session = new ClientSession(deps);
    await session.init();
    expect(session.view.entry).toBe('join');
    expect(network.sockets).toHaveLength(0);
    expect(session.join('   ')).toBe('Type a name first.');
    expect(session.join('  Ann  ')).toBeNull();
    network.last.open();
    expect(network.last.sent).toEqual([{ type: 'CLIENT_REGISTER', name: 'Ann', features: ['remove-files'] }]);
    network.last.receive(ack('pending'));
    expect(session.view.room.selfStatus).toBe('pending');
    await flush();
    expect(storage.data.get(IDENTITY_KEY)).toEqual({ name: 'Ann', privateId: 'secret-1' });
  });

  it('resumes a stored identity without asking again', async () => {
    const { deps, network, storage } = fakeDeps();
    storage.data.set(IDENTITY_KEY, { name: 'Ann', privateId: 'kept' });
    const session = new ClientSession(deps);
    await session.init();
    expect(session.view.entry).toBe('joined');
    network.last.open();
    expect(network.last.sent).toEqual([
      { type: 'CLIENT_REGISTER', name: 'Ann', privateId: 'kept', features: ['remove-files'] },
    ]);
  });

  it('ignores a stored identity that does not parse', async () => {
    const { deps, storage } = fakeDeps();
    storage.data.set(IDENTITY_KEY, { name: 42 });
    const session = new ClientSession(deps);
    await session.init();
    expect(session.view.entry).toBe('join');
  });

  it('sends ADD_FILES, resends the same reqId, and settles on FILES_ADDED', async () => {
    const { session, network, clock } = await approvedSession();
    const socket = network.last;
    session.addFiles([{ file: fakeFile('a.txt', 10) }, { file: fakeFile('b.txt', 20), path: 'docs/b.txt' }]);
    // Hashed first, then offered with the SHA-256 the downloader checks against.
    expect(session.view.preparing.map((p) => p.offer.name)).toEqual(['a.txt', 'b.txt']);
    await until(() => socket.sentOfType('ADD_FILES').length > 0);
    const [first] = socket.sentOfType('ADD_FILES');
    expect(first?.files.map((f) => [f.name, f.path, f.sha256])).toEqual([
      ['a.txt', undefined, sha256Hex(new Uint8Array(10))],
      ['b.txt', 'docs/b.txt', sha256Hex(new Uint8Array(20))],
    ]);
    expect(session.view.preparing).toEqual([]);
    clock.advance(4000);
    const sends = socket.sentOfType('ADD_FILES');
    expect(sends).toHaveLength(2);
    expect(sends[1]).toEqual(first);
    if (!first) throw new Error('no ADD_FILES');
    socket.receive({
      type: 'FILES_ADDED',
      reqId: first.reqId,
      owner: 'me',
      files: [{ ...first.files[0]!, owner: 'me' }],
      rejected: [{ id: first.files[1]!.id, reason: 'the same file is already shared' }],
    });
    expect(session.view.outbox.requests).toEqual([]);
    expect(session.view.outbox.rejected.map((r) => r.reason)).toEqual(['the same file is already shared']);
    expect(session.view.room.files.map((f) => f.name)).toEqual(['host.txt', 'a.txt']);
    expect(session.localFiles.has(first.files[0]!.id)).toBe(true);
    expect(session.localFiles.has(first.files[1]!.id)).toBe(false);
    clock.advance(60_000);
    expect(socket.sentOfType('ADD_FILES')).toHaveLength(2);
  });

  it('gives up after the bounded number of tries', async () => {
    const { session, network, clock } = await approvedSession();
    session.addFiles([{ file: fakeFile('a.txt', 1) }]);
    await until(() => network.last.sentOfType('ADD_FILES').length > 0);
    clock.advance(4000 * 3);
    expect(network.last.sentOfType('ADD_FILES')).toHaveLength(3);
    expect(session.view.outbox.requests[0]?.status.kind).toBe('failed');
  });

  it('holds files while the host is offline and sends them when it is back', async () => {
    const { session, network } = await approvedSession();
    session.addFiles([{ file: fakeFile('a.txt', 1) }]);
    await until(() => network.last.sentOfType('ADD_FILES').length > 0);
    const [request] = network.last.sentOfType('ADD_FILES');
    network.last.receive({
      type: 'ERROR',
      code: 'MASTER_OFFLINE',
      message: 'the host is offline',
      reqId: request?.reqId ?? '',
    });
    expect(session.view.outbox.requests[0]?.status).toEqual({ kind: 'held' });
    network.last.receive({ type: 'MASTER_CONNECTED' });
    expect(network.last.sentOfType('ADD_FILES')).toHaveLength(2);
  });

  it('reconnects after a drop, re-registers with its privateId and re-syncs the room', async () => {
    const { session, network, clock } = await approvedSession();
    session.addFiles([{ file: fakeFile('late.txt', 1) }]);
    await until(() => network.last.sentOfType('ADD_FILES').length > 0);
    network.last.drop(1006);
    expect(session.view.connection.kind).toBe('waiting');
    expect(session.view.room.files).toHaveLength(1);
    clock.advance(15_000);
    const second = network.last;
    expect(network.sockets).toHaveLength(2);
    second.open();
    expect(second.sent).toEqual([
      { type: 'CLIENT_REGISTER', name: 'Ann', privateId: 'secret-1', features: ['remove-files'] },
    ]);
    second.receive(ack('approved'));
    // The unanswered offer goes again over the new socket, same reqId.
    const resent = second.sentOfType('ADD_FILES');
    expect(resent).toHaveLength(1);
    expect(resent[0]?.reqId).toBe(network.sockets[0]?.sentOfType('ADD_FILES')[0]?.reqId);
    second.receive(roomState([shared('f9', 'h', 'new.txt')]));
    expect(session.view.room.files.map((f) => f.name)).toEqual(['new.txt']);
    expect(session.view.connection.kind).toBe('ready');
  });

  it('stops after the session was taken over, until asked to take it back', async () => {
    const { session, network, clock } = await approvedSession();
    network.last.drop(4001);
    clock.advance(120_000);
    expect(network.sockets).toHaveLength(1);
    expect(session.view.connection.kind).toBe('replaced');
    session.takeBack();
    expect(network.sockets).toHaveLength(2);
  });

  it('removes its own files and ignores requests for others', async () => {
    const { session, network } = await approvedSession();
    network.last.receive({
      type: 'FILES_ADDED',
      reqId: 'x',
      owner: 'me',
      files: [shared('mine', 'me', 'm.txt')],
      rejected: [],
    });
    session.removeFile('f0');
    expect(network.last.sentOfType('REMOVE_FILES')).toEqual([]);
    session.removeFile('mine');
    const [removal] = network.last.sentOfType('REMOVE_FILES');
    expect(removal?.fileIds).toEqual(['mine']);
    expect(session.view.removing.has('mine')).toBe(true);
    network.last.receive({ type: 'FILES_REMOVED', fileIds: ['mine'], reqId: removal?.reqId ?? '' });
    expect(session.view.removing.size).toBe(0);
    expect(session.view.room.files.map((f) => f.id)).toEqual(['f0']);
  });

  it('shows why a removal failed', async () => {
    const { session, network } = await approvedSession();
    network.last.receive({
      type: 'FILES_ADDED',
      reqId: 'x',
      owner: 'me',
      files: [shared('mine', 'me', 'm.txt')],
      rejected: [],
    });
    session.removeFile('mine');
    const [removal] = network.last.sentOfType('REMOVE_FILES');
    network.last.receive({
      type: 'ERROR',
      code: 'MASTER_OFFLINE',
      message: 'the host is offline',
      reqId: removal?.reqId ?? '',
    });
    expect(session.view.removing.size).toBe(0);
    expect(session.view.notice).toContain('the host is offline');
  });

  it('leaves: tells the daemon, forgets the identity, and shows the join screen', async () => {
    const { session, network, storage } = await approvedSession();
    await flush();
    expect(storage.data.has(IDENTITY_KEY)).toBe(true);
    const socket = network.last;
    session.leave();
    expect(socket.sent.at(-1)).toEqual({ type: 'LEAVE' });
    expect(socket.isClosed).toBe(true);
    await flush();
    expect(storage.data.has(IDENTITY_KEY)).toBe(false);
    expect(session.view.entry).toBe('join');
  });

  it('goes back to the join screen when the daemon refuses the name', async () => {
    const { deps, network } = fakeDeps();
    const session = new ClientSession(deps);
    await session.init();
    session.join('Ann');
    network.last.open();
    network.last.receive({ type: 'ERROR', code: 'BAD_MESSAGE', message: 'name has control characters' });
    expect(session.view.entry).toBe('join');
    expect(session.view.problem).toEqual({
      kind: 'refused',
      message: 'That name cannot be used: name has control characters',
    });
    expect(session.view.connection.kind).toBe('stopped');
  });
});
