import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@ferry/common';
import { MAX_ENDED_IDENTITIES, PeerRegistry } from '../src/peers';
import type { RoomStore } from '../src/store/room-store';
import {
  approvedClient,
  closeAll,
  disApprove,
  offer,
  Peer,
  pick,
  registerClient,
  registerMaster,
  room,
  share,
  startTestDaemon,
} from './helpers';

// END_ROOM (issue 12, "Leave"): the host ends the room; every guest and file is forgotten, the
// daemon goes on with a fresh room. LEAVE itself is in decisions.test.ts.

const folders: string[] = [];
afterEach(async () => {
  await closeAll();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('END_ROOM', () => {
  it('lets every guest out (ROOM_ENDED, 4003), forgets them and every file, and keeps the master', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob'], { p2p: false, gracePeriodMs: 60_000 });
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const [aliceFile] = await share(master, alice, [offer({ size: 10, chunkSize: 4 })]);
    await share(master, master, [offer({ name: 'host.txt' })]);
    if (!aliceFile) throw new Error('no file');
    bob.peer.send({ type: 'REQUEST_CHUNK', transferId: randomUUID(), fileId: aliceFile.id, start: 0, end: 1 });
    await alice.peer.next('UPLOAD_CHUNK_REQUEST');
    const waiting = await registerClient(daemon, 'carol');
    const turnedAway = await registerClient(daemon, 'dave');
    await disApprove(master, turnedAway);
    const offline = await approvedClient(daemon, master, 'erin');
    await offline.peer.close();
    await master.peer.next('CLIENT_DISCONNECTED', { where: (m) => m.publicId === offline.publicId });
    master.peer.clear();

    master.peer.send({ type: 'END_ROOM', reqId: 'end-1' });
    expect(await master.peer.next('ROOM_ENDED')).toEqual({ type: 'ROOM_ENDED', reqId: 'end-1' });
    for (const guest of [alice, bob, waiting, turnedAway]) {
      expect(await guest.peer.next('ROOM_ENDED')).toEqual({ type: 'ROOM_ENDED' });
      expect((await guest.peer.closed).code).toBe(CLOSE_CODES.roomEnded);
    }
    // Everyone who would hear of it is gone: the master is told nothing more.
    await master.peer.expectSilence();
    expect(master.peer.isOpen).toBe(true);
    expect(daemon.room.files.size).toBe(0);
    expect(daemon.room.transfers.size).toBe(0);
    expect(daemon.room.listed.total).toBe(0);
    expect([...daemon.room.peers.all()].map((p) => p.publicId)).toEqual([master.publicId]);

    // A fresh room: a new request reaches the host at once and can be let in.
    const newcomer = await registerClient(daemon, 'alice');
    expect(newcomer.ack.status).toBe('pending');
    await master.peer.next('NEW_CLIENT_REGISTERED', { where: (m) => m.client.publicId === newcomer.publicId });

    // The host's tab, reloaded, finds only itself.
    await master.peer.close();
    const back = await registerMaster(daemon, { privateId: master.privateId });
    expect(back.publicId).toBe(master.publicId);
    expect(back.ack.files).toEqual([]);
    expect(back.ack.clients.map((c) => c.publicId).sort()).toEqual([master.publicId, newcomer.publicId].sort());
  });

  it('tells a guest offline at the time, on return, instead of making it a new request', async () => {
    const { daemon, master, clients } = await room(['alice'], { gracePeriodMs: 60_000 });
    const alice = pick(clients, 0);
    await alice.peer.close();
    master.peer.send({ type: 'END_ROOM' });
    expect(await master.peer.next('ROOM_ENDED', { where: (m) => m.reqId === undefined })).toEqual({
      type: 'ROOM_ENDED',
    });
    const socket = await Peer.connect(daemon, 'alice again');
    socket.send({ type: 'CLIENT_REGISTER', name: 'alice', privateId: alice.privateId });
    expect(await socket.next('ROOM_ENDED')).toEqual({ type: 'ROOM_ENDED' });
    expect((await socket.closed).code).toBe(CLOSE_CODES.roomEnded);
    await master.peer.expectNo('NEW_CLIENT_REGISTERED');
  });

  it('is the master’s alone: a guest gets FORBIDDEN and nothing changes', async () => {
    const { daemon, master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    await share(master, alice);
    alice.peer.send({ type: 'END_ROOM', reqId: 'nope' });
    expect(await alice.peer.next('ERROR')).toMatchObject({ code: 'FORBIDDEN', reqId: 'nope' });
    expect(daemon.room.files.size).toBe(1);
    expect(daemon.room.peers.size).toBe(2);
    await master.peer.expectNo('ROOM_ENDED');
  });

  it('is written before anyone is told: a restart finds the fresh room', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ferry-end-'));
    folders.push(dataDir);
    const first = await startTestDaemon({ dataDir });
    const master = await registerMaster(first);
    const alice = await approvedClient(first, master, 'alice');
    await share(master, alice);
    await share(master, master, [offer({ name: 'host.txt' })]);
    master.peer.send({ type: 'END_ROOM' });
    await alice.peer.next('ROOM_ENDED');
    await first.close();

    const second = await startTestDaemon({ dataDir });
    const back = await registerMaster(second, { privateId: master.privateId });
    expect(back.publicId).toBe(master.publicId);
    expect(back.ack.files).toEqual([]);
    expect(back.ack.clients.map((c) => c.publicId)).toEqual([master.publicId]);
    // The memory of ended identities does not survive a restart: the old secret makes a new request.
    const aliceBack = await registerClient(second, 'alice', { privateId: alice.privateId });
    expect(aliceBack.publicId).not.toBe(alice.publicId);
    expect(aliceBack.ack.status).toBe('pending');
  });
});

describe('PeerRegistry.forgetGuests', () => {
  it('remembers at most MAX_ENDED_IDENTITIES ended secrets, the newest', () => {
    const store: RoomStore = {
      location: 'test',
      load: () => ({ peers: [], files: [] }),
      savePeer: () => undefined,
      deletePeer: () => undefined,
      putFiles: () => undefined,
      deleteFile: () => undefined,
      deleteFiles: () => undefined,
      deleteFilesOf: () => undefined,
      clearRoom: () => undefined,
      masterToken: () => null,
      setMasterToken: () => undefined,
      close: () => undefined,
    };
    const registry = new PeerRegistry(store);
    const bucket = {} as Parameters<PeerRegistry['create']>[0]['bucket'];
    const first = registry.create({ name: 'first', status: 'approved', isMaster: false, bucket });
    registry.forgetGuests();
    expect(registry.wasEnded(first.privateId)).toBe(true);
    const secrets: string[] = [];
    for (let round = 0; round < 2; round++) {
      for (let index = 0; index < MAX_ENDED_IDENTITIES / 2; index++) {
        secrets.push(registry.create({ name: `g${index}`, status: 'pending', isMaster: false, bucket }).privateId);
      }
      registry.forgetGuests();
    }
    expect(registry.wasEnded(first.privateId)).toBe(false);
    expect(registry.wasEnded(secrets[0] ?? '')).toBe(true);
    expect(registry.wasEnded(secrets[secrets.length - 1] ?? '')).toBe(true);
    expect(registry.size).toBe(0);
  });
});
