import { describe, expect, it } from 'vitest';
import { ID_PATTERN, isId, randomId } from '../../src/transfer/ids';

describe('ids', () => {
  it.each([
    ['a UUID', '1b4e28ba-2fa1-41d2-883f-0016d3cca427', true],
    ['one character', 'a', true],
    ['64 characters', 'x'.repeat(64), true],
    ['empty', '', false],
    ['65 characters', 'x'.repeat(65), false],
    ['a dot (reqIds only)', 'rc.t1', false],
    ['a slash', 'a/b', false],
    ['not a string', 42, false],
  ])('%s: %s', (_name, value, expected) => {
    expect(isId(value)).toBe(expected);
  });

  it('makes distinct UUID v4s that are ids', () => {
    const made = Array.from({ length: 200 }, () => randomId());
    expect(new Set(made).size).toBe(made.length);
    for (const id of made) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ID_PATTERN.test(id)).toBe(true);
    }
  });
});
