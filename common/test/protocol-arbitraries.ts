/**
 * fast-check arbitraries for the protocol, built from limits.ts and the test spec: valid values of
 * every field kind, valid frames of every message type, and mutations of valid frames.
 */
import fc from 'fast-check';
import * as L from '../src/protocol/limits';
import { invalidSamples, type Frame, type Sample } from './protocol-samples';
import {
  ALL_ERROR_CODES,
  ARRAY_SPECS,
  CONTROL_RE,
  FEATURE_RE,
  FORBIDDEN_KEYS,
  ID_RE,
  isText,
  MIME_RE,
  jsonShapeProblem,
  MAX_RETRY_AFTER_MS,
  OBJECT_SPECS,
  REQ_ID_RE,
  SHA256_RE,
  SPECS,
  type ArrayKind,
  type Direction,
  type Kind,
  type ObjectKind,
  type ObjectSpec,
  type ScalarKind,
} from './protocol-spec';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Arrays in generated frames stay short; the tables test the length bounds themselves. */
const MAX_GENERATED_ITEMS = 3;

/**
 * Strings of `min`..`max` UTF-16 units: ASCII, any code point (up to two units each), and one
 * repeated character at any length, so the upper bound itself gets hit.
 */
function text(min: number, max: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ minLength: min, maxLength: max }),
    fc.string({ unit: 'binary', minLength: min, maxLength: Math.floor(max / 2) }),
    fc.integer({ min, max }).map((n) => 'é'.repeat(n)),
  );
}

/** Strings under the text rules (text.ts): forbidden characters replaced, both bounds reachable. */
function textUnder(min: number, max: number, maxBytes: number): fc.Arbitrary<string> {
  const cleaned = text(min, max).map((s) => s.replace(new RegExp(CONTROL_RE.source, 'gu'), 'x'));
  return fc
    .oneof(
      cleaned,
      fc.integer({ min, max: Math.min(max, Math.floor(maxBytes / 2)) }).map((n) => 'é'.repeat(n)),
      fc.integer({ min, max: Math.min(max, Math.floor(maxBytes / 4)) }).map((n) => '😀'.repeat(n)),
    )
    .filter((s) => isText(s, min, max, maxBytes));
}

const chunkIndex = fc.oneof(fc.nat(), fc.maxSafeNat(), fc.constantFrom(0, MAX_SAFE));
const iceUrl = fc
  .tuple(fc.constantFrom('stun:', 'stuns:', 'turn:', 'turns:'), text(0, L.MAX_ICE_URL_CHARS - 6))
  .map(([scheme, rest]) => scheme + rest);

const SCALARS: Record<ScalarKind, fc.Arbitrary<unknown>> = {
  id: fc.oneof(fc.stringMatching(ID_RE), fc.uuid()),
  reqId: fc.stringMatching(REQ_ID_RE),
  privateId: text(1, L.MAX_PRIVATE_ID_CHARS),
  token: text(1, L.MAX_TOKEN_CHARS),
  // Already trimmed, so a parsed frame equals the frame sent.
  displayName: text(1, L.MAX_NAME_CHARS)
    .map((s) => s.trim())
    .filter((s) => isText(s, 1, L.MAX_NAME_CHARS, L.MAX_NAME_BYTES)),
  chunkIndex,
  boolean: fc.boolean(),
  status: fc.constantFrom('pending', 'approved', 'rejected'),
  trueFlag: fc.constant(true),
  clientName: text(1, L.MAX_NAME_CHARS).filter((s) => isText(s, 1, L.MAX_NAME_CHARS, L.MAX_NAME_BYTES)),
  fileName: textUnder(1, L.MAX_FILE_NAME_CHARS, L.MAX_FILE_NAME_BYTES),
  fileSize: fc.oneof(
    fc.nat(),
    fc.maxSafeNat().map((n) => n % (L.MAX_FILE_BYTES + 1)),
    fc.constant(L.MAX_FILE_BYTES),
  ),
  mime: fc.stringMatching(MIME_RE),
  timestamp: fc.oneof(fc.nat(), fc.maxSafeNat()),
  path: textUnder(1, L.MAX_PATH_CHARS, L.MAX_PATH_BYTES),
  chunkSize: fc.integer({ min: L.MIN_CHUNK_BYTES, max: L.MAX_CHUNK_BYTES }),
  sha256: fc.stringMatching(SHA256_RE),
  reason: textUnder(1, L.MAX_REASON_CHARS, L.MAX_REASON_BYTES),
  iceUrls: fc.oneof(iceUrl, fc.array(iceUrl, { minLength: 1, maxLength: L.MAX_ICE_URLS })),
  iceCredential: text(0, L.MAX_ICE_CREDENTIAL_CHARS),
  // Through JSON once: jsonValue may hold -0, which the wire turns into 0.
  signalData: fc
    .jsonValue({ maxDepth: 4 })
    .filter((v) => jsonShapeProblem(v, 1) === null)
    .map((v): unknown => JSON.parse(JSON.stringify(v))),
  errorCode: fc.constantFrom(...ALL_ERROR_CODES),
  errorMessage: text(0, L.MAX_ERROR_MESSAGE_CHARS),
  relayBusyReason: fc.constantFrom('full', 'rate'),
  retryAfterMs: fc.integer({ min: 0, max: MAX_RETRY_AFTER_MS }),
  batchCount: fc.integer({ min: 1, max: L.MAX_FILES_PER_PEER }),
  fileIds: fc.uniqueArray(fc.stringMatching(ID_RE), { minLength: 1, maxLength: MAX_GENERATED_ITEMS }),
  features: fc.array(fc.stringMatching(FEATURE_RE), { maxLength: MAX_GENERATED_ITEMS }),
  // Text under the text rules with line feeds and tabs (the characters only it allows) after its
  // first code point (never inside a surrogate pair).
  textPost: fc
    .tuple(textUnder(1, L.MAX_TEXT_POST_CHARS - 2, L.MAX_TEXT_POST_BYTES - 8), fc.constantFrom('', '\n', '\t', '\n\t'))
    .map(([body, breaks]) => {
      const [first = '', ...rest] = Array.from(body);
      return `${first}${breaks}${rest.join('')}`;
    }),
};

function recordOf(spec: ObjectSpec): fc.Arbitrary<Frame> {
  const fields = { ...spec.required, ...spec.optional };
  const model = Object.fromEntries(Object.entries(fields).map(([key, kind]) => [key, validValue(kind)]));
  return fc.record(model, { requiredKeys: Object.keys(spec.required) });
}

/** A value every field of `kind` must accept. */
export function validValue(kind: Kind): fc.Arbitrary<unknown> {
  if (kind in OBJECT_SPECS) return recordOf(OBJECT_SPECS[kind as ObjectKind]);
  if (kind in ARRAY_SPECS) {
    const { item, min } = ARRAY_SPECS[kind as ArrayKind];
    return fc.array(validValue(item), { minLength: min, maxLength: MAX_GENERATED_ITEMS });
  }
  return SCALARS[kind as ScalarKind];
}

/** Chunk ranges are half-open and never empty. */
function ordered(frame: Frame): fc.Arbitrary<Frame> {
  if (!('start' in frame && 'end' in frame)) return fc.constant(frame);
  return fc
    .uniqueArray(chunkIndex, { minLength: 2, maxLength: 2 })
    .map(([a = 0, b = 1]) => ({ ...frame, start: Math.min(a, b), end: Math.max(a, b) }));
}

/** A valid frame of `type`, with a random subset of its optional fields. */
export const validFrame = memo((direction: Direction, type: string): fc.Arbitrary<Frame> => {
  const spec = SPECS[direction][type];
  if (spec === undefined) throw new Error(`no ${direction} type ${type}`);
  return recordOf(spec)
    .map((fields) => ({ type, ...fields }))
    .chain(ordered);
});

export const anyValidFrame = (direction: Direction): fc.Arbitrary<Frame> =>
  fc.constantFrom(...Object.keys(SPECS[direction])).chain((type) => validFrame(direction, type));

/** Leaves out the samples of MAX_FILES_IN_ROOM + 1 items: the tables cover them, once. */
const small = ([, v]: Sample): boolean => !Array.isArray(v) || v.length <= L.MAX_FILES_PER_MESSAGE + 1;

/**
 * A value for one field of `kind`: valid, a known-bad sample, or any JSON value. The checker in
 * protocol-spec.ts decides which frames must pass, not the generator.
 */
export function fieldValue(kind: Kind): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: validValue(kind), weight: 4 },
    {
      arbitrary: fc.constantFrom(
        ...invalidSamples(kind)
          .filter(small)
          .map(([, v]) => v),
      ),
      weight: 2,
    },
    { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
  );
}

/** Arbitraries are built once per message type, not on every run of a `chain`. */
function memo<A>(build: (direction: Direction, type: string) => A): (direction: Direction, type: string) => A {
  const cache = new Map<string, A>();
  return (direction, type) => {
    const key = `${direction} ${type}`;
    let built = cache.get(key);
    if (built === undefined) {
      built = build(direction, type);
      cache.set(key, built);
    }
    return built;
  };
}

/** A frame of `type` whose fields may each be absent, valid, invalid, or any JSON value. */
export const frameLike = memo((direction: Direction, type: string): fc.Arbitrary<Frame> => {
  const spec = SPECS[direction][type];
  if (spec === undefined) throw new Error(`no ${direction} type ${type}`);
  const keys = Object.keys({ ...spec.required, ...spec.optional });
  const model = Object.fromEntries(
    keys.map((key) => [key, fieldValue(spec.required[key] ?? spec.optional[key] ?? 'id')]),
  );
  return fc
    .tuple(
      fc.record(model, { requiredKeys: [] }),
      fc.dictionary(fc.constantFrom('owner', 'from', 'by', 'evil'), fc.jsonValue({ maxDepth: 1 })),
    )
    .map(([fields, extra]) => ({ ...extra, type, ...fields }));
});

export const anyFrameLike = (direction: Direction): fc.Arbitrary<Frame> =>
  fc.constantFrom(...Object.keys(SPECS[direction])).chain((type) => frameLike(direction, type));

type PathStep = string | number;

const isPlain = (v: unknown): v is object =>
  typeof v === 'object' && v !== null && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null);

/** Every place in a value: the root, and each member or element of its arrays and plain objects. */
function placesIn(value: unknown, at: PathStep[] = []): PathStep[][] {
  const out: PathStep[][] = [at];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...placesIn(item, [...at, i])));
  else if (isPlain(value)) {
    for (const [key, item] of Object.entries(value)) out.push(...placesIn(item, [...at, key]));
  }
  return out;
}

/** Own, enumerable, even for `__proto__` (plain assignment would set the prototype instead). */
function define(target: object, key: PathStep, value: unknown): void {
  try {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } catch {
    // A typed array's or a boxed string's elements cannot be redefined: leave that place alone.
  }
}

/** Any JavaScript value, including what JSON cannot hold (BigInt, Map, boxed values, holes). */
export const anythingAtAll = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

const mutationValue = fc.oneof(
  anythingAtAll,
  fc.constantFrom(-1, 0.5, -0, 2 ** 53, 1e300, '', 'x'.repeat(70), null, [], {}),
  fc
    .constantFrom<Kind>('id', 'reqId', 'displayName', 'chunkIndex', 'fileName', 'offers', 'signalData')
    .chain(validValue),
);
const mutationKey = fc.constantFrom(...FORBIDDEN_KEYS, 'owner', 'from', 'by', 'type', 'reqId', 'start', 'end', 'evil');
const allTypes = [...new Set([...Object.keys(SPECS.toDaemon), ...Object.keys(SPECS.fromDaemon)])];

export type Mutation =
  | { op: 'delete' | 'wrap' }
  | { op: 'set'; value: unknown }
  | { op: 'addKey'; key: string; value: unknown }
  | { op: 'retype'; type: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom<Mutation>({ op: 'delete' }, { op: 'wrap' }),
  mutationValue.map((value): Mutation => ({ op: 'set', value })),
  fc.tuple(mutationKey, mutationValue).map(([key, value]): Mutation => ({ op: 'addKey', key, value })),
  fc.constantFrom(...allTypes, 'NOPE').map((type): Mutation => ({ op: 'retype', type })),
);

function mutate(frame: Frame, pick: number, m: Mutation): unknown {
  let copy: Frame;
  try {
    copy = structuredClone(frame);
  } catch {
    return frame;
  }
  if (m.op === 'retype') return { ...copy, type: m.type };
  const places = placesIn(copy);
  const place = places[pick % places.length] ?? [];
  if (place.length === 0) {
    if (m.op === 'set') return m.value;
    if (m.op === 'wrap') return [copy];
  }
  const last = place[place.length - 1];
  let parent: unknown = copy;
  for (const step of place.slice(0, -1)) parent = (parent as Record<PathStep, unknown>)[step];
  const holder = parent as Record<PathStep, unknown>;
  const target = last === undefined ? copy : holder[last];
  switch (m.op) {
    case 'delete':
      if (last !== undefined) delete holder[last];
      break;
    case 'wrap':
      if (last !== undefined) holder[last] = [target];
      break;
    case 'set':
      if (last !== undefined) define(holder, last, m.value);
      break;
    case 'addKey':
      if (typeof target === 'object' && target !== null) define(target, m.key, m.value);
      break;
  }
  return copy;
}

/** A valid frame with one to three random mutations, as a value or as its JSON text. */
export const mutatedFrame = (direction: Direction): fc.Arbitrary<unknown> =>
  fc
    .tuple(
      anyValidFrame(direction),
      fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
    )
    .map(([frame, steps, asText]) => {
      let value: unknown = frame;
      for (const [pick, m] of steps) {
        if (typeof value === 'object' && value !== null) value = mutate(value as Frame, pick, m);
      }
      if (!asText) return value;
      try {
        return JSON.stringify(value) ?? value;
      } catch {
        return value;
      }
    });
