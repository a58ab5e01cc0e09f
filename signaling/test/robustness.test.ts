import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES, limits } from '@ferry/common';
import { closeAll, health, Peer, pick, room } from './helpers';

// Hostile frames hurt only the socket that sends them.

afterEach(closeAll);

const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const MALFORMED: Array<string | Buffer> = [
  'not json',
  '{',
  '',
  'null',
  '42',
  '"a string"',
  '[]',
  '[{"type":"CLIENT_REGISTER","name":"in an array"}]',
  '{"type":42}',
  '{"type":null,"reqId":"r"}',
  '{"type":"SIGNAL"}',
  '{"type":"CLIENT_REGISTER","name":"\\u0000\\u0007"}',
  '{"type":"MASTER_APP_REGISTER","token":""}',
  `{"type":"CLIENT_REGISTER","name":"${'n'.repeat(600_000)}"}`,
  'x'.repeat(900_000),
  Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]),
  Buffer.from(JSON.stringify({ type: 'CLIENT_REGISTER', name: 'binary but json' })),
  `{"type":"SIGNAL","to":"x","data":${deepArray(100_000)}}`,
  `{"type":"ADD_FILES","reqId":"deep","files":[${deepObject(50_000)}]}`,
  deepArray(200_000),
  '{"__proto__":{"polluted":"yes"},"type":"CLIENT_REGISTER","name":"proto"}',
  '{"type":"CLIENT_REGISTER","name":"ctor","constructor":{"prototype":{"polluted":"yes"}}}',
  '{"type":"ADD_FILES","reqId":"p","files":[{"__proto__":{"polluted":"yes"},"id":"f","name":"a","size":1,"chunkSize":1}]}',
  '{"type":"__proto__"}',
  '{"type":"toString"}',
  '{"type":"hasOwnProperty","reqId":"h"}',
];

describe('robustness', () => {
  it('a flood of malformed frames gets errors while an approved peer keeps being served', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob']);
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const before = await health(daemon);
    const evil = await Peer.connect(daemon, 'evil');
    const rounds = 3;
    for (let round = 0; round < rounds; round += 1) {
      for (const [i, frame] of MALFORMED.entries()) {
        evil.sendRaw(frame);
        if (i % 4 === 0) bob.peer.send({ type: 'SIGNAL', to: alice.publicId, data: { round, i } });
      }
    }
    const signalsPerRound = Math.ceil(MALFORMED.length / 4);
    for (let n = 0; n < rounds * signalsPerRound; n += 1) {
      const signal = await alice.peer.next('SIGNAL', { timeoutMs: 5_000 });
      expect(signal.from).toBe(bob.publicId);
    }
    for (let n = 0; n < rounds * MALFORMED.length; n += 1) {
      const error = await evil.next('ERROR', { timeoutMs: 5_000 });
      expect(['BAD_MESSAGE', 'UNKNOWN_TYPE']).toContain(error.code);
    }
    await evil.expectNo('ERROR');
    expect(evil.isOpen).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    // Nothing registered, nothing changed.
    await master.peer.expectNo('NEW_CLIENT_REGISTERED');
    expect(await health(daemon)).toEqual(before);
    // And the hostile socket can still register properly afterwards.
    evil.send({ type: 'CLIENT_REGISTER', name: 'reformed' });
    expect((await evil.next('CLIENT_REGISTER_ACK')).status).toBe('pending');
  });

  it('answers one error per frame and tells which request failed', async () => {
    const { daemon } = await room([]);
    const evil = await Peer.connect(daemon, 'evil');
    evil.sendRaw('{"type":null,"reqId":"r-null"}');
    evil.sendRaw('{"type":"NOPE","reqId":"r-nope"}');
    evil.sendRaw('{"type":"ADD_FILES","reqId":"r-proto","files":[{"__proto__":{}}]}');
    expect(await evil.next('ERROR')).toMatchObject({ code: 'BAD_MESSAGE', reqId: 'r-null' });
    expect(await evil.next('ERROR')).toMatchObject({ code: 'UNKNOWN_TYPE', reqId: 'r-nope' });
    expect(await evil.next('ERROR')).toMatchObject({ code: 'BAD_MESSAGE', reqId: 'r-proto' });
  });

  it('a frame over 1 MiB closes only that socket, with 1009', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob']);
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const big = await Peer.connect(daemon, 'big');
    big.sendRaw('x'.repeat(limits.MAX_FRAME_BYTES + 1));
    expect((await big.closed).code).toBe(CLOSE_CODES.messageTooBig);
    // An approved peer doing the same is cut off too, and the room hears it left.
    alice.peer.send({ type: 'SIGNAL', to: bob.publicId, data: 'y'.repeat(limits.MAX_FRAME_BYTES) });
    expect((await alice.peer.closed).code).toBe(CLOSE_CODES.messageTooBig);
    await bob.peer.expectNo('SIGNAL');
    expect((await bob.peer.next('CLIENT_DISCONNECTED')).publicId).toBe(alice.publicId);
    bob.peer.send({ type: 'SIGNAL', to: master.publicId, data: 'still fine' });
    expect((await master.peer.next('SIGNAL')).from).toBe(bob.publicId);
    expect((await health(daemon))['ok']).toBe(true);
  });

  it('a frame just under 1 MiB is parsed (and refused by its schema), not dropped', async () => {
    const { daemon } = await room([]);
    const peer = await Peer.connect(daemon, 'edge');
    peer.send({ type: 'SIGNAL', to: 'x', data: 'z'.repeat(limits.MAX_FRAME_BYTES - 100), reqId: 'edge' });
    expect((await peer.next('ERROR')).code).toBe('BAD_MESSAGE');
    expect(peer.isOpen).toBe(true);
  });

  it('invalid UTF-8 in a text frame closes only that socket', async () => {
    const { daemon, master } = await room([]);
    const peer = await Peer.connect(daemon, 'utf8');
    peer.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await peer.closed).code).toBe(1007);
    master.peer.send({ type: 'APPROVE_CLIENT', publicId: 'nobody', reqId: 'alive' });
    expect((await master.peer.next('ERROR')).reqId).toBe('alive');
  });
});
