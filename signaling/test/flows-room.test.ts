import { afterEach, describe, expect, it } from 'vitest';
import {
  approve,
  closeAll,
  offer,
  pick,
  registerClient,
  registerMaster,
  room,
  share,
  startTestDaemon,
} from './helpers';

// Flows 1-3 and the master's presence: registration, approval, dis-approval.

afterEach(closeAll);

describe('flow 1: master registers', () => {
  it('answers MASTER_APP_REGISTER with its identity, the clients and the files', async () => {
    const daemon = await startTestDaemon();
    const master = await registerMaster(daemon);
    expect(master.ack.publicId).toMatch(/^[A-Za-z0-9_-]+$/);
    // 128 random bits are at least 22 base64url characters.
    expect(master.ack.privateId.length).toBeGreaterThanOrEqual(22);
    expect(master.ack.privateId).not.toBe(master.ack.publicId);
    expect(master.ack.files).toEqual([]);
    const self = master.ack.clients.find((c) => c.publicId === master.publicId);
    expect(self).toMatchObject({ isMaster: true, status: 'approved', online: true });
  });

  it('tells every other online peer MASTER_CONNECTED and MASTER_DISCONNECTED', async () => {
    const { daemon, master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    const carol = await registerClient(daemon, 'carol');
    await master.peer.close();
    await alice.peer.next('MASTER_DISCONNECTED');
    await carol.peer.next('MASTER_DISCONNECTED');
    // The master's own presence is MASTER_*, not CLIENT_DISCONNECTED.
    await alice.peer.expectNo('CLIENT_DISCONNECTED');
    const again = await registerMaster(daemon);
    expect(again.publicId).toBe(master.publicId);
    await alice.peer.next('MASTER_CONNECTED');
    await carol.peer.next('MASTER_CONNECTED');
    await again.peer.expectNo('MASTER_CONNECTED');
  });
});

describe('flow 2: client registers', () => {
  it('answers CLIENT_REGISTER with a pending identity and tells the master', async () => {
    const iceServers = [{ urls: 'stun:stun.example.test:3478' }];
    const daemon = await startTestDaemon({ p2p: false, iceServers });
    const master = await registerMaster(daemon);
    const alice = await registerClient(daemon, 'alice');
    expect(alice.ack).toMatchObject({ status: 'pending', p2p: false, iceServers });
    expect(alice.ack.privateId.length).toBeGreaterThanOrEqual(22);
    expect(alice.ack.publicId).not.toBe(master.publicId);
    const news = await master.peer.next('NEW_CLIENT_REGISTERED');
    expect(news.client).toEqual({ publicId: alice.publicId, name: 'alice', status: 'pending', online: true });
    expect(master.peer.frames.join('\n')).not.toContain(alice.privateId);
  });

  it('reports p2p on when the daemon allows it', async () => {
    const daemon = await startTestDaemon({ p2p: true });
    const alice = await registerClient(daemon, 'alice');
    expect(alice.ack.p2p).toBe(true);
  });

  it('keeps registrations made while the master is offline for its next ACK', async () => {
    const daemon = await startTestDaemon();
    const alice = await registerClient(daemon, 'alice');
    expect(alice.ack.status).toBe('pending');
    const master = await registerMaster(daemon);
    expect(master.ack.clients).toContainEqual({
      publicId: alice.publicId,
      name: 'alice',
      status: 'pending',
      online: true,
    });
    // The same registration is not announced twice.
    await master.peer.expectNo('NEW_CLIENT_REGISTERED');
  });
});

describe('flow 3: approval', () => {
  it('APPROVE_CLIENT: CLIENT_APPROVED to approved peers, master and the client, then ROOM_STATE', async () => {
    const { daemon, master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    const [file] = await share(master, alice);
    const bob = await registerClient(daemon, 'bob');
    const carol = await registerClient(daemon, 'carol');
    master.peer.clear();
    alice.peer.clear();
    master.peer.send({ type: 'APPROVE_CLIENT', publicId: bob.publicId, reqId: 'approve-1' });
    const toMaster = await master.peer.next('CLIENT_APPROVED');
    expect(toMaster.client).toEqual({ publicId: bob.publicId, name: 'bob', status: 'approved', online: true });
    expect(toMaster.reqId).toBe('approve-1');
    const toAlice = await alice.peer.next('CLIENT_APPROVED');
    expect(toAlice.client.publicId).toBe(bob.publicId);
    const toBob = await bob.peer.next('CLIENT_APPROVED');
    expect(toBob.client).toMatchObject({ publicId: bob.publicId, status: 'approved' });
    const state = await bob.peer.next('ROOM_STATE');
    expect(state.masterOnline).toBe(true);
    expect(state.files).toEqual([file]);
    const ids = state.clients.map((c) => c.publicId).sort();
    expect(ids).toEqual([master.publicId, alice.publicId, bob.publicId].sort());
    expect(state.clients.every((c) => c.status === 'approved')).toBe(true);
    await carol.peer.expectNo('CLIENT_APPROVED');
    await alice.peer.expectNo('ROOM_STATE');
  });

  it('DIS_APPROVE_CLIENT of an approved client: broadcast, its files removed, its transfers ended, socket kept', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob']);
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const carol = await registerClient(daemon, 'carol');
    const [file] = await share(master, bob);
    const [aliceFile] = await share(master, alice);
    if (!file || !aliceFile) throw new Error('no file');
    alice.peer.send({ type: 'REQUEST_CHUNK', transferId: 'tr-kick', fileId: file.id, start: 0, end: 1 });
    await bob.peer.next('UPLOAD_CHUNK_REQUEST');
    bob.peer.send({ type: 'REQUEST_CHUNK', transferId: 'tr-kick-2', fileId: aliceFile.id, start: 0, end: 1 });
    await alice.peer.next('UPLOAD_CHUNK_REQUEST');
    master.peer.clear();
    alice.peer.clear();
    master.peer.send({ type: 'DIS_APPROVE_CLIENT', publicId: bob.publicId, reqId: 'kick-1' });
    expect(await master.peer.next('CLIENT_DIS_APPROVED')).toMatchObject({ publicId: bob.publicId, reqId: 'kick-1' });
    expect((await alice.peer.next('CLIENT_DIS_APPROVED')).publicId).toBe(bob.publicId);
    expect((await bob.peer.next('CLIENT_DIS_APPROVED')).publicId).toBe(bob.publicId);
    expect((await alice.peer.next('FILE_REMOVED')).fileId).toBe(file.id);
    expect((await master.peer.next('FILE_REMOVED')).fileId).toBe(file.id);
    // Its transfers end on both sides: as owner and as asker.
    const cancelled = [await alice.peer.next('TRANSFER_CANCELLED'), await alice.peer.next('TRANSFER_CANCELLED')];
    expect(cancelled.map((m) => m.transferId).sort()).toEqual(['tr-kick', 'tr-kick-2']);
    await carol.peer.expectNo('CLIENT_DIS_APPROVED');
    expect(bob.peer.isOpen).toBe(true);
    bob.peer.send({ type: 'ADD_FILES', reqId: 'after-kick', files: [offer()] });
    expect(await bob.peer.next('ERROR')).toMatchObject({ code: 'NOT_APPROVED', reqId: 'after-kick' });
    // A later peer sees neither bob's file nor bob as a member.
    const dave = await registerClient(daemon, 'dave');
    const state = await approve(master, dave);
    expect(state.files).toEqual([aliceFile]);
    expect(state.clients.map((c) => c.publicId)).not.toContain(bob.publicId);
  });

  it('DIS_APPROVE_CLIENT of a pending client rejects it, and only it and the master hear', async () => {
    const { daemon, master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    const carol = await registerClient(daemon, 'carol');
    const erin = await registerClient(daemon, 'erin');
    master.peer.send({ type: 'DIS_APPROVE_CLIENT', publicId: carol.publicId });
    expect((await carol.peer.next('CLIENT_DIS_APPROVED')).publicId).toBe(carol.publicId);
    expect((await master.peer.next('CLIENT_DIS_APPROVED')).publicId).toBe(carol.publicId);
    await erin.peer.expectNo('CLIENT_DIS_APPROVED');
    await carol.peer.expectNo('ROOM_STATE');
    expect(carol.peer.isOpen).toBe(true);
    // Approving a rejected peer is allowed (DECISIONS): it then joins like anyone.
    const state = await approve(master, carol);
    expect(state.clients.map((c) => c.publicId)).toContain(alice.publicId);
  });

  it('approving an approved peer is idempotent: only the master hears again', async () => {
    const { master, clients } = await room(['alice', 'bob']);
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    alice.peer.clear();
    bob.peer.clear();
    master.peer.send({ type: 'APPROVE_CLIENT', publicId: alice.publicId, reqId: 'again' });
    expect(await master.peer.next('CLIENT_APPROVED')).toMatchObject({ reqId: 'again' });
    await Promise.all([
      bob.peer.expectNo('CLIENT_APPROVED'),
      alice.peer.expectNo('CLIENT_APPROVED'),
      alice.peer.expectNo('ROOM_STATE'),
    ]);
  });
});
