import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeAll, health, Peer, registerClient, relay, relayTransferRoom, type Daemon } from './helpers';
import { storedState } from './stored-state';

/*
 * Bad HTTP against a live daemon (issue 5, guarantee 4): bad paths (traversal in transferId and
 * index), bad and oversized lengths, chunked bodies, bad auth, wrong methods, header floods, and the
 * `ws` many-headers crash (CVE-2024-37890). Each is answered with the right 4xx on a raw socket,
 * and nothing the daemon stores changes; honest peers keep working.
 */

afterEach(closeAll);
const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

interface RawAnswer {
  status: number;
  head: string;
}

/** Sends bytes as they are (no client normalizes the path or the headers) and reads the answer. */
function raw(daemon: Daemon, request: string | Buffer): Promise<RawAnswer> {
  const { port } = new URL(daemon.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const parts: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${String(request).slice(0, 80)}`));
    }, 5_000);
    const done = () => {
      clearTimeout(timer);
      const text = Buffer.concat(parts).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      if (status === 0)
        return reject(new Error(`no HTTP answer to ${String(request).slice(0, 80)}: ${text.slice(0, 80)}`));
      resolve({ status, head: text.split('\r\n\r\n')[0] ?? '' });
    };
    socket.on('data', (part: Buffer) => {
      parts.push(part);
      // The status line and headers are all a test needs; do not wait for a kept-alive socket.
      if (Buffer.concat(parts).includes('\r\n\r\n')) {
        socket.destroy();
        done();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (timer.hasRef()) done();
    });
    socket.write(request);
  });
}

/** A request with a body (or none), and `Connection: close` unless told otherwise. */
function request(method: string, path: string, headers: string[] = [], body: string | Buffer = ''): Buffer {
  const head = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headers, 'Connection: close', '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1')]);
}

async function relayRoom() {
  const dataDir = mkdtempSync(join(tmpdir(), 'ferry-fuzz-http-'));
  dataDirs.push(dataDir);
  const started = await relayTransferRoom(
    ['alice', 'bob', 'mallory'],
    { dataDir, relayTtlMs: 10 * 60_000, heartbeatMs: 10 * 60_000 },
    { size: 10, chunkSize: 4, end: 3 },
  );
  const { daemon, master, owner: alice, asker: bob, third: mallory, file, transferId } = started;
  expect(
    (
      await relay(daemon, 'PUT', `/relay/${transferId}/0`, {
        privateId: alice.privateId,
        body: new Uint8Array([1, 2, 3, 4]),
      })
    ).status,
  ).toBe(201);
  await bob.peer.next('CHUNK_READY');
  return { daemon, master, alice, bob, mallory, file, transferId };
}
type Setting = Awaited<ReturnType<typeof relayRoom>>;

const auth = (privateId: string) => `Authorization: Bearer ${privateId}`;

/** [name, request, expected status (or any of several)]. */
type Case = [string, (s: Setting) => Buffer, number | number[]];

const T = (s: Setting) => s.transferId;
const asker = (s: Setting) => auth(s.bob.privateId);
const owner = (s: Setting) => auth(s.alice.privateId);
const FOUR = 'abcd';

const CASES: Case[] = [
  // Authentication
  ['no Authorization', (s) => request('GET', `/relay/${T(s)}/0`), 401],
  ['an empty Bearer', (s) => request('GET', `/relay/${T(s)}/0`, ['Authorization: Bearer ']), 401],
  ['an overlong Bearer', (s) => request('GET', `/relay/${T(s)}/0`, [auth('x'.repeat(300))]), 401],
  ['a lowercase scheme', (s) => request('GET', `/relay/${T(s)}/0`, [`Authorization: bearer ${s.bob.privateId}`]), 401],
  [
    'Basic instead of Bearer',
    (s) => request('GET', `/relay/${T(s)}/0`, [`Authorization: Basic ${s.bob.privateId}`]),
    401,
  ],
  [
    'two credentials in one header',
    (s) =>
      request('GET', `/relay/${T(s)}/0`, [`Authorization: Bearer ${s.mallory.privateId}, Bearer ${s.bob.privateId}`]),
    401,
  ],
  // Node keeps the first of two Authorization headers: the second cannot smuggle the asker in.
  [
    'two Authorization headers, a stranger first',
    (s) => request('GET', `/relay/${T(s)}/0`, [auth(s.mallory.privateId), asker(s)]),
    403,
  ],
  ['a publicId as Bearer', (s) => request('GET', `/relay/${T(s)}/0`, [auth(s.bob.publicId)]), 401],
  ["a stranger's privateId", (s) => request('GET', `/relay/${T(s)}/0`, [auth(s.mallory.privateId)]), 403],
  ['the owner GETting', (s) => request('GET', `/relay/${T(s)}/0`, [owner(s)]), 403],
  ['the asker PUTting', (s) => request('PUT', `/relay/${T(s)}/1`, [asker(s), 'Content-Length: 4'], FOUR), 403],
  // Paths: traversal and malformed ids and indexes
  ['../ out of the relay', (s) => request('GET', '/relay/../../etc/passwd', [asker(s)]), 404],
  ['%2e%2e as the transferId', (s) => request('GET', '/relay/%2e%2e/0', [asker(s)]), 404],
  ['an encoded ../ in the index', (s) => request('GET', `/relay/${T(s)}/..%2f0`, [asker(s)]), 400],
  ['an encoded ../ in the transferId', (s) => request('GET', '/relay/..%2f..%2fetc/0', [asker(s)]), 400],
  ['a NUL in the transferId', (s) => request('GET', `/relay/${T(s)}%00/0`, [asker(s)]), 400],
  ['a NUL in the index', (s) => request('GET', `/relay/${T(s)}/0%00`, [asker(s)]), 400],
  ['a backslash path', (s) => request('GET', `/relay/..%5c..%5c${T(s)}/0`, [asker(s)]), 400],
  ['a negative index', (s) => request('GET', `/relay/${T(s)}/-1`, [asker(s)]), 400],
  ['an exponent index', (s) => request('GET', `/relay/${T(s)}/1e3`, [asker(s)]), 400],
  ['a hex index', (s) => request('GET', `/relay/${T(s)}/0x1`, [asker(s)]), 400],
  ['a zero-padded index', (s) => request('GET', `/relay/${T(s)}/00`, [asker(s)]), 400],
  ['a 16-digit index', (s) => request('GET', `/relay/${T(s)}/9999999999999999`, [asker(s)]), 400],
  ['a 15-digit index, never asked', (s) => request('GET', `/relay/${T(s)}/999999999999999`, [asker(s)]), 403],
  ['an empty index', (s) => request('GET', `/relay/${T(s)}/`, [asker(s)]), 400],
  ['an empty transferId', (s) => request('GET', '/relay//0', [asker(s)]), 400],
  ['a 65-character transferId', (s) => request('GET', `/relay/${'a'.repeat(65)}/0`, [asker(s)]), 400],
  ['a unicode transferId', (s) => request('GET', '/relay/%C3%A9t%C3%A9/0', [asker(s)]), 400],
  ['an extra segment', (s) => request('GET', `/relay/${T(s)}/0/extra`, [asker(s)]), 404],
  ['an unknown transfer', (s) => request('GET', `/relay/${randomUUID()}/0`, [asker(s)]), 404],
  ['traversal out of the apps', () => request('GET', '/client/..%2f..%2fpackage.json'), 404],
  ['traversal with dots into the apps', () => request('GET', '/master/../../../etc/passwd'), 404],
  [
    'an absolute-form URL elsewhere',
    (s) => request('GET', `http://evil.example/relay/${s.transferId}/0`, [auth(s.mallory.privateId)]),
    [403, 400],
  ],
  // Methods
  ...['POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE'].map((method): Case => [
    `${method} on the relay`,
    (s) => request(method, `/relay/${T(s)}/0`, [asker(s), 'Content-Length: 0']),
    405,
  ]),
  ['PUT elsewhere', () => request('PUT', '/healthz', ['Content-Length: 4'], FOUR), 404],
  // Lengths and bodies (the owner PUTting chunk 1, which is 4 bytes)
  ['Content-Length: abc', (s) => request('PUT', `/relay/${T(s)}/1`, [owner(s), 'Content-Length: abc'], FOUR), 400],
  ['Content-Length: -1', (s) => request('PUT', `/relay/${T(s)}/1`, [owner(s), 'Content-Length: -1'], FOUR), 400],
  [
    'Content-Length past 2^64',
    (s) => request('PUT', `/relay/${T(s)}/1`, [owner(s), 'Content-Length: 99999999999999999999999'], FOUR),
    [400, 413],
  ],
  [
    'Content-Length 2^53',
    (s) => request('PUT', `/relay/${T(s)}/1`, [owner(s), 'Content-Length: 9007199254740993'], FOUR),
    413,
  ],
  [
    'Content-Length one over the chunk',
    (s) => request('PUT', `/relay/${T(s)}/1`, [owner(s), 'Content-Length: 5'], 'abcde'),
    413,
  ],
  [
    'Content-Length one under the chunk',
    (s) => request('PUT', `/relay/${T(s)}/1`, [owner(s), 'Content-Length: 3'], 'abc'),
    400,
  ],
  [
    'two different Content-Lengths',
    (s) => request('PUT', `/relay/${T(s)}/1`, [owner(s), 'Content-Length: 4', 'Content-Length: 5'], 'abcde'),
    400,
  ],
  [
    'Content-Length and chunked together',
    (s) =>
      request(
        'PUT',
        `/relay/${T(s)}/1`,
        [owner(s), 'Content-Length: 4', 'Transfer-Encoding: chunked'],
        '4\r\nabcd\r\n0\r\n\r\n',
      ),
    400,
  ],
  [
    'a chunked body over the chunk',
    (s) => request('PUT', `/relay/${T(s)}/1`, [owner(s), 'Transfer-Encoding: chunked'], '6\r\nabcdef\r\n0\r\n\r\n'),
    413,
  ],
  [
    'a chunked body under the chunk',
    (s) => request('PUT', `/relay/${T(s)}/1`, [owner(s), 'Transfer-Encoding: chunked'], '2\r\nab\r\n0\r\n\r\n'),
    400,
  ],
  [
    'a malformed chunk size',
    (s) => request('PUT', `/relay/${T(s)}/1`, [owner(s), 'Transfer-Encoding: chunked'], 'zz\r\nabcd\r\n0\r\n\r\n'),
    400,
  ],
  [
    'an unknown Transfer-Encoding',
    (s) => request('PUT', `/relay/${T(s)}/1`, [owner(s), 'Transfer-Encoding: gzip'], FOUR),
    400,
  ],
  [
    'a 2 MiB body',
    (s) =>
      request(
        'PUT',
        `/relay/${T(s)}/1`,
        [owner(s), `Content-Length: ${2 * 1024 * 1024}`],
        Buffer.alloc(2 * 1024 * 1024),
      ),
    413,
  ],
  [
    'a bad chunk SHA-256',
    (s) => request('PUT', `/relay/${T(s)}/1`, [owner(s), 'Content-Length: 4', 'X-Chunk-Sha256: not-hex'], FOUR),
    400,
  ],
  [
    'an uppercase chunk SHA-256',
    (s) =>
      request('PUT', `/relay/${T(s)}/1`, [owner(s), 'Content-Length: 4', `X-Chunk-Sha256: ${'A'.repeat(64)}`], FOUR),
    400,
  ],
  // Headers
  ['a header section over 16 KiB', () => request('GET', '/healthz', [`X-Big: ${'b'.repeat(20_000)}`]), 431],
  [
    '2,000 headers',
    () =>
      request(
        'GET',
        '/healthz',
        Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${i}`),
      ),
    431,
  ],
  ['a header with a NUL', () => request('GET', '/healthz', ['X-Bad: a\u0000b']), 400],
  ['HTTP/2 preface on HTTP/1', () => Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), [400, 505]],
];

describe('a live daemon under bad HTTP', () => {
  it('answers each bad request with its 4xx; nothing stored changes; the chunk still reaches its asker', async () => {
    const s = await relayRoom();
    const before = storedState(s.daemon);
    for (const [name, build, expected] of CASES) {
      const answer = await raw(s.daemon, build(s));
      expect.soft(Array.isArray(expected) ? expected : [expected], name).toContain(answer.status);
      expect(storedState(s.daemon), name).toBe(before);
    }
    await s.bob.peer.expectNo('CHUNK_READY');
    const chunk = await relay(s.daemon, 'GET', `/relay/${s.transferId}/0`, { privateId: s.bob.privateId });
    expect(new Uint8Array(await chunk.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
  });

  it('many small headers past maxHeadersCount are cut to 64, not a crash', async () => {
    const s = await relayRoom();
    const answer = await raw(
      s.daemon,
      request(
        'GET',
        '/healthz',
        Array.from({ length: 200 }, (_, i) => `X-H${i}: ${i}`),
      ),
    );
    expect(answer.status).toBe(200);
  });

  it('CVE-2024-37890: an upgrade whose WebSocket headers fall past maxHeadersCount is refused, the daemon lives', async () => {
    const s = await relayRoom();
    const junk = Array.from({ length: 80 }, (_, i) => `X-Junk-${i}: ${i}`);
    const upgrade = [
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Key: ${Buffer.alloc(16, 1).toString('base64')}`,
    ];
    const head = ['GET /ws HTTP/1.1', 'Host: 127.0.0.1', ...junk, ...upgrade, '', ''].join('\r\n');
    const answer = await raw(s.daemon, head);
    expect(answer.status).toBe(400);
    // The same handshake with its headers in reach is accepted: the refusal was the header count.
    const ok = await raw(s.daemon, ['GET /ws HTTP/1.1', 'Host: 127.0.0.1', ...upgrade, '', ''].join('\r\n'));
    expect(ok.status).toBe(101);
    expect((await health(s.daemon))['ok']).toBe(true);
    const late = await registerClient(s.daemon, 'late');
    expect(late.ack.status).toBe('pending');
  });

  it('generated relay requests from anyone but the right party: always 4xx, nothing changes', async () => {
    const s = await relayRoom();
    const before = storedState(s.daemon);
    const segment = fc.oneof(
      fc.constant(s.transferId),
      fc.constantFrom('0', '1', '2', '3', '-0', '%30', '..', '%2e', '', ' ', '%00', '%ff', '~'),
      fc.stringMatching(/^[\x21-\x7e]{0,70}$/).map((v) => v.replace(/[#?]/g, '')),
    );
    const who = fc.constantFrom<'none' | 'random' | 'stranger' | 'publicId' | 'wrong-side'>(
      'none',
      'random',
      'stranger',
      'publicId',
      'wrong-side',
    );
    const statuses = new Map<number, number>();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'POST', 'DELETE'),
        segment,
        segment,
        who,
        fc.uint8Array({ maxLength: 8 }),
        async (method, a, b, identity, body) => {
          const headers: string[] = [];
          // The wrong side of the transfer for the method: the owner cannot GET, the asker cannot PUT.
          const wrongSide = method === 'GET' ? s.alice.privateId : s.bob.privateId;
          const bearer = {
            none: null,
            random: randomUUID(),
            stranger: s.mallory.privateId,
            publicId: s.alice.publicId,
            'wrong-side': wrongSide,
          }[identity];
          if (bearer !== null) headers.push(auth(bearer));
          headers.push(`Content-Length: ${body.length}`);
          const answer = await raw(s.daemon, request(method, `/relay/${a}/${b}`, headers, Buffer.from(body)));
          sent += 1;
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          // A path with dot segments may normalize out of the relay (to an app page): then it is no
          // relay request and may be answered as a page; every relay request gets a 4xx.
          const path = new URL(`/relay/${a}/${b}`, 'http://ferry.invalid').pathname;
          if (/^\/relay\/[^/]*\/[^/]*$/.test(path)) {
            expect(answer.status).toBeGreaterThanOrEqual(400);
            expect(answer.status).toBeLessThan(500);
          } else {
            expect(answer.status === 200 ? method : 'refused').toMatch(/^(GET|refused)$/);
            expect(answer.status).toBeLessThan(500);
          }
          expect(storedState(s.daemon)).toBe(before);
        },
      ),
      { numRuns: 400 },
    );
    console.log(
      `fuzz-live-http: ${sent} generated relay requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    await s.bob.peer.expectNo('CHUNK_READY');
    const chunk = await relay(s.daemon, 'GET', `/relay/${s.transferId}/0`, { privateId: s.bob.privateId });
    expect(chunk.status).toBe(200);
  });

  it('an honest peer keeps working while another floods the relay with bad requests', async () => {
    const s = await relayRoom();
    const flood = Array.from({ length: 200 }, (_, i) =>
      raw(
        s.daemon,
        request('PUT', `/relay/${s.transferId}/${i % 3}`, [auth(s.mallory.privateId), 'Content-Length: 4'], FOUR),
      ),
    );
    const honest = (async () => {
      const peer = await Peer.connect(s.daemon, 'honest');
      peer.send({ type: 'CLIENT_REGISTER', name: 'honest' });
      return (await peer.next('CLIENT_REGISTER_ACK')).status;
    })();
    const answers = await Promise.all(flood);
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([403]));
    expect(await honest).toBe('pending');
    expect((await relay(s.daemon, 'GET', `/relay/${s.transferId}/0`, { privateId: s.bob.privateId })).status).toBe(200);
  });
});
