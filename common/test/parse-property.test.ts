import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFromDaemon, parseToDaemon, type ParseResult } from '../src/protocol/index';
import { anyFrameLike, anythingAtAll, anyValidFrame, mutatedFrame } from './protocol-arbitraries';
import { messageProblem, REQ_ID_RE, type Direction } from './protocol-spec';

type Parse = (raw: unknown) => ParseResult<unknown>;
const DIRECTIONS: { name: Direction; parse: Parse }[] = [
  { name: 'toDaemon', parse: parseToDaemon },
  { name: 'fromDaemon', parse: parseFromDaemon },
];

/** The reqId an error may carry: only the frame's own, and only when well formed. */
function echoable(raw: unknown): string | undefined {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const reqId = (value as Record<string, unknown>)['reqId'];
  return typeof reqId === 'string' && REQ_ID_RE.test(reqId) ? reqId : undefined;
}

/**
 * What holds for any input: a well-formed result; an error echoes nothing but a valid reqId of the
 * frame; an accepted message passes the independent check and survives JSON unchanged.
 */
function checkResult(direction: Direction, parse: Parse, raw: unknown): void {
  const result = parse(raw);
  if (!result.ok) {
    expect(['BAD_MESSAGE', 'UNKNOWN_TYPE']).toContain(result.code);
    expect(typeof result.error).toBe('string');
    expect(result.error.length).toBeLessThanOrEqual(500);
    if (result.reqId !== undefined) expect(result.reqId).toBe(echoable(raw));
    return;
  }
  expect(messageProblem(direction, result.message, 'output')).toBeNull();
  const text = JSON.stringify(result.message);
  const again = parse(text);
  expect(again.ok).toBe(true);
  expect(again.ok && JSON.stringify(again.message)).toBe(text);
}

describe.each(DIRECTIONS)('$name', ({ name, parse }) => {
  it('never throws on any JavaScript value', () => {
    fc.assert(
      fc.property(anythingAtAll, (raw) => checkResult(name, parse, raw)),
      { numRuns: 1000 },
    );
  });

  it('never throws on any JSON value, as a value or as text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, asText) =>
        checkResult(name, parse, asText ? JSON.stringify(value) : value),
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws on any string, JSON or not', () => {
    const strings = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.json(),
      fc.string().map((tail) => `{"type":"SIGNAL","reqId":"r1"${tail}`),
    );
    fc.assert(
      fc.property(strings, (raw) => checkResult(name, parse, raw)),
      { numRuns: 1000 },
    );
  });

  it('never throws on mutated valid frames; whatever it accepts stays in bounds', () => {
    fc.assert(
      fc.property(mutatedFrame(name), (raw) => checkResult(name, parse, raw)),
      { numRuns: 1000 },
    );
  });

  it('accepts a frame exactly when the independent checker does', () => {
    fc.assert(
      fc.property(anyFrameLike(name), (frame) => {
        // Judge what goes on the wire (JSON turns NaN into null and drops undefined).
        const text = JSON.stringify(frame);
        const expected = messageProblem(name, JSON.parse(text), 'input');
        const result = parse(text);
        const verdict = result.ok ? 'accepted' : `${result.code}: ${result.error}`;
        expect(result.ok, `checker says ${expected ?? 'valid'}; parser says ${verdict}`).toBe(expected === null);
        checkResult(name, parse, frame);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts every valid frame, unchanged, and it round-trips through JSON', () => {
    fc.assert(
      fc.property(anyValidFrame(name), (frame) => {
        const fromValue = parse(frame);
        const fromText = parse(JSON.stringify(frame));
        expect(fromValue).toEqual({ ok: true, message: frame });
        expect(fromText).toEqual({ ok: true, message: frame });
        expect(JSON.parse(JSON.stringify(fromText.ok && fromText.message))).toEqual(frame);
      }),
      { numRuns: 1000 },
    );
  });
});
