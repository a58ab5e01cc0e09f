import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAll,
  offer,
  Peer,
  pick,
  registerClient,
  registerMaster,
  room,
  share,
  startTestDaemon,
  TOKEN,
} from './helpers';

// One test per error code of the contract (and Ferry's additions), with reqId echoed where given.

afterEach(closeAll);

describe('error codes', () => {
  it('BAD_MESSAGE: not JSON, no type, wrong fields (reqId echoed)', async () => {
    const daemon = await startTestDaemon();
    const peer = await Peer.connect(daemon);
    peer.sendRaw('this is not json');
    expect((await peer.next('ERROR')).code).toBe('BAD_MESSAGE');
    peer.send({ reqId: 'no-type' });
    expect(await peer.next('ERROR')).toMatchObject({ code: 'BAD_MESSAGE', reqId: 'no-type' });
    const alice = await registerClient(daemon, 'alice', { peer });
    alice.peer.send({ type: 'ADD_FILES', reqId: 'bad-fields', files: 'not a list' });
    expect(await peer.next('ERROR')).toMatchObject({ code: 'BAD_MESSAGE', reqId: 'bad-fields' });
    expect(peer.isOpen).toBe(true);
  });

  it('UNKNOWN_TYPE (reqId echoed)', async () => {
    const daemon = await startTestDaemon();
    const peer = await Peer.connect(daemon);
    peer.send({ type: 'MAKE_ME_ADMIN', reqId: 'u-1' });
    expect(await peer.next('ERROR')).toMatchObject({ code: 'UNKNOWN_TYPE', reqId: 'u-1' });
  });

  it('NOT_REGISTERED: a room action before any register (reqId echoed)', async () => {
    const daemon = await startTestDaemon();
    await registerMaster(daemon);
    const peer = await Peer.connect(daemon);
    peer.send({ type: 'ADD_FILES', reqId: 'nr-1', files: [offer()] });
    expect(await peer.next('ERROR')).toMatchObject({ code: 'NOT_REGISTERED', reqId: 'nr-1' });
  });

  it('NOT_APPROVED: a pending peer adds files (reqId echoed)', async () => {
    const daemon = await startTestDaemon();
    const master = await registerMaster(daemon);
    const alice = await registerClient(daemon, 'alice');
    alice.peer.send({ type: 'ADD_FILES', reqId: 'na-1', files: [offer()] });
    expect(await alice.peer.next('ERROR')).toMatchObject({ code: 'NOT_APPROVED', reqId: 'na-1' });
    await master.peer.expectNo('ADD_FILES');
  });

  it('FORBIDDEN: a master-only message from an approved client (reqId echoed)', async () => {
    const { daemon, master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    const carol = await registerClient(daemon, 'carol');
    alice.peer.send({ type: 'APPROVE_CLIENT', publicId: carol.publicId, reqId: 'f-1' });
    expect(await alice.peer.next('ERROR')).toMatchObject({ code: 'FORBIDDEN', reqId: 'f-1' });
    await Promise.all([carol.peer.expectNo('CLIENT_APPROVED'), master.peer.expectNo('CLIENT_APPROVED')]);
  });

  it("FORBIDDEN: removing someone else's file (reqId echoed)", async () => {
    const { master, clients } = await room(['alice', 'bob']);
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const [file] = await share(master, alice);
    if (!file) throw new Error('no file');
    bob.peer.send({ type: 'REMOVE_FILE', reqId: 'f-2', fileId: file.id });
    expect(await bob.peer.next('ERROR')).toMatchObject({ code: 'FORBIDDEN', reqId: 'f-2' });
    await master.peer.expectNo('REMOVE_FILE');
  });

  it('BAD_TOKEN: a wrong master token changes nothing', async () => {
    const daemon = await startTestDaemon();
    const peer = await Peer.connect(daemon);
    peer.send({ type: 'MASTER_APP_REGISTER', token: `${TOKEN}x` });
    expect((await peer.next('ERROR')).code).toBe('BAD_TOKEN');
    // No master came online: a client sees the master offline.
    const alice = await registerClient(daemon, 'alice');
    expect(alice.ack.masterOnline).toBe(false);
    await alice.peer.expectNo('MASTER_CONNECTED');
  });

  it('MASTER_EXISTS: a second master while one is online', async () => {
    const daemon = await startTestDaemon();
    const master = await registerMaster(daemon);
    const peer = await Peer.connect(daemon);
    peer.send({ type: 'MASTER_APP_REGISTER', token: TOKEN });
    expect((await peer.next('ERROR')).code).toBe('MASTER_EXISTS');
    peer.send({ type: 'MASTER_APP_REGISTER', token: TOKEN, privateId: 'not-the-masters-private-id' });
    expect((await peer.next('ERROR')).code).toBe('MASTER_EXISTS');
    expect(master.peer.isOpen).toBe(true);
  });

  it('MASTER_OFFLINE: ADD_FILES and REMOVE_FILE with the master gone (reqId echoed)', async () => {
    const { master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    const [file] = await share(master, alice);
    if (!file) throw new Error('no file');
    await master.peer.close();
    await alice.peer.next('MASTER_DISCONNECTED');
    alice.peer.send({ type: 'ADD_FILES', reqId: 'mo-1', files: [offer()] });
    expect(await alice.peer.next('ERROR')).toMatchObject({ code: 'MASTER_OFFLINE', reqId: 'mo-1' });
    alice.peer.send({ type: 'REMOVE_FILE', reqId: 'mo-2', fileId: file.id });
    expect(await alice.peer.next('ERROR')).toMatchObject({ code: 'MASTER_OFFLINE', reqId: 'mo-2' });
  });

  it('NO_SUCH_FILE: REMOVE_FILE and REQUEST_CHUNK of an unknown file (reqId echoed)', async () => {
    const { clients } = await room(['alice']);
    const alice = pick(clients, 0);
    alice.peer.send({ type: 'REMOVE_FILE', reqId: 'nf-1', fileId: 'no-such-file' });
    expect(await alice.peer.next('ERROR')).toMatchObject({ code: 'NO_SUCH_FILE', reqId: 'nf-1' });
    alice.peer.send({
      type: 'REQUEST_CHUNK',
      reqId: 'nf-2',
      transferId: 'tr-x',
      fileId: 'no-such-file',
      start: 0,
      end: 1,
    });
    expect(await alice.peer.next('ERROR')).toMatchObject({ code: 'NO_SUCH_FILE', reqId: 'nf-2' });
  });

  it('NO_SUCH_PEER: SIGNAL to an unknown peer, approving an unknown peer (reqId echoed)', async () => {
    const { master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    alice.peer.send({ type: 'SIGNAL', to: 'nobody-here', data: { sdp: 'x' } });
    expect((await alice.peer.next('ERROR')).code).toBe('NO_SUCH_PEER');
    master.peer.send({ type: 'APPROVE_CLIENT', publicId: 'nobody-here', reqId: 'np-1' });
    expect(await master.peer.next('ERROR')).toMatchObject({ code: 'NO_SUCH_PEER', reqId: 'np-1' });
  });

  it('RATE_LIMITED: over the burst, messages are dropped and answered, the socket stays', async () => {
    const { master, clients } = await room(['alice', 'bob'], { rateBurst: 20, rateMessagesPerSecond: 1 });
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    for (let i = 0; i < 60; i += 1) {
      alice.peer.send({ type: 'REMOVE_FILE', reqId: `rl-${i}`, fileId: 'no-such-file' });
    }
    const limited = await alice.peer.next('ERROR', { where: (m) => m.code === 'RATE_LIMITED' });
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', reqId: expect.stringMatching(/^rl-\d+$/) as unknown });
    expect(alice.peer.isOpen).toBe(true);
    // Others are not limited by alice's flood.
    bob.peer.send({ type: 'SIGNAL', to: master.publicId, data: 'still here' });
    expect((await master.peer.next('SIGNAL')).from).toBe(bob.publicId);
  });
});

describe('error codes added by Ferry', () => {
  it('ALREADY_REGISTERED: a second register on one socket', async () => {
    const daemon = await startTestDaemon();
    const alice = await registerClient(daemon, 'alice');
    alice.peer.send({ type: 'CLIENT_REGISTER', name: 'alice again' });
    expect((await alice.peer.next('ERROR')).code).toBe('ALREADY_REGISTERED');
  });

  it('NO_SUCH_TRANSFER: cancelling an unknown transfer', async () => {
    const { clients } = await room(['alice']);
    const alice = pick(clients, 0);
    alice.peer.send({ type: 'CANCEL_TRANSFER', transferId: 'never-asked' });
    expect((await alice.peer.next('ERROR')).code).toBe('NO_SUCH_TRANSFER');
  });

  it('LIMIT_EXCEEDED: more pending peers than maxPending', async () => {
    const daemon = await startTestDaemon({ maxPending: 2 });
    await registerClient(daemon, 'one');
    await registerClient(daemon, 'two');
    const peer = await Peer.connect(daemon);
    peer.send({ type: 'CLIENT_REGISTER', name: 'three' });
    expect((await peer.next('ERROR')).code).toBe('LIMIT_EXCEEDED');
  });
});

describe('envelope: a reqId on any request is echoed by its answer or error', () => {
  it.each([
    ['BAD_TOKEN on MASTER_APP_REGISTER', { type: 'MASTER_APP_REGISTER', token: 'wrong', reqId: 'e-bt' }, 'BAD_TOKEN'],
    [
      'MASTER_EXISTS on MASTER_APP_REGISTER',
      { type: 'MASTER_APP_REGISTER', token: TOKEN, reqId: 'e-me' },
      'MASTER_EXISTS',
    ],
    ['NOT_REGISTERED on SIGNAL', { type: 'SIGNAL', to: 'someone', data: 1, reqId: 'e-nr' }, 'NOT_REGISTERED'],
  ])('%s', async (_name, message, code) => {
    const daemon = await startTestDaemon();
    await registerMaster(daemon);
    const peer = await Peer.connect(daemon);
    peer.send(message);
    expect(await peer.next('ERROR')).toMatchObject({ code, reqId: message.reqId });
  });

  it('NO_SUCH_PEER on SIGNAL, NO_SUCH_TRANSFER on CANCEL_TRANSFER', async () => {
    const { clients } = await room(['alice']);
    const alice = pick(clients, 0);
    alice.peer.send({ type: 'SIGNAL', to: 'nobody', data: 1, reqId: 'e-np' });
    expect(await alice.peer.next('ERROR')).toMatchObject({ code: 'NO_SUCH_PEER', reqId: 'e-np' });
    alice.peer.send({ type: 'CANCEL_TRANSFER', transferId: 'nothing', reqId: 'e-nt' });
    expect(await alice.peer.next('ERROR')).toMatchObject({ code: 'NO_SUCH_TRANSFER', reqId: 'e-nt' });
  });

  it('the register ACKs', async () => {
    const daemon = await startTestDaemon();
    const master = await Peer.connect(daemon);
    master.send({ type: 'MASTER_APP_REGISTER', token: TOKEN, reqId: 'e-mack' });
    await master.next('MASTER_APP_REGISTER_ACK');
    expect(JSON.parse(master.frames.at(-1) ?? '{}')).toMatchObject({ reqId: 'e-mack' });
    const client = await Peer.connect(daemon);
    client.send({ type: 'CLIENT_REGISTER', name: 'alice', reqId: 'e-cack' });
    await client.next('CLIENT_REGISTER_ACK');
    expect(JSON.parse(client.frames.at(-1) ?? '{}')).toMatchObject({ reqId: 'e-cack' });
  });
});
