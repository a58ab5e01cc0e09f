/**
 * Hand-written frames and field values for the protocol tests: one valid frame per message type
 * (every optional field filled in), and per field kind the values at and just past each bound.
 */
import type { FromDaemon, ToDaemon } from '../src/protocol/index';
import * as L from '../src/protocol/limits';
import {
  ALL_ERROR_CODES,
  ARRAY_SPECS,
  MAX_RETRY_AFTER_MS,
  OBJECT_SPECS,
  type ArrayKind,
  type Kind,
  type ObjectKind,
} from './protocol-spec';

export type Frame = Record<string, unknown>;
export type Sample = readonly [label: string, value: unknown];

export const IDS = {
  host: '0d7c2a4e-5b1f-4c3d-9e8a-7f6b5c4d3e21',
  alice: '9b2f0c56-3d1e-4f7a-8c2b-6e5d4c3b2a19',
  bob: 'c4e8a1f2-7b3d-4e9c-a5f6-1d2e3f4a5b6c',
  file: '6a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d',
  transfer: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
} as const;

export const OFFER: Frame = {
  id: IDS.file,
  name: 'holiday photo.jpg',
  size: 3_500_000,
  mime: 'image/jpeg',
  lastModified: 1_700_000_000_000,
  path: 'photos/2024/holiday photo.jpg',
  chunkSize: L.DEFAULT_CHUNK_BYTES,
  sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  batch: { id: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e', count: 400 },
};
export const INFO: Frame = { ...OFFER, owner: IDS.alice };
export const CLIENT: Frame = { publicId: IDS.alice, name: 'Alice', status: 'approved', online: true };
export const MASTER_CLIENT: Frame = {
  publicId: IDS.host,
  name: 'Host',
  status: 'approved',
  online: true,
  isMaster: true,
};
export const REJECTION: Frame = { id: IDS.file, reason: 'name contains a path separator' };
export const ICE_SERVER: Frame = {
  urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
  username: 'ferry',
  credential: 'secret',
};
export const SDP = { type: 'offer', sdp: 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' };

export const VALID_TO_DAEMON: Record<ToDaemon['type'], Frame> = {
  MASTER_APP_REGISTER: {
    type: 'MASTER_APP_REGISTER',
    token: 'k3Y-master-token',
    privateId: 'host-secret',
    name: 'Host',
    features: ['remove-files'],
  },
  CLIENT_REGISTER: { type: 'CLIENT_REGISTER', name: 'Alice', privateId: 'alice-secret', features: ['remove-files'] },
  APPROVE_CLIENT: { type: 'APPROVE_CLIENT', publicId: IDS.alice, reqId: 'req-1' },
  DIS_APPROVE_CLIENT: { type: 'DIS_APPROVE_CLIENT', publicId: IDS.alice, reqId: 'req-2' },
  ADD_FILES: { type: 'ADD_FILES', reqId: 'add:1', files: [OFFER] },
  FILES_ADDED: { type: 'FILES_ADDED', reqId: 'add:1', owner: IDS.alice, files: [INFO], rejected: [REJECTION] },
  REMOVE_FILE: { type: 'REMOVE_FILE', reqId: 'rm.1', fileId: IDS.file },
  FILE_REMOVED: { type: 'FILE_REMOVED', reqId: 'rm.1', fileId: IDS.file },
  REMOVE_FILES: { type: 'REMOVE_FILES', reqId: 'rm.2', fileIds: [IDS.file, IDS.transfer] },
  FILES_REMOVED: { type: 'FILES_REMOVED', reqId: 'rm.2', fileIds: [IDS.file, IDS.transfer] },
  REQUEST_CHUNK: { type: 'REQUEST_CHUNK', transferId: IDS.transfer, fileId: IDS.file, start: 0, end: 4, reqId: 'rc_1' },
  SIGNAL: { type: 'SIGNAL', to: IDS.bob, data: SDP },
  CANCEL_TRANSFER: { type: 'CANCEL_TRANSFER', transferId: IDS.transfer },
  LEAVE: { type: 'LEAVE' },
  REJECT_ALL_PENDING: { type: 'REJECT_ALL_PENDING' },
  END_ROOM: { type: 'END_ROOM', reqId: 'end.1' },
};

export const VALID_FROM_DAEMON: Record<FromDaemon['type'], Frame> = {
  MASTER_APP_REGISTER_ACK: {
    type: 'MASTER_APP_REGISTER_ACK',
    publicId: IDS.host,
    privateId: 'host-secret',
    clients: [MASTER_CLIENT, CLIENT],
    files: [INFO],
    iceServers: [{ urls: 'stun:stun.example.org:3478' }, ICE_SERVER],
    p2p: true,
  },
  CLIENT_REGISTER_ACK: {
    type: 'CLIENT_REGISTER_ACK',
    publicId: IDS.alice,
    privateId: 'alice-secret',
    status: 'pending',
    iceServers: [],
    p2p: false,
    masterOnline: true,
  },
  NEW_CLIENT_REGISTERED: { type: 'NEW_CLIENT_REGISTERED', client: { ...CLIENT, status: 'pending' } },
  CLIENT_APPROVED: { type: 'CLIENT_APPROVED', client: CLIENT, reqId: 'req-1' },
  CLIENT_DIS_APPROVED: { type: 'CLIENT_DIS_APPROVED', publicId: IDS.alice, reqId: 'req-2' },
  ROOM_STATE: { type: 'ROOM_STATE', clients: [MASTER_CLIENT, CLIENT], files: [INFO], masterOnline: true },
  ROOM_STATE_PAGE: { type: 'ROOM_STATE_PAGE', clients: [CLIENT], files: [INFO], last: true },
  ADD_FILES: { type: 'ADD_FILES', reqId: 'add:1', owner: IDS.alice, files: [OFFER] },
  FILES_ADDED: { type: 'FILES_ADDED', reqId: 'add:1', owner: IDS.alice, files: [INFO], rejected: [REJECTION] },
  REMOVE_FILE: { type: 'REMOVE_FILE', reqId: 'rm.1', owner: IDS.alice, by: IDS.host, fileId: IDS.file },
  FILE_REMOVED: { type: 'FILE_REMOVED', reqId: 'rm.1', fileId: IDS.file },
  REMOVE_FILES: { type: 'REMOVE_FILES', reqId: 'rm.2', owner: IDS.alice, by: IDS.alice, fileIds: [IDS.file] },
  FILES_REMOVED: { type: 'FILES_REMOVED', reqId: 'rm.2', fileIds: [IDS.file, IDS.transfer] },
  CLIENT_DISCONNECTED: { type: 'CLIENT_DISCONNECTED', publicId: IDS.alice },
  CLIENT_RECONNECTED: { type: 'CLIENT_RECONNECTED', publicId: IDS.alice },
  CLIENT_LEFT: { type: 'CLIENT_LEFT', publicId: IDS.alice },
  MASTER_CONNECTED: { type: 'MASTER_CONNECTED' },
  MASTER_DISCONNECTED: { type: 'MASTER_DISCONNECTED' },
  UPLOAD_CHUNK_REQUEST: {
    type: 'UPLOAD_CHUNK_REQUEST',
    transferId: IDS.transfer,
    fileId: IDS.file,
    start: 2,
    end: 3,
    from: IDS.bob,
  },
  SIGNAL: {
    type: 'SIGNAL',
    from: IDS.alice,
    data: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host' },
  },
  CHUNK_READY: { type: 'CHUNK_READY', transferId: IDS.transfer, fileId: IDS.file, index: 3, sha256: OFFER['sha256'] },
  TRANSFER_CANCELLED: { type: 'TRANSFER_CANCELLED', transferId: IDS.transfer },
  RELAY_BUSY: { type: 'RELAY_BUSY', transferId: IDS.transfer, fileId: IDS.file, reason: 'rate', retryAfterMs: 1_500 },
  ROOM_ENDED: { type: 'ROOM_ENDED', reqId: 'end.1' },
  ERROR: { type: 'ERROR', code: 'NO_SUCH_FILE', message: 'no such file', reqId: 'rm.1' },
};

/** `levels` arrays nested in one another: nested(2) is [[]]. */
export function nested(levels: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < levels; i++) v = [v];
  return v;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** `count` distinct ids of 64 characters, the longest allowed. */
const manyIds = (count: number): string[] => Array.from({ length: count }, (_, i) => String(i).padStart(64, 'f'));
const common = { number: ['number', 42], null: ['null', null], object: ['object', {}] } as const;

/** Values a field of each scalar kind must refuse. */
const INVALID_SCALARS: Record<Exclude<Kind, ObjectKind | ArrayKind>, readonly Sample[]> = {
  id: [
    ['empty', ''],
    ['65 characters', 'a'.repeat(65)],
    ['a space', 'a b'],
    ['a dot', 'a.b'],
    ['a traversal', '../x'],
    ['non-ASCII', 'é'],
    ['a trailing newline', 'abc\n'],
    ['an array', ['abc']],
    ['a boolean', true],
    common.number,
    common.null,
    common.object,
  ],
  reqId: [
    ['empty', ''],
    ['65 characters', 'r'.repeat(65)],
    ['a space', 'req 1'],
    ['a slash', 'a/b'],
    ['a newline', 'r\n'],
    common.number,
    common.null,
  ],
  privateId: [['empty', ''], ['257 characters', 'p'.repeat(257)], ['an array', ['p']], common.number, common.null],
  token: [['empty', ''], ['257 characters', 't'.repeat(257)], common.number, common.object],
  displayName: [
    ['empty', ''],
    ['blank', '   '],
    ['only a tab', '\t'],
    ['65 characters', 'n'.repeat(65)],
    ['65 characters once trimmed', ` ${'n'.repeat(65)} `],
    ['over 256 raw characters', `${' '.repeat(300)}a`],
    ['NUL', 'a\u0000b'],
    ['BEL', 'a\u0007b'],
    ['an ANSI escape', '\u001b[31mred'],
    ['an inner newline', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['C1 NEL', 'a\u0085b'],
    ['C1 CSI', 'a\u009bb'],
    common.number,
    common.null,
  ],
  chunkIndex: [
    ['-1', -1],
    ['-0.5', -0.5],
    ['0.5', 0.5],
    ['1.5', 1.5],
    ['2^53', 2 ** 53],
    ['1e300', 1e300],
    ['Infinity', Infinity],
    ['NaN', NaN],
    ['a numeric string', '1'],
    common.null,
  ],
  boolean: [['a string', 'true'], ['1', 1], common.null],
  status: [['unknown', 'admin'], ['empty', ''], ['capitalised', 'Approved'], common.number],
  trueFlag: [
    ['false', false],
    ['a string', 'true'],
    ['1', 1],
  ],
  clientName: [
    ['empty', ''],
    ['65 characters', 'n'.repeat(65)],
    ['a zero-width space', 'Ali\u200bce'],
    ['a line separator', 'Alice\u2028Host'],
    ['a lone surrogate', 'A\ud800'],
    common.number,
  ],
  fileName: [
    ['empty', ''],
    ['256 characters', 'f'.repeat(256)],
    // Issue 11, finding 1: each of these grows six-fold as JSON.
    ['a lone surrogate', 'a\ud800.txt'],
    ['a lone low surrogate', '\udc00'],
    ['a control character', 'a\u0001.txt'],
    ['a zero-width joiner', 'a\u200d.txt'],
    ['a paragraph separator', 'a\u2029.txt'],
    ['a BOM', '\ufeffa.txt'],
    ['766 bytes', '東'.repeat(255) + 'a'],
    common.number,
    common.null,
  ],
  fileSize: [['-1', -1], ['1.5', 1.5], ['2^50 + 1', L.MAX_FILE_BYTES + 1], ['a string', '10'], common.null],
  mime: [
    ['256 characters', `a/${'m'.repeat(254)}`],
    ['empty', ''],
    ['control characters', 'text/plain\u0001\u0001'],
    ['a lone surrogate', 'text/\ud800'],
    ['parameters', 'text/plain; charset=utf-8'],
    ['no subtype', 'text'],
    ['non-ASCII', 'text/plaîn'],
    common.number,
  ],
  timestamp: [
    ['-1', -1],
    ['1.5', 1.5],
    ['2^53', 2 ** 53],
    ['a string', '2024'],
  ],
  path: [
    ['empty', ''],
    ['1025 characters', 'p'.repeat(1025)],
    ['a lone surrogate', 'd/\ud800/f'],
    ['a newline', 'd\n/f'],
    ['4097 bytes', '東'.repeat(1024) + 'x'.repeat(1025)],
    ['an array', ['a', 'b']],
    common.number,
  ],
  chunkSize: [
    ['0', 0],
    ['-1', -1],
    ['16 MiB + 1', L.MAX_CHUNK_BYTES + 1],
    ['1.5', 1.5],
    ['a string', '1'],
  ],
  sha256: [
    ['uppercase', 'A'.repeat(64)],
    ['63 digits', 'a'.repeat(63)],
    ['65 digits', 'a'.repeat(65)],
    ['not hex', 'g'.repeat(64)],
    common.number,
  ],
  reason: [['empty', ''], ['201 characters', 'r'.repeat(201)], ['a control character', 'r\u0000'], common.number],
  iceUrls: [
    ['http:', 'http://example.org'],
    ['no scheme', 'example.org'],
    ['an empty list', []],
    ['9 urls', Array<string>(9).fill('stun:a')],
    ['513 characters', `stun:${'a'.repeat(508)}`],
    ['one bad url in a list', ['stun:a', 'https://x']],
    common.number,
  ],
  iceCredential: [['257 characters', 'c'.repeat(257)], common.number],
  signalData: [
    ['over 64 KiB as JSON', 'x'.repeat(L.MAX_SIGNAL_CHARS - 1)],
    ['nested past the depth limit', nested(L.MAX_JSON_DEPTH + 1)],
  ],
  errorCode: [['unknown', 'NOPE'], ['lowercase', 'bad_message'], ['empty', ''], common.number],
  errorMessage: [['501 characters', 'm'.repeat(501)], common.number, common.null],
  relayBusyReason: [['unknown', 'busy'], ['capitalised', 'Full'], ['empty', ''], common.number, common.null],
  retryAfterMs: [
    ['-1', -1],
    ['1.5', 1.5],
    ['an hour + 1 ms', MAX_RETRY_AFTER_MS + 1],
    ['a string', '1000'],
    common.null,
  ],
  batchCount: [
    ['0', 0],
    ['past the files one person may list', L.MAX_FILES_PER_PEER + 1],
    ['1.5', 1.5],
    ['a string', '3'],
    common.null,
  ],
  textPost: [
    ['empty', ''],
    ['4097 characters', 't'.repeat(4097)],
    ['past 16 KiB in UTF-8', '😀'.repeat(4097)],
    ['a carriage return', 'a\r\nb'],
    ['a NUL', 'a\u0000'],
    ['a bidi override', 'a\u202eb'],
    ['a line separator', 'a\u2028b'],
    ['a lone surrogate', 'a\ud800'],
    common.number,
    common.null,
  ],
  fileIds: [
    ['empty', []],
    ['one id past the limit', manyIds(L.MAX_FILE_IDS_PER_MESSAGE + 1)],
    ['a repeated id', ['a', 'b', 'a']],
    ['a bad id', ['a', 'b c']],
    ['a single id, not a list', 'a'],
    common.number,
    common.null,
  ],
  features: [
    ['one past the limit', Array.from({ length: L.MAX_FEATURES + 1 }, (_, i) => `f${i}`)],
    ['uppercase', ['Remove-files']],
    ['empty name', ['']],
    ['33 characters', ['f'.repeat(33)]],
    ['a string, not a list', 'remove-files'],
    common.number,
  ],
};

/** Values each scalar kind must accept, at its bounds and beyond ASCII. */
const VALID_SCALARS: Record<Exclude<Kind, ObjectKind | ArrayKind>, readonly Sample[]> = {
  id: [
    ['64 characters', 'a'.repeat(64)],
    ['1 character', 'x'],
    ['every class', 'Az09_-'],
  ],
  reqId: [
    ['64 characters', 'r'.repeat(64)],
    ['punctuation', 'a.b:c-d_e'],
  ],
  privateId: [
    ['256 characters', 'p'.repeat(256)],
    ['1 character', 'p'],
    ['unicode', 'ключ🔑'],
  ],
  token: [
    ['256 characters', 't'.repeat(256)],
    ['1 character', 't'],
  ],
  displayName: [
    ['64 characters', 'n'.repeat(64)],
    ['unicode', 'Zoë 🚀 東京'],
    ['markup', '<img src=x onerror=alert(1)>'],
  ],
  chunkIndex: [
    ['0', 0],
    ['MAX_SAFE_INTEGER', MAX_SAFE],
  ],
  boolean: [
    ['true', true],
    ['false', false],
  ],
  status: [
    ['pending', 'pending'],
    ['approved', 'approved'],
    ['rejected', 'rejected'],
  ],
  trueFlag: [['true', true]],
  clientName: [
    ['64 characters', 'n'.repeat(64)],
    ['1 character', 'n'],
    ['64 emoji, 256 bytes', '🚀'.repeat(64)],
  ],
  fileName: [
    ['255 characters', 'f'.repeat(255)],
    ['unicode', '東京 🚀.png'],
    ['765 bytes', '東'.repeat(255)],
    ['an ideographic space', '東京\u3000写真.jpg'],
    ['markup', '<img src=x onerror=alert(1)>'],
  ],
  fileSize: [
    ['0', 0],
    ['2^50', L.MAX_FILE_BYTES],
  ],
  mime: [
    ['plain', 'image/jpeg'],
    ['vendor tree', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['255 characters', `${'a'.repeat(127)}/${'m'.repeat(127)}`],
  ],
  timestamp: [
    ['0', 0],
    ['MAX_SAFE_INTEGER', MAX_SAFE],
  ],
  path: [
    ['1 character', 'p'],
    ['1024 characters', 'p'.repeat(1024)],
    ['4096 bytes', '東'.repeat(1024) + 'p'.repeat(1024)],
  ],
  chunkSize: [
    ['1', 1],
    ['16 MiB', L.MAX_CHUNK_BYTES],
  ],
  sha256: [['64 hex digits', '0123456789abcdef'.repeat(4)]],
  reason: [
    ['1 character', 'r'],
    ['200 characters', 'r'.repeat(200)],
  ],
  iceUrls: [
    ['stun:', 'stun:a'],
    ['stuns:', 'stuns:a'],
    ['turn:', 'turn:a'],
    ['turns:', 'turns:a'],
    ['8 urls', Array<string>(8).fill('stun:a')],
    ['512 characters', `stun:${'a'.repeat(507)}`],
  ],
  iceCredential: [
    ['empty', ''],
    ['256 characters', 'c'.repeat(256)],
  ],
  signalData: [
    ['exactly 64 KiB as JSON', 'x'.repeat(L.MAX_SIGNAL_CHARS - 2)],
    ['null', null],
    ['a number', 0],
    ['an SDP', SDP],
    ['nested as deep as allowed', nested(L.MAX_JSON_DEPTH)],
  ],
  errorCode: ALL_ERROR_CODES.map((code): Sample => [code, code]),
  errorMessage: [
    ['empty', ''],
    ['500 characters', 'm'.repeat(500)],
  ],
  relayBusyReason: [
    ['full', 'full'],
    ['rate', 'rate'],
  ],
  retryAfterMs: [
    ['0', 0],
    ['an hour', MAX_RETRY_AFTER_MS],
  ],
  batchCount: [
    ['1', 1],
    ['the files one person may list', L.MAX_FILES_PER_PEER],
  ],
  textPost: [
    ['1 character', 't'],
    ['lines and tabs', 'user\tana\npassword\thunter2\n'],
    ['4096 characters', 't'.repeat(4096)],
    ['16 KiB in UTF-8', '😀'.repeat(4096)],
    ['HTML-looking', '<img src=x onerror=alert(1)> javascript:alert(1)'],
  ],
  fileIds: [
    ['one id', ['a']],
    ['the most ids', manyIds(L.MAX_FILE_IDS_PER_MESSAGE)],
  ],
  features: [
    ['none', []],
    ['ours', ['remove-files']],
    ['unknown names too', ['remove-files', 'x-later-1']],
    ['the most', Array.from({ length: L.MAX_FEATURES }, (_, i) => `f${i}`)],
  ],
};

const OBJECT_BASES: Record<ObjectKind, Frame> = {
  client: CLIENT,
  fileOffer: OFFER,
  fileInfo: INFO,
  fileBatch: { id: 'b1', count: 2 },
  rejection: REJECTION,
  iceServer: ICE_SERVER,
};

function without(frame: Frame, key: string): Frame {
  const { [key]: _dropped, ...rest } = frame;
  return rest;
}

/** The object with one field wrong or missing, for every field and every bad value of its kind. */
function invalidObjects(kind: ObjectKind): Sample[] {
  const base = OBJECT_BASES[kind];
  const spec = OBJECT_SPECS[kind];
  const out: Sample[] = [['a string', 'x'], ['an array', [base]], common.null];
  for (const key of Object.keys(spec.required)) out.push([`no ${key}`, without(base, key)]);
  for (const [key, fieldKind] of Object.entries({ ...spec.required, ...spec.optional })) {
    for (const [label, value] of invalidSamples(fieldKind)) out.push([`${key} ${label}`, { ...base, [key]: value }]);
  }
  return out;
}

function invalidArrays(kind: ArrayKind): Sample[] {
  const { item, min, max } = ARRAY_SPECS[kind];
  const base = OBJECT_BASES[item];
  const out: Sample[] = [[`${max + 1} items`, Array<Frame>(max + 1).fill(base)], ['an object', base], common.null];
  if (min > 0) out.push(['empty', []]);
  for (const [label, value] of invalidObjects(item)) out.push([`[0] ${label}`, [value]]);
  return out;
}

export function invalidSamples(kind: Kind): readonly Sample[] {
  if (kind in OBJECT_SPECS) return invalidObjects(kind as ObjectKind);
  if (kind in ARRAY_SPECS) return invalidArrays(kind as ArrayKind);
  return INVALID_SCALARS[kind as Exclude<Kind, ObjectKind | ArrayKind>];
}

export function validSamples(kind: Kind): readonly Sample[] {
  if (kind in OBJECT_SPECS) {
    const base = OBJECT_BASES[kind as ObjectKind];
    const { optional } = OBJECT_SPECS[kind as ObjectKind];
    const bare = Object.keys(optional).reduce(without, base);
    return [
      ['full', base],
      ['without optional fields', bare],
    ];
  }
  if (kind in ARRAY_SPECS) {
    const { item, min, max } = ARRAY_SPECS[kind as ArrayKind];
    const out: Sample[] = [[`${max} items`, Array<Frame>(max).fill(OBJECT_BASES[item])]];
    if (min === 0) out.push(['empty', []]);
    return out;
  }
  return VALID_SCALARS[kind as Exclude<Kind, ObjectKind | ArrayKind>];
}
