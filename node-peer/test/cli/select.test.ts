import { describe, expect, it } from 'vitest';
import { personCode } from '@ferry/common';
import { person, shared } from '@ferry/common/test/builders';
import { CliError, EXIT } from '../../src/cli/exit-codes';
import { placeOf, select } from '../../src/cli/select';

const clients = [person('me', 'Me'), person('ana', 'Ana'), person('bo1', 'Bo'), person('bo2', 'Bo')];
const files = [
  shared('1', 'ana', 'a.txt'),
  shared('2', 'ana', 'x.jpg', { path: 'trip/x.jpg' }),
  shared('3', 'ana', 'y.jpg', { path: 'trip/day1/y.jpg' }),
  shared('4', 'ana', 'empty', { path: 'trip/empty', size: 0, folder: true }),
  shared('5', 'bo1', 'a.txt'),
  shared('6', 'ana', 'Text', { text: 'hello' }),
  shared('7', 'me', 'mine.txt'),
];
const ids = (selection: ReturnType<typeof select>) => ({
  files: selection.files.map((f) => f.id),
  folders: selection.folders.map((f) => f.id),
  texts: selection.texts.map((f) => f.id),
});
const failure = (fn: () => unknown): CliError => {
  try {
    fn();
  } catch (error) {
    return error as CliError;
  }
  throw new Error('no failure');
};

describe('what ferry get fetches', () => {
  it('takes everything but our own with --all, apart by kind', () => {
    expect(ids(select(files, clients, 'me', { files: [], from: null, all: true }))).toEqual({
      files: ['1', '2', '3', '5'],
      folders: ['4'],
      texts: ['6'],
    });
  });

  it('takes a folder by its path, with its subfolders and empty folders', () => {
    expect(ids(select(files, clients, 'me', { files: ['trip/'], from: null, all: false }))).toEqual({
      files: ['2', '3'],
      folders: ['4'],
      texts: [],
    });
  });

  it('takes a file by id, path or name; a name two people share needs --from, which takes a name or a code', () => {
    expect(ids(select(files, clients, 'me', { files: ['2'], from: null, all: false })).files).toEqual(['2']);
    expect(ids(select(files, clients, 'me', { files: ['trip/day1/y.jpg'], from: null, all: false })).files).toEqual([
      '3',
    ]);
    expect(failure(() => select(files, clients, 'me', { files: ['a.txt'], from: null, all: false })).message).toMatch(
      /several people: add --from/,
    );
    expect(ids(select(files, clients, 'me', { files: ['a.txt'], from: 'ana', all: false })).files).toEqual(['1']);
    expect(ids(select(files, clients, 'me', { files: ['a.txt'], from: personCode('bo1'), all: false })).files).toEqual([
      '5',
    ]);
  });

  it('says who is meant when a name is ambiguous or unknown, and which file is missing', () => {
    const twoBos = failure(() => select(files, clients, 'me', { files: [], from: 'bo', all: true }));
    expect(twoBos.code).toBe(EXIT.usage);
    expect(twoBos.message).toContain(personCode('bo1'));
    expect(failure(() => select(files, clients, 'me', { files: [], from: 'Cleo', all: true })).message).toMatch(
      /nobody in the room is called "Cleo"/,
    );
    const missing = failure(() => select(files, clients, 'me', { files: ['nope.txt'], from: null, all: false }));
    expect(missing.code).toBe(EXIT.transferFailed);
    expect(missing.message).toMatch(/no file or folder "nope.txt"/);
  });

  it('never fetches our own files', () => {
    expect(failure(() => select(files, clients, 'me', { files: ['mine.txt'], from: null, all: false })).code).toBe(
      EXIT.transferFailed,
    );
  });

  it("puts two people's files of one place under their names", () => {
    const both = [files[0], files[4]].filter((f) => f !== undefined);
    const name = (id: string) => clients.find((c) => c.publicId === id)?.name ?? '?';
    expect(both.map((f) => placeOf(f, both, name))).toEqual([
      `Ana (${personCode('ana')})/a.txt`,
      `Bo (${personCode('bo1')})/a.txt`,
    ]);
    expect(placeOf(files[1]!, files, name)).toBe('trip/x.jpg');
  });
});
