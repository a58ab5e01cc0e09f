import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_CODES } from '@ferry/common';
import {
  closeAll,
  health,
  offer,
  Peer,
  pick,
  registerClient,
  registerMaster,
  relay,
  room,
  share,
  startTestDaemon,
  TOKEN,
  wsUrl,
} from './helpers';

// Behaviour the contract leaves open and docs/DECISIONS-DRAFT.md settles.

afterEach(closeAll);

describe('decisions: files and transfers', () => {
  it('the master shares like a peer: its ADD_FILES comes back to it with itself as owner', async () => {
    const { master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    const [file] = await share(master, master);
    expect(file?.owner).toBe(master.publicId);
    expect((await alice.peer.next('FILES_ADDED')).files).toEqual([file]);
  });

  it('a file id held by one owner cannot be claimed by another', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob']);
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const [file] = await share(master, alice);
    if (!file) throw new Error('no file');
    // A naive master accepts bob's offer of the same id: the daemon keeps it alice's.
    master.peer.send({
      type: 'FILES_ADDED',
      reqId: 'steal',
      owner: bob.publicId,
      files: [{ ...file, owner: bob.publicId }],
      rejected: [],
    });
    const added = await bob.peer.next('FILES_ADDED', { where: (m) => m.reqId === 'steal' });
    expect(added.files).toEqual([]);
    expect(added.rejected.map((r) => r.id)).toEqual([file.id]);
    const carol = await registerClient(daemon, 'carol');
    master.peer.send({ type: 'APPROVE_CLIENT', publicId: carol.publicId });
    expect((await carol.peer.next('ROOM_STATE')).files).toEqual([file]);
    carol.peer.send({ type: 'REQUEST_CHUNK', transferId: 'tr-c', fileId: file.id, start: 0, end: 1 });
    expect((await alice.peer.next('UPLOAD_CHUNK_REQUEST')).from).toBe(carol.publicId);
    await bob.peer.expectNo('UPLOAD_CHUNK_REQUEST');
  });

  it("REQUEST_CHUNK outside the file, of one's own file, or of an offline owner is refused", async () => {
    const { master, clients } = await room(['alice', 'bob'], { gracePeriodMs: 60_000 });
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const [file] = await share(master, alice, [offer({ size: 10, chunkSize: 4 })]);
    if (!file) throw new Error('no file');
    const ask = (peer: Peer, reqId: string, start: number, end: number) =>
      peer.send({ type: 'REQUEST_CHUNK', reqId, transferId: `tr-${reqId}`, fileId: file.id, start, end });
    ask(bob.peer, 'past-end', 0, 4);
    expect(await bob.peer.next('ERROR')).toMatchObject({ code: 'BAD_MESSAGE', reqId: 'past-end' });
    ask(bob.peer, 'empty', 2, 2);
    expect(await bob.peer.next('ERROR')).toMatchObject({ code: 'BAD_MESSAGE', reqId: 'empty' });
    ask(alice.peer, 'own', 0, 1);
    expect(await alice.peer.next('ERROR')).toMatchObject({ code: 'BAD_MESSAGE', reqId: 'own' });
    await alice.peer.expectNo('UPLOAD_CHUNK_REQUEST');
    await alice.peer.close();
    await bob.peer.next('CLIENT_DISCONNECTED');
    ask(bob.peer, 'offline', 0, 1);
    expect(await bob.peer.next('ERROR')).toMatchObject({ code: 'NO_SUCH_PEER', reqId: 'offline' });
  });

  it('SIGNAL to a pending peer is NO_SUCH_PEER and it hears nothing; to oneself BAD_MESSAGE', async () => {
    const { daemon, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    const carol = await registerClient(daemon, 'carol');
    alice.peer.send({ type: 'SIGNAL', to: carol.publicId, data: 'psst' });
    expect((await alice.peer.next('ERROR')).code).toBe('NO_SUCH_PEER');
    await carol.peer.expectNo('SIGNAL');
    alice.peer.send({ type: 'SIGNAL', to: alice.publicId, data: 'echo' });
    expect((await alice.peer.next('ERROR')).code).toBe('BAD_MESSAGE');
  });

  it('the relay answers 400 for a malformed transferId or index', async () => {
    const { daemon, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    for (const path of ['/relay/tr/abc', '/relay/tr/-1', '/relay/tr/1.5', '/relay/bad%20id/0']) {
      expect((await relay(daemon, 'GET', path, { privateId: alice.privateId })).status).toBe(400);
    }
  });
});

describe('decisions: identities and sockets', () => {
  it('LEAVE forgets the peer now: files removed, CLIENT_LEFT, socket closed with 4002', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob']);
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const [file] = await share(master, alice);
    alice.peer.send({ type: 'LEAVE' });
    expect((await alice.peer.closed).code).toBe(CLOSE_CODES.left);
    expect((await bob.peer.next('FILE_REMOVED')).fileId).toBe(file?.id);
    expect((await bob.peer.next('CLIENT_LEFT')).publicId).toBe(alice.publicId);
    expect((await master.peer.next('CLIENT_LEFT')).publicId).toBe(alice.publicId);
    const back = await registerClient(daemon, 'alice', { privateId: alice.privateId });
    expect(back.publicId).not.toBe(alice.publicId);
    expect(back.ack.status).toBe('pending');
  });

  it('a pending peer offline past the grace period is forgotten (CLIENT_LEFT to the master)', async () => {
    const { daemon, master } = await room([], { gracePeriodMs: 200 });
    const carol = await registerClient(daemon, 'carol');
    await carol.peer.close();
    await master.peer.next('CLIENT_DISCONNECTED');
    expect((await master.peer.next('CLIENT_LEFT', { timeoutMs: 5_000 })).publicId).toBe(carol.publicId);
    await master.peer.close();
    const back = await registerMaster(daemon);
    expect(back.ack.clients.map((c) => c.publicId)).not.toContain(carol.publicId);
  });

  it('a socket that never registers is closed (1008)', async () => {
    const daemon = await startTestDaemon({ registerTimeoutMs: 200 });
    const idle = await Peer.connect(daemon, 'idle');
    expect((await idle.closed).code).toBe(CLOSE_CODES.policyViolation);
  });

  it('a socket that stops answering pings is dropped; a live one stays', async () => {
    const daemon = await startTestDaemon({ heartbeatMs: 100 });
    const live = await registerClient(daemon, 'live');
    const deaf = new WebSocket(wsUrl(daemon), { autoPong: false });
    const deafClosed = new Promise<number>((resolve) => deaf.once('close', (code) => resolve(code)));
    await new Promise((resolve) => deaf.once('open', resolve));
    deaf.send(JSON.stringify({ type: 'CLIENT_REGISTER', name: 'deaf' }));
    expect(await deafClosed).toBe(1006);
    expect(live.peer.isOpen).toBe(true);
    expect((await health(daemon))['online']).toBe(1);
  });

  it('the rate limit follows the identity: a new socket does not refill it', async () => {
    const { daemon, clients } = await room(['alice'], { rateBurst: 5, rateMessagesPerSecond: 0.01 });
    const alice = pick(clients, 0);
    for (let i = 0; i < 5; i += 1) alice.peer.send({ type: 'REMOVE_FILE', reqId: `r-${i}`, fileId: 'none' });
    for (let i = 0; i < 5; i += 1) expect((await alice.peer.next('ERROR')).code).toBe('NO_SUCH_FILE');
    const back = await registerClient(daemon, 'alice', { privateId: alice.privateId });
    back.peer.send({ type: 'REMOVE_FILE', reqId: 'r-new', fileId: 'none' });
    expect((await back.peer.next('ERROR')).code).toBe('RATE_LIMITED');
  });

  it('never logs a privateId or the master token', async () => {
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
    const { daemon, master, clients } = await room(['alice'], { logger, heartbeatMs: 50 });
    const alice = pick(clients, 0);
    await share(master, alice);
    alice.peer.sendRaw('not json');
    await alice.peer.next('ERROR');
    const again = await registerClient(daemon, 'alice', { privateId: alice.privateId });
    await again.peer.next('ROOM_STATE');
    await registerMaster(daemon, { privateId: master.privateId });
    await daemon.close();
    const log = lines.join('\n');
    for (const secret of [master.privateId, alice.privateId, TOKEN]) expect(log).not.toContain(secret);
  });

  it('a second register on a socket changes nothing', async () => {
    const daemon = await startTestDaemon();
    const master = await registerMaster(daemon);
    const alice = await registerClient(daemon, 'alice');
    alice.peer.send({ type: 'MASTER_APP_REGISTER', token: TOKEN });
    expect((await alice.peer.next('ERROR')).code).toBe('ALREADY_REGISTERED');
    expect(master.peer.isOpen).toBe(true);
    await alice.peer.expectNo('MASTER_APP_REGISTER_ACK');
  });
});
