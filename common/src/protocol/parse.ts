import type * as z from 'zod/mini';
import type { ErrorCode } from './errors';
import { MAX_FRAME_BYTES, MAX_FROM_DAEMON_FRAME_CHARS, MAX_JSON_DEPTH } from './limits';
import { FromDaemon, FROM_DAEMON_TYPES, ToDaemon, TO_DAEMON_TYPES } from './messages';

export type ParseResult<T> =
  | { ok: true; message: T }
  | { ok: false; code: Extract<ErrorCode, 'BAD_MESSAGE' | 'UNKNOWN_TYPE'>; error: string; reqId?: string };

/** Keys that would reach an object's prototype if code ever merged a frame into an object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Walks a parsed JSON value once: refuses prototype keys anywhere and nesting beyond
 * MAX_JSON_DEPTH. Recursion is bounded by that depth, so a hostile frame cannot blow the stack.
 */
function checkJsonShape(value: unknown, depth: number): string | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_JSON_DEPTH) return `nested deeper than ${MAX_JSON_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = checkJsonShape(item, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return `forbidden key "${key}"`;
    const problem = checkJsonShape((value as Record<string, unknown>)[key], depth + 1);
    if (problem) return problem;
  }
  return null;
}

function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(message)'}: ${issue.message}`)
    .join('; ')
    .slice(0, 400);
}

function reqIdOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const reqId = (value as Record<string, unknown>)['reqId'];
    if (typeof reqId === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(reqId)) return reqId;
  }
  return undefined;
}

function makeParser<S extends z.ZodMiniType>(schema: S, knownTypes: readonly string[], maxChars: number) {
  const known = new Set(knownTypes);
  const parse = (raw: unknown): ParseResult<z.infer<S>> => {
    let value: unknown = raw;
    if (typeof raw === 'string') {
      if (raw.length > maxChars) return { ok: false, code: 'BAD_MESSAGE', error: 'message too large' };
      try {
        value = JSON.parse(raw);
      } catch {
        return { ok: false, code: 'BAD_MESSAGE', error: 'not valid JSON' };
      }
    }
    const reqId = reqIdOf(value);
    const withReqId = <R extends object>(r: R) => (reqId === undefined ? r : { ...r, reqId });
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, code: 'BAD_MESSAGE', error: 'a message is a JSON object' };
    }
    const type = (value as Record<string, unknown>)['type'];
    if (typeof type !== 'string') {
      return withReqId({ ok: false as const, code: 'BAD_MESSAGE' as const, error: 'missing string "type"' });
    }
    if (!known.has(type)) {
      return withReqId({
        ok: false as const,
        code: 'UNKNOWN_TYPE' as const,
        error: `unknown type "${type.slice(0, 64)}"`,
      });
    }
    const shapeProblem = checkJsonShape(value, 0);
    if (shapeProblem) return withReqId({ ok: false as const, code: 'BAD_MESSAGE' as const, error: shapeProblem });
    const result = schema.safeParse(value);
    if (!result.success) {
      return withReqId({
        ok: false as const,
        code: 'BAD_MESSAGE' as const,
        error: `${type}: ${describeIssues(result.error)}`,
      });
    }
    return { ok: true, message: result.data };
  };
  // An already-parsed value need not be JSON (a BigInt or a function in SIGNAL data makes
  // JSON.stringify throw or return undefined; a getter can throw): refuse it instead of throwing.
  return (raw: unknown): ParseResult<z.infer<S>> => {
    try {
      return parse(raw);
    } catch {
      return { ok: false, code: 'BAD_MESSAGE', error: 'not a JSON value' };
    }
  };
}

/**
 * The trust boundaries. `raw` is a frame's text or an already-parsed value. Never throws: a
 * result is either a typed message or the error code and text to send back.
 */
export const parseToDaemon = makeParser(ToDaemon, TO_DAEMON_TYPES, MAX_FRAME_BYTES);
export const parseFromDaemon = makeParser(FromDaemon, FROM_DAEMON_TYPES, MAX_FROM_DAEMON_FRAME_CHARS);
