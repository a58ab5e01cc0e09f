import { describe, expect, it } from 'vitest';
import { personCode, personLabel, personMark } from '../src/protocol/person-code';

describe('personMark', () => {
  it('is stable: the same id always gives the same code and hue', () => {
    // Pinned: a change of derivation would change what people read to each other.
    expect(personMark('0f3c2a8e-9b1d-4c7e-8a55-2f6d1e0b9c44')).toEqual(
      personMark('0f3c2a8e-9b1d-4c7e-8a55-2f6d1e0b9c44'),
    );
    expect(personCode('a')).toBe('E40C');
    expect(personCode('0f3c2a8e-9b1d-4c7e-8a55-2f6d1e0b9c44')).toBe('8A83');
  });

  it('gives four upper-case hex digits and a hue for any Id, hex or not', () => {
    for (const id of ['a', '_', 'Z-9', 'x'.repeat(64), '00000000-0000-4000-8000-000000000000']) {
      const { code, hue } = personMark(id);
      expect(code).toMatch(/^[0-9A-F]{4}$/);
      expect(Number.isInteger(hue) && hue >= 0 && hue < 360).toBe(true);
    }
  });

  it('is not the id prefix, and tells apart ids that share one', () => {
    const first = personCode('7f3a0000-0000-4000-8000-000000000001');
    const second = personCode('7f3a0000-0000-4000-8000-000000000002');
    expect(first).not.toBe(second);
    expect([first, second]).not.toContain('7F3A');
  });

  it('spreads ids over the codes: 1,000 random UUIDs give close to 1,000 codes', () => {
    const codes = new Set<string>();
    for (let index = 0; index < 1000; index++) codes.add(personCode(crypto.randomUUID()));
    // With 65,536 codes, 1,000 ids collide about 7.6 times on average; 30 would mean a bad spread.
    expect(codes.size).toBeGreaterThan(970);
  });

  it('labels a name with its code for plain-text sentences', () => {
    expect(personLabel('Ana', 'a')).toBe('Ana (E40C)');
  });
});
