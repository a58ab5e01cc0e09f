import { describe, expect, it } from 'vitest';
import { parseFromDaemon, parseToDaemon, type ParseResult } from '../src/protocol/index';
import * as L from '../src/protocol/limits';
import {
  invalidSamples,
  nested,
  validSamples,
  VALID_FROM_DAEMON,
  VALID_TO_DAEMON,
  IDS,
  CLIENT,
  INFO,
  OFFER,
  type Frame,
} from './protocol-samples';
import { ALL_ERROR_CODES, FORBIDDEN_KEYS, messageProblem, REQ_ID_RE, SPECS, type Direction } from './protocol-spec';

type Parse = (raw: unknown) => ParseResult<unknown>;

const DIRECTIONS: {
  name: Direction;
  parse: Parse;
  valid: Record<string, Frame>;
  other: Record<string, Frame>;
  maxChars: number;
}[] = [
  {
    name: 'toDaemon',
    parse: parseToDaemon,
    valid: VALID_TO_DAEMON,
    other: VALID_FROM_DAEMON,
    maxChars: L.MAX_FRAME_BYTES,
  },
  {
    name: 'fromDaemon',
    parse: parseFromDaemon,
    valid: VALID_FROM_DAEMON,
    other: VALID_TO_DAEMON,
    maxChars: L.MAX_FROM_DAEMON_FRAME_CHARS,
  },
];

function accepted(result: ParseResult<unknown>): Frame {
  if (!result.ok) throw new Error(`expected the frame to be accepted, got ${result.code}: ${result.error}`);
  return result.message as Frame;
}

function rejected(result: ParseResult<unknown>, code: 'BAD_MESSAGE' | 'UNKNOWN_TYPE' = 'BAD_MESSAGE') {
  if (result.ok) throw new Error(`expected ${code}, got accepted ${JSON.stringify(result.message)}`);
  expect(result.code).toBe(code);
  expect(result.error.length).toBeGreaterThan(0);
  return result;
}

/** The reqId an error must echo: the frame's own, when it is a well-formed reqId. */
const echoOf = (frame: Frame): string | undefined =>
  typeof frame['reqId'] === 'string' && REQ_ID_RE.test(frame['reqId']) ? frame['reqId'] : undefined;

/** A frame's JSON text with one extra raw member (an object literal cannot own `__proto__`). */
const withRawMember = (frame: Frame, member: string): string => `${JSON.stringify(frame).slice(0, -1)},${member}}`;

/** Text too, when the value survives JSON and fits in a frame. */
function asText(frame: Frame): string | null {
  const text = JSON.stringify(frame);
  return text.length <= L.MAX_FRAME_BYTES ? text : null;
}

describe.each(DIRECTIONS)('$name', ({ name, parse, valid, other, maxChars }) => {
  const specs = SPECS[name];

  it('has a valid frame for every message type', () => {
    expect(Object.keys(valid).sort()).toEqual(Object.keys(specs).sort());
  });

  describe.each(Object.keys(specs))('%s', (type) => {
    const frame = valid[type] as Frame;
    const spec = specs[type]!;
    const fields = { ...spec.required, ...spec.optional };

    it('accepts the full frame, as text and as a value, unchanged', () => {
      expect(messageProblem(name, frame, 'output')).toBeNull();
      expect(accepted(parse(JSON.stringify(frame)))).toEqual(frame);
      expect(accepted(parse(frame))).toEqual(frame);
    });

    it('accepts the frame with only its required fields', () => {
      const minimal = Object.fromEntries(Object.entries(frame).filter(([k]) => !(k in spec.optional)));
      expect(accepted(parse(JSON.stringify(minimal)))).toEqual(minimal);
    });

    it.each(Object.keys(spec.required))('rejects it without %s, echoing a valid reqId', (field) => {
      const broken: Frame = { ...frame, reqId: 'echo.me:1' };
      delete broken[field];
      const result = rejected(parse(broken));
      expect(result.error).toContain(field);
      expect(result.reqId).toBe(field === 'reqId' ? undefined : 'echo.me:1');
    });

    const invalidCases = Object.entries(fields).flatMap(([field, kind]) =>
      invalidSamples(kind).map(([label, value]) => ({ field, label, value })),
    );
    it.each(invalidCases)('rejects $field = $label', ({ field, value }) => {
      const broken = { ...frame, [field]: value };
      const result = rejected(parse(broken));
      expect(result.error).toMatch(new RegExp(`${field}|nested deeper`));
      expect(result.reqId).toBe(echoOf(broken));
      const text = asText(broken);
      if (text !== null) rejected(parse(text));
    });

    const validCases = Object.entries(fields)
      // start/end must stay ordered; REQUEST_CHUNK's own table covers their bounds.
      .filter(([field]) => field !== 'start' && field !== 'end')
      .flatMap(([field, kind]) => validSamples(kind).map(([label, value]) => ({ field, label, value })));
    it.each(validCases)('accepts $field = $label', ({ field, value }) => {
      const frameWith = { ...frame, [field]: value };
      expect(accepted(parse(frameWith))[field]).toEqual(value);
      const text = asText(frameWith);
      if (text !== null) expect(accepted(parse(text))[field]).toEqual(value);
    });

    it.each(FORBIDDEN_KEYS)('rejects a top-level "%s" key, as text and as a value', (key) => {
      const text = withRawMember({ ...frame, reqId: 'echo-1' }, `"${key}":{"polluted":true}`);
      const fromText = rejected(parse(text));
      expect(fromText.error).toContain(key);
      expect(fromText.reqId).toBe('echo-1');
      rejected(parse(JSON.parse(text)));
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it('strips keys the contract does not give this type (a peer cannot forge owner or from)', () => {
      const stray = ['owner', 'from', 'by', 'evil', 'isMaster'].filter((key) => !(key in fields));
      const forged = { ...Object.fromEntries(stray.map((key) => [key, IDS.host])), ...frame };
      const message = accepted(parse(JSON.stringify(forged)));
      expect(message).toEqual(frame);
      for (const key of stray) expect(message).not.toHaveProperty(key);
      expect(messageProblem(name, message, 'output')).toBeNull();
    });

    it.each([
      ['with a space', 'bad reqId'],
      ['65 characters', 'r'.repeat(65)],
      ['a number', 7],
    ])('does not echo a reqId %s on an error', (_label, reqId) => {
      const result = rejected(parse(withRawMember({ ...frame, reqId }, '"__proto__":{}')));
      expect(result).not.toHaveProperty('reqId');
    });
  });

  it.each(Object.keys(other).filter((type) => !(type in specs)))(
    'answers UNKNOWN_TYPE to %s, a message of the other direction',
    (type) => {
      rejected(parse(other[type]), 'UNKNOWN_TYPE');
    },
  );

  const unknownTypes = [
    'NOPE',
    '',
    'leave',
    'signal',
    'toString',
    '__proto__',
    'constructor',
    'hasOwnProperty',
    'x'.repeat(10_000),
  ];
  it.each(unknownTypes)('answers UNKNOWN_TYPE to type %j, echoing a valid reqId', (type) => {
    const result = rejected(parse({ type, reqId: 'r-9' }), 'UNKNOWN_TYPE');
    expect(result.reqId).toBe('r-9');
    expect(result.error.length).toBeLessThan(100);
  });

  it.each([
    ['no type', { reqId: 'r1' }],
    ['a numeric type', { type: 7, reqId: 'r1' }],
    ['a null type', { type: null, reqId: 'r1' }],
    ['an array type', { type: ['LEAVE'], reqId: 'r1' }],
    ['an object type', { type: { toString: 'LEAVE' }, reqId: 'r1' }],
  ])('answers BAD_MESSAGE to %s, echoing the reqId', (_label, frame) => {
    expect(rejected(parse(frame)).reqId).toBe('r1');
    expect(rejected(parse(JSON.stringify(frame))).reqId).toBe('r1');
  });

  const notJson = [
    '',
    ' ',
    '{',
    '{"type":"LEAVE"',
    "{'type':'LEAVE'}",
    'undefined',
    'NaN',
    '{"type":"LEAVE",}',
    '\u0000',
    'LEAVE',
  ];
  it.each(notJson)('answers BAD_MESSAGE to the text %j, which is not JSON', (text) => {
    const result = rejected(parse(text));
    expect(result.error).toMatch(/JSON/);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a boolean', true],
    ['an empty array', []],
    ['an array holding a frame', [{ type: 'LEAVE' }]],
    ['JSON null', 'null'],
    ['a JSON number', '42'],
    ['a JSON string', '"LEAVE"'],
    ['a JSON array', '[{"type":"LEAVE","reqId":"r1"}]'],
  ])('answers BAD_MESSAGE to %s as a frame', (_label, raw) => {
    const result = rejected(parse(raw));
    expect(result).not.toHaveProperty('reqId');
  });

  it("refuses a text over its direction's frame limit before parsing it", () => {
    const frame = Object.values(valid)[0]!;
    const padded = withRawMember(frame, `"pad":"${'x'.repeat(maxChars)}"`);
    expect(rejected(parse(padded)).error).toMatch(/too large/);
    expect(rejected(parse('x'.repeat(maxChars + 1))).error).toMatch(/too large/);
    // The same frame, just under the limit once its padding is stripped, is fine.
    expect(accepted(parse(withRawMember(frame, `"pad":"${'x'.repeat(1000)}"`)))).toEqual(frame);
  });

  it('refuses nesting past MAX_JSON_DEPTH anywhere in a frame, even 100,000 levels of text', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const [type] = Object.keys(valid);
    expect(rejected(parse(`{"type":"${type}","extra":${deep}}`)).error).toMatch(/deeper/);
    expect(rejected(parse({ ...valid[type!], extra: nested(L.MAX_JSON_DEPTH + 1) })).error).toMatch(/deeper/);
    // An unknown key is stripped, but only once the depth check has passed.
    expect(accepted(parse({ ...valid[type!], extra: nested(L.MAX_JSON_DEPTH) }))).not.toHaveProperty('extra');
  });

  it('never throws on values JSON cannot hold, and refuses them', () => {
    const throwing = {
      get type(): string {
        throw new Error('getter');
      },
    };
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('ownKeys');
        },
        get: (_t, key) => (key === 'type' ? Object.keys(valid)[0] : undefined),
      },
    );
    for (const raw of [throwing, proxy, { type: 'SIGNAL', to: IDS.bob, from: IDS.alice, data: 10n }]) {
      expect(() => parse(raw)).not.toThrow();
      rejected(parse(raw));
    }
  });
});

describe('toDaemon specifics', () => {
  const chunk = (start: unknown, end: unknown) => ({
    type: 'REQUEST_CHUNK',
    transferId: IDS.transfer,
    fileId: IDS.file,
    start,
    end,
  });

  it.each([
    [0, 1],
    [0, Number.MAX_SAFE_INTEGER],
    [Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER],
    [41, 4242],
  ])('REQUEST_CHUNK accepts [%d, %d)', (start, end) => {
    expect(accepted(parseToDaemon(chunk(start, end)))).toMatchObject({ start, end });
  });

  it.each([
    ['end = start', 5, 5],
    ['end = start = 0', 0, 0],
    ['end < start', 5, 4],
    ['negative start', -1, 1],
    ['fractional start', 0.5, 2],
    ['fractional end', 0, 1.5],
    ['end 2^53', 0, 2 ** 53],
    ['start and end past 2^53', 2 ** 53, 2 ** 53 + 2],
    ['end 1e21', 0, 1e21],
    ['numeric strings', '0', '1'],
    ['no end', 0, undefined],
  ])('REQUEST_CHUNK rejects %s', (_label, start, end) => {
    rejected(parseToDaemon(chunk(start, end)));
    rejected(parseToDaemon(JSON.stringify(chunk(start, end))));
  });

  it('says which bound end broke', () => {
    expect(rejected(parseToDaemon(chunk(3, 3))).error).toMatch(/end/);
  });

  // zod/mini words every issue "Invalid input" unless a locale is installed (shapes.ts does).
  it.each([
    ['a name too long', { type: 'CLIENT_REGISTER', name: 'n'.repeat(65) }, /name: .*64 characters/],
    ['a name of the wrong type', { type: 'CLIENT_REGISTER', name: 7 }, /name: .*expected string, received number/],
    ['a missing id', { type: 'APPROVE_CLIENT' }, /publicId: .*expected string, received undefined/],
    ['an empty file list', { type: 'ADD_FILES', reqId: 'a1', files: [] }, /files: .*>=1 items/],
    ['a negative size', { type: 'ADD_FILES', reqId: 'a1', files: [{ ...OFFER, size: -1 }] }, /files\.0\.size: .*>=0/],
    [
      'a fractional chunk size',
      { type: 'ADD_FILES', reqId: 'a1', files: [{ ...OFFER, chunkSize: 1.5 }] },
      /files\.0\.chunkSize: .*expected int/,
    ],
  ])('says what was wrong with %s, not only where', (_label, frame, reason) => {
    expect(rejected(parseToDaemon(frame)).error).toMatch(reason);
  });

  it.each([
    ['CLIENT_REGISTER', '  Alice ', 'Alice'],
    ['CLIENT_REGISTER', '\tBob\n', 'Bob'],
    ['CLIENT_REGISTER', '\u00a0Zoë 🚀\u2003', 'Zoë 🚀'],
    ['CLIENT_REGISTER', ` ${'n'.repeat(64)} `, 'n'.repeat(64)],
    ['MASTER_APP_REGISTER', ' Host ', 'Host'],
  ])('%s trims the name %j', (type, name, trimmed) => {
    const frame = { ...VALID_TO_DAEMON[type as 'CLIENT_REGISTER'], name };
    expect(accepted(parseToDaemon(JSON.stringify(frame)))['name']).toBe(trimmed);
  });

  it('ADD_FILES drops a forged owner at the top and inside every file', () => {
    const files = [
      { ...OFFER, owner: IDS.bob },
      { ...OFFER, id: 'second', owner: IDS.host },
    ];
    const frame = { type: 'ADD_FILES', reqId: 'a1', owner: IDS.bob, files };
    const message = accepted(parseToDaemon(JSON.stringify(frame)));
    expect(message).not.toHaveProperty('owner');
    const parsedFiles = message['files'] as Frame[];
    expect(parsedFiles).toHaveLength(2);
    for (const file of parsedFiles) expect(file).not.toHaveProperty('owner');
  });

  it('SIGNAL drops a forged from', () => {
    const message = accepted(parseToDaemon({ type: 'SIGNAL', to: IDS.bob, from: IDS.host, data: { sdp: 'x' } }));
    expect(message).toEqual({ type: 'SIGNAL', to: IDS.bob, data: { sdp: 'x' } });
  });

  it('FILES_ADDED keeps the owner the master names', () => {
    expect(accepted(parseToDaemon(VALID_TO_DAEMON.FILES_ADDED))['owner']).toBe(IDS.alice);
  });

  const signal = (data: string) => `{"type":"SIGNAL","to":"${IDS.bob}","data":${data}}`;
  const nestedCases = FORBIDDEN_KEYS.flatMap((key) => [
    [`SIGNAL data holding "${key}"`, signal(`{"sdp":"x","${key}":{"isAdmin":true}}`)],
    [`SIGNAL data holding "${key}" 10 levels down`, signal(`${'['.repeat(10)}{"${key}":1}${']'.repeat(10)}`)],
    [`a file holding "${key}"`, `{"type":"ADD_FILES","reqId":"a1","files":[${withRawMember(OFFER, `"${key}":{}`)}]}`],
    [
      `a FILES_ADDED file holding "${key}"`,
      `{"type":"FILES_ADDED","reqId":"a1","owner":"${IDS.alice}","files":[${withRawMember(INFO, `"${key}":[]`)}],"rejected":[]}`,
    ],
  ]);
  it.each(nestedCases)('rejects %s', (_label, text) => {
    expect(rejected(parseToDaemon(text)).error).toMatch(/forbidden key/);
    rejected(parseToDaemon(JSON.parse(text)));
  });

  it('a nested "__proto__" as a parsed value pollutes nothing', () => {
    const value: unknown = JSON.parse(`{"type":"SIGNAL","to":"${IDS.bob}","data":{"__proto__":{"polluted":true}}}`);
    rejected(parseToDaemon(value));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('fromDaemon specifics', () => {
  it('SIGNAL keeps the from the daemon stamped and drops a to', () => {
    const message = accepted(parseFromDaemon({ type: 'SIGNAL', from: IDS.alice, to: IDS.bob, data: 1 }));
    expect(message).toEqual({ type: 'SIGNAL', from: IDS.alice, data: 1 });
  });

  const client: unknown = JSON.parse(withRawMember(CLIENT, '"constructor":{}'));
  const file: unknown = JSON.parse(withRawMember(INFO, '"prototype":1'));
  const ice: unknown = JSON.parse('{"urls":"stun:a","__proto__":{}}');
  it.each([
    ['ROOM_STATE client', { ...VALID_FROM_DAEMON.ROOM_STATE, clients: [client] }],
    ['ROOM_STATE file', { ...VALID_FROM_DAEMON.ROOM_STATE, files: [file] }],
    ['ACK ice server', { ...VALID_FROM_DAEMON.CLIENT_REGISTER_ACK, iceServers: [ice] }],
  ])('rejects a forbidden key inside a %s', (_label, frame) => {
    expect(rejected(parseFromDaemon(frame)).error).toMatch(/forbidden key/);
  });

  it('ERROR accepts every code of the contract and Ferry additions only', () => {
    for (const code of ALL_ERROR_CODES) accepted(parseFromDaemon({ type: 'ERROR', code, message: '' }));
    expect(rejected(parseFromDaemon({ type: 'ERROR', code: 'TEAPOT', message: '' })).error).toMatch(
      /code: .*expected one of "BAD_MESSAGE"/,
    );
  });
});
