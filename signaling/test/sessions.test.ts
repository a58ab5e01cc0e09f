import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@ferry/common';
import { closeAll, disApprove, pick, registerClient, registerMaster, room, share } from './helpers';

// Identities across sockets: the master going and coming back, takeovers, client reconnects.

afterEach(closeAll);

describe('master offline and back', () => {
  it('finds the room intact in its next ACK', async () => {
    const { daemon, master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    const [file] = await share(master, alice);
    const carol = await registerClient(daemon, 'carol');
    await master.peer.close();
    await alice.peer.next('MASTER_DISCONNECTED');
    const dave = await registerClient(daemon, 'dave');
    expect(dave.ack.masterOnline).toBe(false);
    const back = await registerMaster(daemon, { privateId: master.privateId });
    expect(back.publicId).toBe(master.publicId);
    expect(back.ack.files).toEqual([file]);
    const byId = new Map(back.ack.clients.map((c) => [c.publicId, c]));
    expect(byId.get(master.publicId)).toMatchObject({ isMaster: true, status: 'approved', online: true });
    expect(byId.get(alice.publicId)).toEqual({
      publicId: alice.publicId,
      name: 'alice',
      status: 'approved',
      online: true,
    });
    expect(byId.get(carol.publicId)).toMatchObject({ status: 'pending', online: true });
    expect(byId.get(dave.publicId)).toMatchObject({ status: 'pending', online: true });
    await alice.peer.next('MASTER_CONNECTED');
  });

  it('the right token alone resumes the one master identity', async () => {
    const { daemon, master } = await room(['alice']);
    await master.peer.close();
    const back = await registerMaster(daemon);
    expect(back.publicId).toBe(master.publicId);
    expect(back.ack.clients.some((c) => c.name === 'alice' && c.status === 'approved')).toBe(true);
  });

  it('lists offline peers as offline in the ACK', async () => {
    const { daemon, master, clients } = await room(['alice'], { gracePeriodMs: 60_000 });
    const alice = pick(clients, 0);
    await master.peer.close();
    await alice.peer.close();
    const back = await registerMaster(daemon);
    expect(back.ack.clients.find((c) => c.publicId === alice.publicId)).toMatchObject({
      status: 'approved',
      online: false,
    });
  });
});

describe('takeovers and reconnects', () => {
  it("the master's privateId takes the master session over; the old socket is closed with 4001", async () => {
    const { daemon, master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    const [file] = await share(master, alice);
    const next = await registerMaster(daemon, { privateId: master.privateId });
    expect(next.publicId).toBe(master.publicId);
    expect(next.ack.files).toEqual([file]);
    expect((await master.peer.closed).code).toBe(CLOSE_CODES.sessionReplaced);
    // The new master socket is the master now.
    alice.peer.send({ type: 'ADD_FILES', reqId: 'after-takeover', files: [{ ...file, id: 'second-file' }] });
    expect((await next.peer.next('ADD_FILES')).owner).toBe(alice.publicId);
  });

  it('a client reconnecting with its privateId keeps publicId, status and files', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob'], { gracePeriodMs: 60_000 });
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const [file] = await share(master, alice);
    await alice.peer.close();
    await bob.peer.next('CLIENT_DISCONNECTED');
    const back = await registerClient(daemon, 'alice', { privateId: alice.privateId });
    expect(back.ack).toMatchObject({ publicId: alice.publicId, status: 'approved', masterOnline: true });
    const state = await back.peer.next('ROOM_STATE');
    expect(state.files).toEqual([file]);
    expect(state.clients.find((c) => c.publicId === alice.publicId)).toMatchObject({
      status: 'approved',
      online: true,
    });
    // It can act at once: its file is served from the new socket.
    bob.peer.send({ type: 'REQUEST_CHUNK', transferId: 'tr-back', fileId: file?.id, start: 0, end: 1 });
    expect((await back.peer.next('UPLOAD_CHUNK_REQUEST')).from).toBe(bob.publicId);
  });

  it('a pending client reconnecting stays pending and gets no ROOM_STATE', async () => {
    const { daemon } = await room([]);
    const carol = await registerClient(daemon, 'carol');
    await carol.peer.close();
    const back = await registerClient(daemon, 'carol', { privateId: carol.privateId });
    expect(back.ack).toMatchObject({ publicId: carol.publicId, status: 'pending' });
    await back.peer.expectNo('ROOM_STATE');
  });

  it('a rejected client reconnecting stays rejected', async () => {
    const { daemon, master } = await room([]);
    const carol = await registerClient(daemon, 'carol');
    await disApprove(master, carol);
    await carol.peer.close();
    const back = await registerClient(daemon, 'carol', { privateId: carol.privateId });
    expect(back.ack).toMatchObject({ publicId: carol.publicId, status: 'rejected' });
  });

  it('a second socket with the same privateId takes the session over: the old one gets 4001', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob']);
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const next = await registerClient(daemon, 'alice', { privateId: alice.privateId });
    expect(next.ack).toMatchObject({ publicId: alice.publicId, status: 'approved' });
    expect(await alice.peer.closed).toMatchObject({ code: CLOSE_CODES.sessionReplaced });
    await next.peer.next('ROOM_STATE');
    // Signals now reach the new socket.
    bob.peer.send({ type: 'SIGNAL', to: alice.publicId, data: 'to the new tab' });
    expect((await next.peer.next('SIGNAL')).from).toBe(bob.publicId);
    expect(master.peer.isOpen).toBe(true);
  });
});
