import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES, type ErrorCode } from '@ferry/common';
import {
  closeAll,
  disApprove,
  TOKEN,
  offer,
  Peer,
  pick,
  registerClient,
  relay,
  room,
  share,
  type Member,
} from './helpers';

// The authorization matrix: peers that are not admitted, or not party to a thing, get nothing.

afterEach(closeAll);

const CHUNK = new Uint8Array([1, 2, 3, 4]);

/** master, approved alice (owns a file) and bob (asking alice for it), chunk 0 waiting on the relay. */
async function setting() {
  const { daemon, master, clients } = await room(['alice', 'bob'], { p2p: false });
  const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
  const [file] = await share(master, alice);
  if (!file) throw new Error('no file');
  const transferId = randomUUID();
  bob.peer.send({ type: 'REQUEST_CHUNK', transferId, fileId: file.id, start: 0, end: 3 });
  await alice.peer.next('UPLOAD_CHUNK_REQUEST');
  expect((await relay(daemon, 'PUT', `/relay/${transferId}/0`, { privateId: alice.privateId, body: CHUNK })).ok).toBe(
    true,
  );
  await bob.peer.next('CHUNK_READY');
  return { daemon, master, alice, bob, file, transferId };
}
type Setting = Awaited<ReturnType<typeof setting>>;

interface Actor {
  peer: Peer;
  /** The identity the actor holds in the room, if any (others may try to signal it). */
  publicId?: string;
  /** What the actor presents as a Bearer privateId on the relay. */
  privateId: string;
  /** Error codes it may get for a room action, for a master-only action. */
  roomCodes: ErrorCode[];
  masterCodes: ErrorCode[];
}

const NOT_ADMITTED: Pick<Actor, 'roomCodes' | 'masterCodes'> = {
  roomCodes: ['NOT_APPROVED'],
  // The contract does not say which of the two a non-approved peer gets for a master-only message.
  masterCodes: ['NOT_APPROVED', 'FORBIDDEN'],
};

const actors: Array<[string, (s: Setting) => Promise<Actor>]> = [
  [
    'unregistered',
    async (s) => {
      const peer = await Peer.connect(s.daemon, 'unregistered');
      return { peer, privateId: randomUUID(), roomCodes: ['NOT_REGISTERED'], masterCodes: ['NOT_REGISTERED'] };
    },
  ],
  [
    'pending',
    async (s) => {
      const carol = await registerClient(s.daemon, 'carol');
      await s.master.peer.next('NEW_CLIENT_REGISTERED');
      return { peer: carol.peer, publicId: carol.publicId, privateId: carol.privateId, ...NOT_ADMITTED };
    },
  ],
  [
    'rejected',
    async (s) => {
      const carol = await registerClient(s.daemon, 'carol');
      await disApprove(s.master, carol);
      return { peer: carol.peer, publicId: carol.publicId, privateId: carol.privateId, ...NOT_ADMITTED };
    },
  ],
  [
    'kicked',
    async (s) => {
      const carol = await approvedClientOf(s);
      await disApprove(s.master, carol);
      await Promise.all([s.alice.peer.next('CLIENT_DIS_APPROVED'), s.bob.peer.next('CLIENT_DIS_APPROVED')]);
      return { peer: carol.peer, publicId: carol.publicId, privateId: carol.privateId, ...NOT_ADMITTED };
    },
  ],
  [
    'kicked, then back with its privateId',
    async (s) => {
      const carol = await approvedClientOf(s);
      await disApprove(s.master, carol);
      await Promise.all([s.alice.peer.next('CLIENT_DIS_APPROVED'), s.bob.peer.next('CLIENT_DIS_APPROVED')]);
      await carol.peer.close();
      const back = await registerClient(s.daemon, 'carol', { privateId: carol.privateId });
      expect(back.ack.status).toBe('rejected');
      expect(back.ack.publicId).toBe(carol.publicId);
      await s.master.peer.next('CLIENT_RECONNECTED');
      return { peer: back.peer, publicId: back.publicId, privateId: back.privateId, ...NOT_ADMITTED };
    },
  ],
  // socket.io #5491: approval is checked again on resume, not remembered from the last session.
  [
    'kicked while offline, then back with its privateId',
    async (s) => {
      const carol = await approvedClientOf(s);
      await carol.peer.close();
      await s.master.peer.next('CLIENT_DISCONNECTED', { where: (m) => m.publicId === carol.publicId });
      s.master.peer.send({ type: 'DIS_APPROVE_CLIENT', publicId: carol.publicId });
      await s.master.peer.next('CLIENT_DIS_APPROVED', { where: (m) => m.publicId === carol.publicId });
      const back = await registerClient(s.daemon, 'carol', { privateId: carol.privateId });
      expect(back.ack).toMatchObject({ publicId: carol.publicId, status: 'rejected' });
      await back.peer.expectNo('ROOM_STATE');
      return { peer: back.peer, publicId: back.publicId, privateId: back.privateId, ...NOT_ADMITTED };
    },
  ],
  [
    'holding a publicId presented as its privateId',
    async (s) => {
      const forger = await registerClient(s.daemon, 'forger', { privateId: s.alice.publicId });
      expect(forger.ack.status).toBe('pending');
      expect(forger.publicId).not.toBe(s.alice.publicId);
      await s.master.peer.next('NEW_CLIENT_REGISTERED');
      // On the relay it presents the publicId it forged with, not the privateId it was given.
      return { peer: forger.peer, publicId: forger.publicId, privateId: s.alice.publicId, ...NOT_ADMITTED };
    },
  ],
  [
    'guessing the master token',
    async (s) => {
      // A wrong token closes its socket (issue 11, finding 9): each guess takes a new one.
      for (const guess of ['', 'master', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), s.master.privateId]) {
        const one = await Peer.connect(s.daemon, 'guess');
        one.send({ type: 'MASTER_APP_REGISTER', token: guess, reqId: 'guess' });
        const { code } = await one.next('ERROR');
        expect(['BAD_TOKEN', 'BAD_MESSAGE']).toContain(code);
        if (code === 'BAD_TOKEN') expect((await one.closed).code).toBe(CLOSE_CODES.policyViolation);
      }
      const guesser = await Peer.connect(s.daemon, 'guesser');
      expect(s.master.peer.isOpen).toBe(true);
      return { peer: guesser, privateId: TOKEN, roomCodes: ['NOT_REGISTERED'], masterCodes: ['NOT_REGISTERED'] };
    },
  ],
];

/** Forgets the setup's broadcasts, so that silence afterwards means the action leaked nothing. */
function quiet(s: Setting, actor: { peer: Peer }): void {
  for (const member of [s.master, s.alice, s.bob, actor]) member.peer.clear();
}

async function approvedClientOf(s: Setting): Promise<Member> {
  const carol = await registerClient(s.daemon, 'carol');
  s.master.peer.send({ type: 'APPROVE_CLIENT', publicId: carol.publicId });
  await carol.peer.next('ROOM_STATE');
  await Promise.all([
    s.alice.peer.next('CLIENT_APPROVED'),
    s.bob.peer.next('CLIENT_APPROVED'),
    s.master.peer.next('CLIENT_APPROVED'),
  ]);
  return carol;
}

type Action = [name: string, kind: 'room' | 'master', message: (s: Setting) => Record<string, unknown>];

const actions: Action[] = [
  ['ADD_FILES', 'room', () => ({ type: 'ADD_FILES', reqId: 'm-add', files: [offer()] })],
  ['REMOVE_FILE of a listed file', 'room', (s) => ({ type: 'REMOVE_FILE', reqId: 'm-rm', fileId: s.file.id })],
  [
    'REQUEST_CHUNK',
    'room',
    (s) => ({ type: 'REQUEST_CHUNK', reqId: 'm-rc', transferId: randomUUID(), fileId: s.file.id, start: 0, end: 1 }),
  ],
  [
    'REQUEST_CHUNK on the live transferId',
    'room',
    (s) => ({ type: 'REQUEST_CHUNK', reqId: 'm-rc2', transferId: s.transferId, fileId: s.file.id, start: 1, end: 3 }),
  ],
  [
    'SIGNAL to an approved peer',
    'room',
    (s) => ({ type: 'SIGNAL', to: s.alice.publicId, from: s.bob.publicId, data: { sdp: 'x' } }),
  ],
  ['SIGNAL to the master', 'room', (s) => ({ type: 'SIGNAL', to: s.master.publicId, data: { sdp: 'x' } })],
  ['CANCEL_TRANSFER of the live transfer', 'room', (s) => ({ type: 'CANCEL_TRANSFER', transferId: s.transferId })],
  ['APPROVE_CLIENT', 'master', (s) => ({ type: 'APPROVE_CLIENT', reqId: 'm-ap', publicId: s.bob.publicId })],
  ['DIS_APPROVE_CLIENT', 'master', (s) => ({ type: 'DIS_APPROVE_CLIENT', reqId: 'm-dis', publicId: s.alice.publicId })],
  [
    'forged FILES_ADDED',
    'master',
    (s) => ({
      type: 'FILES_ADDED',
      reqId: 'm-fa',
      owner: s.alice.publicId,
      files: [{ ...offer(), owner: s.alice.publicId }],
      rejected: [],
    }),
  ],
  ['forged FILE_REMOVED', 'master', (s) => ({ type: 'FILE_REMOVED', reqId: 'm-fr', fileId: s.file.id })],
];

async function expectRoomUntouched(s: Setting): Promise<void> {
  await Promise.all([s.master.peer.expectSilence(), s.alice.peer.expectSilence(), s.bob.peer.expectSilence()]);
  // The transfer and its chunk are still there for bob.
  const chunk = await relay(s.daemon, 'GET', `/relay/${s.transferId}/0`, { privateId: s.bob.privateId });
  expect(chunk.status).toBe(200);
  expect(new Uint8Array(await chunk.arrayBuffer())).toEqual(CHUNK);
}

describe.each(actors)('a peer that is %s', (_actorName, makeActor) => {
  it.each(actions)('%s gets an error and nobody hears of it', async (_name, kind, message) => {
    const s = await setting();
    const actor = await makeActor(s);
    quiet(s, actor);
    const sent = message(s);
    actor.peer.send(sent);
    const error = await actor.peer.next('ERROR');
    expect(kind === 'room' ? actor.roomCodes : actor.masterCodes).toContain(error.code);
    if (typeof sent['reqId'] === 'string') expect(error.reqId).toBe(sent['reqId']);
    await Promise.all([expectRoomUntouched(s), actor.peer.expectSilence()]);
  });

  it('gets nothing from the relay', async () => {
    const s = await setting();
    const actor = await makeActor(s);
    quiet(s, actor);
    const get = await relay(s.daemon, 'GET', `/relay/${s.transferId}/0`, { privateId: actor.privateId });
    expect([401, 403]).toContain(get.status);
    const put = await relay(s.daemon, 'PUT', `/relay/${s.transferId}/1`, { privateId: actor.privateId, body: CHUNK });
    expect([401, 403]).toContain(put.status);
    await expectRoomUntouched(s);
  });

  it('hears nothing of the room: no file list, no signal, no chunk notice', async () => {
    const s = await setting();
    const actor = await makeActor(s);
    quiet(s, actor);
    const seenBefore = actor.peer.frames.length;
    // The room goes on: a new file is listed, the transfer moves, someone tries to signal the actor.
    const [secret] = await share(s.master, s.alice, [offer({ name: 'secret-plans.txt' })]);
    s.bob.peer.send({ type: 'REQUEST_CHUNK', transferId: s.transferId, fileId: s.file.id, start: 1, end: 2 });
    await s.alice.peer.next('UPLOAD_CHUNK_REQUEST');
    expect(
      (await relay(s.daemon, 'PUT', `/relay/${s.transferId}/1`, { privateId: s.alice.privateId, body: CHUNK })).status,
    ).toBe(201);
    await s.bob.peer.next('CHUNK_READY');
    if (actor.publicId !== undefined) {
      s.alice.peer.send({ type: 'SIGNAL', to: actor.publicId, data: { sdp: 'offer' }, reqId: 'to-actor' });
      expect((await s.alice.peer.next('ERROR')).code).toBe('NO_SUCH_PEER');
    }
    await actor.peer.expectSilence();
    const heard = actor.peer.frames.slice(seenBefore).join('\n');
    expect(heard).not.toContain(s.file.id);
    expect(heard).not.toContain(secret?.id ?? 'no file');
    expect(heard).not.toContain('secret-plans');
  });
});

describe('revoking a peer revokes its privateId', () => {
  it('the asker of a live transfer, kicked: its waiting chunks go, its socket and a resume get nothing', async () => {
    const s = await setting();
    await disApprove(s.master, s.bob);
    await s.alice.peer.next('TRANSFER_CANCELLED', { where: (m) => m.transferId === s.transferId });
    expect([403, 404]).toContain(
      (await relay(s.daemon, 'GET', `/relay/${s.transferId}/0`, { privateId: s.bob.privateId })).status,
    );
    s.bob.peer.send({
      type: 'REQUEST_CHUNK',
      reqId: 'still',
      transferId: s.transferId,
      fileId: s.file.id,
      start: 0,
      end: 1,
    });
    expect((await s.bob.peer.next('ERROR', { where: (m) => m.reqId === 'still' })).code).toBe('NOT_APPROVED');
    await s.bob.peer.close();
    const back = await registerClient(s.daemon, 'bob', { privateId: s.bob.privateId });
    expect(back.ack.status).toBe('rejected');
    await back.peer.expectNo('ROOM_STATE');
    back.peer.send({ type: 'SIGNAL', to: s.alice.publicId, data: 'let me in', reqId: 'sig' });
    expect((await back.peer.next('ERROR')).code).toBe('NOT_APPROVED');
    await s.alice.peer.expectNo('SIGNAL');
    expect((await relay(s.daemon, 'GET', `/relay/${s.transferId}/0`, { privateId: back.privateId })).status).not.toBe(
      200,
    );
  });

  it('the master token is no Bearer credential on the relay', async () => {
    const s = await setting();
    quiet(s, s.bob);
    expect((await relay(s.daemon, 'GET', `/relay/${s.transferId}/0`, { privateId: TOKEN })).status).toBe(401);
    expect((await relay(s.daemon, 'PUT', `/relay/${s.transferId}/1`, { privateId: TOKEN, body: CHUNK })).status).toBe(
      401,
    );
    await expectRoomUntouched(s);
  });
});

describe('an approved peer that is not party to a thing', () => {
  const strangerActions: Array<[string, (s: Setting) => Record<string, unknown>]> = [
    ["REMOVE_FILE of another peer's file", (s) => ({ type: 'REMOVE_FILE', reqId: 's-rm', fileId: s.file.id })],
    [
      "REQUEST_CHUNK on another asker's transferId",
      (s) => ({ type: 'REQUEST_CHUNK', reqId: 's-rc', transferId: s.transferId, fileId: s.file.id, start: 0, end: 1 }),
    ],
    ['CANCEL_TRANSFER of a transfer between others', (s) => ({ type: 'CANCEL_TRANSFER', transferId: s.transferId })],
    ['APPROVE_CLIENT', (s) => ({ type: 'APPROVE_CLIENT', reqId: 's-ap', publicId: s.bob.publicId })],
    ['DIS_APPROVE_CLIENT', (s) => ({ type: 'DIS_APPROVE_CLIENT', reqId: 's-dis', publicId: s.alice.publicId })],
    [
      'FILES_ADDED',
      (s) => ({
        type: 'FILES_ADDED',
        reqId: 's-fa',
        owner: s.alice.publicId,
        files: [{ ...offer(), owner: s.alice.publicId }],
        rejected: [],
      }),
    ],
    ['FILE_REMOVED', (s) => ({ type: 'FILE_REMOVED', reqId: 's-fr', fileId: s.file.id })],
  ];

  it.each(strangerActions)('%s: FORBIDDEN, nobody hears of it', async (_name, message) => {
    const s = await setting();
    const carol = await approvedClientOf(s);
    quiet(s, carol);
    const sent = message(s);
    carol.peer.send(sent);
    const error = await carol.peer.next('ERROR');
    expect(error.code).toBe('FORBIDDEN');
    if (typeof sent['reqId'] === 'string') expect(error.reqId).toBe(sent['reqId']);
    await expectRoomUntouched(s);
  });

  it('the relay refuses it (403) for a transfer between others', async () => {
    const s = await setting();
    const carol = await approvedClientOf(s);
    quiet(s, carol);
    expect((await relay(s.daemon, 'GET', `/relay/${s.transferId}/0`, { privateId: carol.privateId })).status).toBe(403);
    expect(
      (await relay(s.daemon, 'PUT', `/relay/${s.transferId}/1`, { privateId: carol.privateId, body: CHUNK })).status,
    ).toBe(403);
    await expectRoomUntouched(s);
  });
});

describe('forged identities', () => {
  it('a publicId presented as privateId makes a new pending identity, takes nothing over', async () => {
    const s = await setting();
    const fake = await registerClient(s.daemon, 'forger', { privateId: s.alice.publicId });
    expect(fake.ack.status).toBe('pending');
    expect(fake.publicId).not.toBe(s.alice.publicId);
    expect(s.alice.peer.isOpen).toBe(true);
    fake.peer.send({ type: 'SIGNAL', to: s.bob.publicId, data: 'hi' });
    expect((await fake.peer.next('ERROR')).code).toBe('NOT_APPROVED');
    await s.bob.peer.expectNo('SIGNAL');
  });

  it("the master's privateId on CLIENT_REGISTER is unknown there", async () => {
    const s = await setting();
    const fake = await registerClient(s.daemon, 'boss', { privateId: s.master.privateId });
    expect(fake.ack.status).toBe('pending');
    expect(fake.publicId).not.toBe(s.master.publicId);
    expect(s.master.peer.isOpen).toBe(true);
    expect((await s.master.peer.next('NEW_CLIENT_REGISTERED')).client.publicId).toBe(fake.publicId);
  });

  it("a client's privateId is no master token", async () => {
    const s = await setting();
    const peer = await Peer.connect(s.daemon);
    peer.send({ type: 'MASTER_APP_REGISTER', token: s.alice.privateId, privateId: s.master.privateId });
    expect((await peer.next('ERROR')).code).toBe('BAD_TOKEN');
    expect(s.master.peer.isOpen).toBe(true);
  });

  it('a publicId as Bearer is refused (401) and the chunk stays for its asker', async () => {
    const s = await setting();
    quiet(s, s.bob);
    const byPublicId = await relay(s.daemon, 'GET', `/relay/${s.transferId}/0`, { privateId: s.bob.publicId });
    expect(byPublicId.status).toBe(401);
    await expectRoomUntouched(s);
  });

  it('no privateId ever reaches another peer', async () => {
    const s = await setting();
    const carol = await approvedClientOf(s);
    carol.peer.send({ type: 'SIGNAL', to: s.alice.publicId, data: 'hello' });
    await s.alice.peer.next('SIGNAL');
    const members = [s.master, s.alice, s.bob, carol];
    const secrets = members.map((m) => m.privateId);
    const peers = members.map((m): [Member, string] => [m, m.privateId]);
    for (const [member, own] of peers) {
      const text = member.peer.frames.join('\n');
      for (const secret of secrets) if (secret !== own) expect(text).not.toContain(secret);
    }
  });
});
