/**
 * The wire contract restated for the tests, without the zod schemas: which fields each message has,
 * what each field may hold, and a checker that re-validates a frame or a parsed message on its own.
 * Only the numeric limits are shared with the code under test.
 */
import type { FromDaemon, ToDaemon } from '../src/protocol/index';
import * as L from '../src/protocol/limits';

export const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
export const REQ_ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
export const SHA256_RE = /^[0-9a-f]{64}$/;
export const ICE_URL_RE = /^(stun|stuns|turn|turns):/;
/** Text on the wire holds no control, format, lone surrogate, line or paragraph separator. */
export const CONTROL_RE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
/** RFC 6838 restricted names, `type/subtype`, no parameters. */
export const MIME_RE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
export const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
/** RELAY_BUSY.retryAfterMs: at most an hour, as HTTP Retry-After. */
export const MAX_RETRY_AFTER_MS = 3_600_000;
export const FEATURE_RE = /^[a-z0-9-]{1,32}$/;

/** The contract's eleven codes, then Ferry's additions. */
export const ALL_ERROR_CODES = [
  'BAD_MESSAGE',
  'UNKNOWN_TYPE',
  'NOT_REGISTERED',
  'NOT_APPROVED',
  'FORBIDDEN',
  'BAD_TOKEN',
  'MASTER_EXISTS',
  'MASTER_OFFLINE',
  'NO_SUCH_FILE',
  'NO_SUCH_PEER',
  'RATE_LIMITED',
  'NO_SUCH_TRANSFER',
  'ALREADY_REGISTERED',
  'LIMIT_EXCEEDED',
  'NAME_TAKEN',
] as const;

export type ScalarKind =
  | 'id'
  | 'reqId'
  | 'privateId'
  | 'token'
  | 'displayName'
  | 'chunkIndex'
  | 'boolean'
  | 'status'
  | 'trueFlag'
  | 'clientName'
  | 'fileName'
  | 'fileSize'
  | 'mime'
  | 'timestamp'
  | 'path'
  | 'chunkSize'
  | 'sha256'
  | 'reason'
  | 'iceUrls'
  | 'iceCredential'
  | 'signalData'
  | 'errorCode'
  | 'errorMessage'
  | 'relayBusyReason'
  | 'retryAfterMs'
  | 'batchCount'
  | 'textPost'
  | 'fileIds'
  | 'features';
export type ObjectKind = 'client' | 'fileOffer' | 'fileInfo' | 'fileBatch' | 'rejection' | 'iceServer';
export type ArrayKind = 'clients' | 'offers' | 'infos' | 'roomFiles' | 'rejections' | 'iceServers';
export type Kind = ScalarKind | ObjectKind | ArrayKind;

export interface ObjectSpec {
  readonly required: Readonly<Record<string, Kind>>;
  readonly optional: Readonly<Record<string, Kind>>;
}
const spec = (required: Record<string, Kind>, optional: Record<string, Kind> = {}): ObjectSpec => ({
  required,
  optional,
});

const fileFields = { id: 'id', name: 'fileName', size: 'fileSize', chunkSize: 'chunkSize' } as const;
const fileOptional = {
  mime: 'mime',
  lastModified: 'timestamp',
  path: 'path',
  sha256: 'sha256',
  batch: 'fileBatch',
  text: 'textPost',
  to: 'id',
} as const;

export const OBJECT_SPECS: Record<ObjectKind, ObjectSpec> = {
  client: spec({ publicId: 'id', name: 'clientName', status: 'status', online: 'boolean' }, { isMaster: 'trueFlag' }),
  fileOffer: spec(fileFields, fileOptional),
  fileInfo: spec({ ...fileFields, owner: 'id' }, fileOptional),
  fileBatch: spec({ id: 'id', count: 'batchCount' }),
  rejection: spec({ id: 'id', reason: 'reason' }),
  iceServer: spec({ urls: 'iceUrls' }, { username: 'iceCredential', credential: 'iceCredential' }),
};

export const ARRAY_SPECS: Record<ArrayKind, { item: ObjectKind; min: number; max: number }> = {
  clients: { item: 'client', min: 0, max: L.MAX_PEERS_IN_ROOM },
  offers: { item: 'fileOffer', min: 1, max: L.MAX_FILES_PER_MESSAGE },
  infos: { item: 'fileInfo', min: 0, max: L.MAX_FILES_PER_MESSAGE },
  roomFiles: { item: 'fileInfo', min: 0, max: L.MAX_FILES_IN_ROOM },
  rejections: { item: 'rejection', min: 0, max: L.MAX_FILES_PER_MESSAGE },
  iceServers: { item: 'iceServer', min: 0, max: L.MAX_ICE_SERVERS },
};

/** Every peer -> daemon message may carry a reqId to be echoed; some require one. */
const req = (required: Record<string, Kind>, optional: Record<string, Kind> = {}): ObjectSpec =>
  'reqId' in required ? spec(required, optional) : spec(required, { reqId: 'reqId', ...optional });

export const TO_DAEMON_SPECS: Record<ToDaemon['type'], ObjectSpec> = {
  MASTER_APP_REGISTER: req({ token: 'token' }, { privateId: 'privateId', name: 'displayName', features: 'features' }),
  CLIENT_REGISTER: req({ name: 'displayName' }, { privateId: 'privateId', features: 'features' }),
  APPROVE_CLIENT: req({ publicId: 'id' }),
  DIS_APPROVE_CLIENT: req({ publicId: 'id' }),
  ADD_FILES: req({ reqId: 'reqId', files: 'offers' }),
  FILES_ADDED: req({ reqId: 'reqId', owner: 'id', files: 'infos', rejected: 'rejections' }),
  REMOVE_FILE: req({ reqId: 'reqId', fileId: 'id' }),
  FILE_REMOVED: req({ fileId: 'id' }),
  REMOVE_FILES: req({ reqId: 'reqId', fileIds: 'fileIds' }),
  FILES_REMOVED: req({ fileIds: 'fileIds' }),
  REQUEST_CHUNK: req({ transferId: 'id', fileId: 'id', start: 'chunkIndex', end: 'chunkIndex' }),
  SIGNAL: req({ to: 'id', data: 'signalData' }),
  CANCEL_TRANSFER: req({ transferId: 'id' }),
  LEAVE: req({}),
  REJECT_ALL_PENDING: req({}),
  END_ROOM: req({}),
};

export const FROM_DAEMON_SPECS: Record<FromDaemon['type'], ObjectSpec> = {
  MASTER_APP_REGISTER_ACK: spec(
    { publicId: 'id', privateId: 'privateId', clients: 'clients', files: 'roomFiles' },
    { iceServers: 'iceServers', p2p: 'boolean', reqId: 'reqId', more: 'trueFlag' },
  ),
  CLIENT_REGISTER_ACK: spec(
    { publicId: 'id', privateId: 'privateId', status: 'status', iceServers: 'iceServers', p2p: 'boolean' },
    { masterOnline: 'boolean', reqId: 'reqId' },
  ),
  NEW_CLIENT_REGISTERED: spec({ client: 'client' }),
  CLIENT_APPROVED: spec({ client: 'client' }, { reqId: 'reqId' }),
  CLIENT_DIS_APPROVED: spec({ publicId: 'id' }, { reqId: 'reqId' }),
  ROOM_STATE: spec({ clients: 'clients', files: 'roomFiles', masterOnline: 'boolean' }, { more: 'trueFlag' }),
  ROOM_STATE_PAGE: spec({ last: 'boolean' }, { clients: 'clients', files: 'roomFiles' }),
  ADD_FILES: spec({ reqId: 'reqId', owner: 'id', files: 'offers' }),
  FILES_ADDED: spec({ reqId: 'reqId', owner: 'id', files: 'infos', rejected: 'rejections' }),
  REMOVE_FILE: spec({ reqId: 'reqId', owner: 'id', by: 'id', fileId: 'id' }),
  FILE_REMOVED: spec({ fileId: 'id' }, { reqId: 'reqId' }),
  REMOVE_FILES: spec({ reqId: 'reqId', owner: 'id', by: 'id', fileIds: 'fileIds' }),
  FILES_REMOVED: spec({ fileIds: 'fileIds' }, { reqId: 'reqId' }),
  CLIENT_DISCONNECTED: spec({ publicId: 'id' }),
  CLIENT_RECONNECTED: spec({ publicId: 'id' }),
  CLIENT_LEFT: spec({ publicId: 'id' }),
  MASTER_CONNECTED: spec({}),
  MASTER_DISCONNECTED: spec({}),
  UPLOAD_CHUNK_REQUEST: spec({ transferId: 'id', fileId: 'id', start: 'chunkIndex', end: 'chunkIndex', from: 'id' }),
  SIGNAL: spec({ from: 'id', data: 'signalData' }),
  CHUNK_READY: spec({ transferId: 'id', fileId: 'id', index: 'chunkIndex' }, { sha256: 'sha256' }),
  TRANSFER_CANCELLED: spec({ transferId: 'id' }),
  RELAY_BUSY: spec({ transferId: 'id', fileId: 'id', reason: 'relayBusyReason', retryAfterMs: 'retryAfterMs' }),
  ROOM_ENDED: spec({}, { reqId: 'reqId' }),
  ERROR: spec({ code: 'errorCode', message: 'errorMessage' }, { reqId: 'reqId' }),
};

export type Direction = 'toDaemon' | 'fromDaemon';
export const SPECS: Record<Direction, Readonly<Record<string, ObjectSpec>>> = {
  toDaemon: TO_DAEMON_SPECS,
  fromDaemon: FROM_DAEMON_SPECS,
};

/**
 * 'input': may this value stand in a frame (names are trimmed by the parser, unknown keys are
 * stripped)? 'output': does a parsed message hold exactly this (trimmed names, no stray keys)?
 */
export type Mode = 'input' | 'output';

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** Lengths count code points, as zod 4 does: a character outside the BMP is one, not two. */
const codePoints = (v: string): number => {
  let n = 0;
  for (const _ of v) n++;
  return n;
};
const isStr = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' && codePoints(v) >= min && codePoints(v) <= max;
const utf8 = new TextEncoder();
/** A string under the text rules: bounded in code points and UTF-8 bytes, no forbidden character. */
export const isText = (v: unknown, min: number, max: number, maxBytes: number): v is string =>
  isStr(v, min, max) && !CONTROL_RE.test(v) && utf8.encode(v).length <= maxBytes;
const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const matches = (v: unknown, re: RegExp): boolean => typeof v === 'string' && re.test(v);
const iceUrl = (v: unknown): boolean => isStr(v, 0, L.MAX_ICE_URL_CHARS) && ICE_URL_RE.test(v);

function displayNameOk(v: unknown, mode: Mode): boolean {
  if (!isStr(v, 0, L.MAX_NAME_CHARS * 4)) return false;
  const trimmed = v.trim();
  if (mode === 'output' && trimmed !== v) return false;
  return isText(trimmed, 1, L.MAX_NAME_CHARS, L.MAX_NAME_BYTES);
}

function signalDataOk(v: unknown): boolean {
  if (v === undefined) return false;
  try {
    const json = JSON.stringify(v);
    return typeof json === 'string' && json.length <= L.MAX_SIGNAL_CHARS;
  } catch {
    return false;
  }
}

function scalarOk(kind: ScalarKind, v: unknown, mode: Mode): boolean {
  switch (kind) {
    case 'id':
      return matches(v, ID_RE);
    case 'reqId':
      return matches(v, REQ_ID_RE);
    case 'privateId':
      return isStr(v, 1, L.MAX_PRIVATE_ID_CHARS);
    case 'token':
      return isStr(v, 1, L.MAX_TOKEN_CHARS);
    case 'displayName':
      return displayNameOk(v, mode);
    case 'chunkIndex':
    case 'timestamp':
      return isInt(v, 0, Number.MAX_SAFE_INTEGER);
    case 'boolean':
      return typeof v === 'boolean';
    case 'status':
      return v === 'pending' || v === 'approved' || v === 'rejected';
    case 'trueFlag':
      return v === true;
    case 'clientName':
      return isText(v, 1, L.MAX_NAME_CHARS, L.MAX_NAME_BYTES);
    case 'fileName':
      return isText(v, 1, L.MAX_FILE_NAME_CHARS, L.MAX_FILE_NAME_BYTES);
    case 'fileSize':
      return isInt(v, 0, L.MAX_FILE_BYTES);
    case 'mime':
      return isStr(v, 0, L.MAX_MIME_CHARS) && MIME_RE.test(v);
    case 'path':
      return isText(v, 1, L.MAX_PATH_CHARS, L.MAX_PATH_BYTES);
    case 'chunkSize':
      return isInt(v, L.MIN_CHUNK_BYTES, L.MAX_CHUNK_BYTES);
    case 'sha256':
      return matches(v, SHA256_RE);
    case 'reason':
      return isText(v, 1, L.MAX_REASON_CHARS, L.MAX_REASON_BYTES);
    case 'iceUrls':
      return iceUrl(v) || (Array.isArray(v) && v.length >= 1 && v.length <= L.MAX_ICE_URLS && v.every(iceUrl));
    case 'iceCredential':
      return isStr(v, 0, L.MAX_ICE_CREDENTIAL_CHARS);
    case 'signalData':
      return signalDataOk(v);
    case 'errorCode':
      return (ALL_ERROR_CODES as readonly unknown[]).includes(v);
    case 'errorMessage':
      return isStr(v, 0, L.MAX_ERROR_MESSAGE_CHARS);
    case 'relayBusyReason':
      return v === 'full' || v === 'rate';
    case 'retryAfterMs':
      return isInt(v, 0, MAX_RETRY_AFTER_MS);
    case 'batchCount':
      return isInt(v, 1, L.MAX_FILES_PER_PEER);
    case 'textPost':
      // The text rules, except that a line feed and a tab are allowed.
      return (
        isStr(v, 1, L.MAX_TEXT_POST_CHARS) &&
        !CONTROL_RE.test(v.replace(/[\n\t]/g, 'x')) &&
        utf8.encode(v).length <= L.MAX_TEXT_POST_BYTES
      );
    case 'fileIds':
      return (
        Array.isArray(v) &&
        v.length >= 1 &&
        v.length <= L.MAX_FILE_IDS_PER_MESSAGE &&
        v.every((id) => matches(id, ID_RE)) &&
        new Set(v).size === v.length
      );
    case 'features':
      return Array.isArray(v) && v.length <= L.MAX_FEATURES && v.every((f) => matches(f, FEATURE_RE));
  }
}

/** Why `v` cannot fill a field of `kind`, or null. */
export function kindProblem(kind: Kind, v: unknown, mode: Mode, at: string): string | null {
  if (kind in OBJECT_SPECS) return objectProblem(OBJECT_SPECS[kind as ObjectKind], v, mode, at);
  if (kind in ARRAY_SPECS) {
    const { item, min, max } = ARRAY_SPECS[kind as ArrayKind];
    if (!Array.isArray(v)) return `${at}: not an array`;
    if (v.length < min || v.length > max) return `${at}: ${v.length} items`;
    for (const [i, element] of v.entries()) {
      const problem = kindProblem(item, element, mode, `${at}.${i}`);
      if (problem) return problem;
    }
    return null;
  }
  return scalarOk(kind as ScalarKind, v, mode) ? null : `${at}: not a valid ${kind}`;
}

export function objectProblem(s: ObjectSpec, v: unknown, mode: Mode, at: string): string | null {
  if (!isRecord(v)) return `${at}: not an object`;
  if (mode === 'output') {
    const extra = Object.keys(v).find((key) => !(key in s.required) && !(key in s.optional));
    if (extra !== undefined) return `${at}.${extra}: unexpected key`;
  }
  for (const [key, kind] of Object.entries(s.required)) {
    if (v[key] === undefined) return `${at}.${key}: missing`;
    const problem = kindProblem(kind, v[key], mode, `${at}.${key}`);
    if (problem) return problem;
  }
  for (const [key, kind] of Object.entries(s.optional)) {
    // An optional key holding undefined is the same as no key (JSON drops it).
    if (v[key] === undefined) continue;
    const problem = kindProblem(kind, v[key], mode, `${at}.${key}`);
    if (problem) return problem;
  }
  return null;
}

/** Where a forbidden key or nesting past MAX_JSON_DEPTH occurs (the top object is depth 0). */
export function jsonShapeProblem(v: unknown, depth = 0): string | null {
  if (typeof v !== 'object' || v === null) return null;
  if (depth > L.MAX_JSON_DEPTH) return 'too deep';
  if (Array.isArray(v)) {
    // Array.from visits holes too (as undefined), like a for-of loop.
    for (const item of Array.from(v as unknown[])) {
      const problem = jsonShapeProblem(item, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  for (const key of Object.keys(v)) {
    if ((FORBIDDEN_KEYS as readonly string[]).includes(key)) return `forbidden key ${key}`;
    const problem = jsonShapeProblem((v as Record<string, unknown>)[key], depth + 1);
    if (problem) return problem;
  }
  return null;
}

/**
 * Why `v` is not a valid message of `direction`, checked independently of the schemas. In 'input'
 * mode this says whether the parser must accept the frame; in 'output' mode whether a parsed
 * message stays inside every bound and carries nothing the contract does not name.
 */
export function messageProblem(direction: Direction, v: unknown, mode: Mode): string | null {
  if (!isRecord(v)) return 'not an object';
  const type = v['type'];
  if (typeof type !== 'string' || !Object.hasOwn(SPECS[direction], type)) return 'unknown type';
  const s = SPECS[direction][type];
  if (s === undefined) return 'unknown type';
  const shape = jsonShapeProblem(v);
  if (shape) return shape;
  const { type: _type, ...fields } = v;
  const problem = objectProblem(s, fields, mode, type);
  if (problem) return problem;
  if ((type === 'REQUEST_CHUNK' || type === 'UPLOAD_CHUNK_REQUEST') && !((v['end'] as number) > (v['start'] as number)))
    return 'end <= start';
  if (mode === 'output' && Object.getPrototypeOf(v) !== Object.prototype) return 'not a plain object';
  return null;
}
