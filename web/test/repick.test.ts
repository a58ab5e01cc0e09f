import { describe, expect, it } from 'vitest';
import { matchRepicks } from '../src/transfers/repick';
import { shared } from '@ferry/common/test/builders';
import { fakeFile } from './fakes';

const LAST_MODIFIED = 1_700_000_000_000; // fakeFile's

describe('matchRepicks', () => {
  const listed = [
    shared('f1', 'me', 'a.txt', { size: 10, lastModified: LAST_MODIFIED }),
    shared('f2', 'me', 'b.txt', { size: 20, lastModified: LAST_MODIFIED, path: 'docs/b.txt' }),
  ];

  it('gives a picked file back its id when name, size, date and path match', () => {
    const a = fakeFile('a.txt', 10);
    const b = fakeFile('b.txt', 20);
    const { reattached, rest } = matchRepicks([{ file: a }, { file: b, path: 'docs/b.txt' }], listed);
    expect(reattached).toEqual([
      ['f1', a],
      ['f2', b],
    ]);
    expect(rest).toEqual([]);
  });

  it('offers anything else as a new file', () => {
    const picked = [
      { file: fakeFile('a.txt', 11) }, // size differs
      { file: Object.assign(fakeFile('a.txt', 10), { lastModified: 5 }) }, // date differs
      { file: fakeFile('b.txt', 20) }, // was in a folder
      { file: fakeFile('b.txt', 20), path: 'other/b.txt' }, // another folder
      { file: fakeFile('c.txt', 10) }, // never shared
    ];
    const { reattached, rest } = matchRepicks(picked, listed);
    expect(reattached).toEqual([]);
    expect(rest).toEqual(picked);
  });

  it('matches each listed file once, first pick first', () => {
    const first = fakeFile('a.txt', 10);
    const second = fakeFile('a.txt', 10);
    const { reattached, rest } = matchRepicks([{ file: first }, { file: second }], listed);
    expect(reattached).toEqual([['f1', first]]);
    expect(rest).toEqual([{ file: second }]);
  });

  it('matches a listed file without a date on name, size and path', () => {
    const file = fakeFile('a.txt', 10);
    const { reattached } = matchRepicks([{ file }], [shared('f1', 'me', 'a.txt', { size: 10 })]);
    expect(reattached).toEqual([['f1', file]]);
  });
});
