import { describe, expect, it } from 'vitest';
import { guestNameProblem, nameKey } from '../src/authority/display-name';

// Issue 11, finding 12: a guest may not read as the host, as oneself, or as another member.
describe('guestNameProblem', () => {
  const room = ['Host', 'Alice', 'Bob Smith'];

  it.each([
    ['the host', 'Host', /host's name/],
    ['the host in full-width letters', 'Ｈｏｓｔ', /host's name/],
    ['"(you)"', 'Alice (you)', /\(you\)/],
    ['"(you)" in full-width parentheses', 'Alice （you）', /\(you\)/],
    ['a copy in another case', 'ALICE', /already called "Alice"/],
    ['a copy with other spaces', 'Bob\u00a0  Smith', /already called "Bob Smith"/],
  ])('refuses %s', (_label, name, reason) => {
    expect(guestNameProblem(name, room)).toMatch(reason);
  });

  it.each([
    ['a new name', 'Carol'],
    ['a longer name', 'Alice B.'],
    ['"Hostess"', 'Hostess'],
  ])('accepts %s', (_label, name) => {
    expect(guestNameProblem(name, room)).toBeNull();
  });

  it('folds compatibility forms, case and white space', () => {
    expect(nameKey('  Ａｌｉｃｅ\u3000 Smith ')).toBe('alice smith');
  });
});
