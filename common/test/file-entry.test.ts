import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chunkCount,
  chunkLength,
  fileNameProblem,
  fileOfferProblem,
  filePathProblem,
  folderOf,
  type FileOffer,
} from '../src/protocol/index';
import * as L from '../src/protocol/limits';

const XSS = '<img src=x onerror=alert(1)>';

describe('fileNameProblem', () => {
  it.each([
    ['empty', '', /blank/],
    ['blank', '  \t ', /blank/],
    ['a traversal', '../../x', /separator/],
    ['a Windows traversal', '..\\x', /separator/],
    ['an absolute path', '/etc/passwd', /separator/],
    ['a drive path', 'C:\\x', /separator/],
    ['a folder', 'photos/a.jpg', /separator/],
    ['.', '.', /relative/],
    ['..', '..', /relative/],
    ['NUL', 'a\u0000.txt', /control/],
    ['a newline', 'a\nb.txt', /control/],
    ['a carriage return', 'a\r.txt', /control/],
    ['a tab', 'a\tb.txt', /control/],
    ['an ANSI escape', '\u001b[2Jx', /control/],
    ['DEL', 'a\u007f', /control/],
    ['C1 NEL', 'a\u0085b', /control/],
    ['C1 0x9f', 'a\u009f', /control/],
    // Issue 11, findings 1 and 12: the schema's text rules, held by the host too.
    ['a lone surrogate', 'a\ud800.txt', /lone surrogate/],
    ['a zero-width space', 'a\u200b.txt', /invisible/],
    ['a right-to-left override', 'gnp\u202e.exe', /invisible/],
    ['a line separator', 'a\u2028b.txt', /separator/],
    ['over 765 bytes', '東'.repeat(256), /characters|bytes/],
  ])('refuses %s', (_label, name, reason) => {
    expect(fileNameProblem(name)).toMatch(reason);
  });

  it.each([
    ['a plain name', 'report.pdf'],
    ['markup, shown as text', XSS],
    ['accents', 'résumé.pdf'],
    ['CJK', '東京の写真.jpg'],
    ['emoji', '🚀 launch.png'],
    ['right-to-left', 'מסמך.txt'],
    ['a hidden file', '.bashrc'],
    ['three dots', '...'],
    ['dots inside', 'a..b'],
    ['a colon', 'C:x'],
    ['255 characters', 'n'.repeat(L.MAX_FILE_NAME_CHARS)],
  ])('accepts %s', (_label, name) => {
    expect(fileNameProblem(name)).toBeNull();
  });
});

describe('filePathProblem', () => {
  const deep = (segments: number) => [...Array<string>(segments - 1).fill('d'), 'f.txt'].join('/');

  it.each([
    ['a traversal', '../../x', /relative/],
    ['a traversal inside', 'photos/../../x', /relative/],
    ['a trailing ..', 'photos/..', /relative/],
    ['a . segment', 'photos/./a.jpg', /relative/],
    ['a leading ./', './a.jpg', /relative/],
    ['.', '.', /relative/],
    ['..', '..', /relative/],
    ['a Windows traversal', '..\\x', /backslash/],
    ['backslashes', 'photos\\a.jpg', /backslash/],
    ['a Windows drive and backslash', 'C:\\x', /backslash/],
    ['an absolute path', '/etc/passwd', /absolute/],
    ['a drive letter', 'C:/Windows/x', /drive/],
    ['a bare drive letter', 'c:x', /drive/],
    ['empty', '', /empty segment/],
    ['a double slash', 'photos//a.jpg', /empty segment/],
    ['a trailing slash', 'photos/', /empty segment/],
    ['NUL', 'photos/a\u0000.jpg', /control/],
    ['a newline', 'photos\n/a.jpg', /control/],
    ['C1', 'photos/\u0090a.jpg', /control/],
    ['33 segments', deep(L.MAX_PATH_DEPTH + 1), /deeper/],
  ])('refuses %s', (_label, path, reason) => {
    expect(filePathProblem(path)).toMatch(reason);
  });

  it.each([
    ['a bare file', 'a.jpg'],
    ['a folder path', 'photos/2024/a.jpg'],
    ['markup segments', `${XSS}/${XSS}`],
    ['unicode', '写真/東京/🚀.png'],
    ['hidden folders', '.config/.x'],
    ['dots inside segments', 'a..b/...'],
    ['a colon later on', 'photos/C:x'],
    ['32 segments', deep(L.MAX_PATH_DEPTH)],
  ])('accepts %s', (_label, path) => {
    expect(filePathProblem(path)).toBeNull();
  });
});

describe('fileOfferProblem', () => {
  const offer = (name: string, path?: string): FileOffer => ({
    id: 'f1',
    name,
    size: 10,
    chunkSize: 4,
    ...(path === undefined ? {} : { path }),
  });

  it.each([
    ['a good name, no path', offer('a.jpg'), null],
    ['a good name and path', offer('a.jpg', 'photos/a.jpg'), null],
    ['a markup name', offer(XSS, `x/${XSS}`), null],
    ['a bad name', offer('../a.jpg'), /separator/],
    ['a bad name and a bad path: the name is reported', offer('..', '/etc/passwd'), /relative/],
    ['a good name and a bad path', offer('passwd', '/etc/passwd'), /absolute/],
    ['a good name and a traversal path', offer('x', '../../x'), /relative/],
    ['a control character in the name', offer('a\u0007', 'a'), /control/],
    ['a lone surrogate in the path', offer('a', 'd/\udfff/a'), /lone surrogate/],
    ['control characters in the mime type', { ...offer('a'), mime: 'x/\u0001' }, /mime/],
    ['a mime type with parameters', { ...offer('a'), mime: 'text/plain; charset=utf-8' }, /mime/],
    ['a plain mime type', { ...offer('a'), mime: 'text/plain' }, null],
  ])('%s', (_label, file, expected) => {
    const problem = fileOfferProblem(file);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});

describe('folderOf', () => {
  it.each([
    [{ name: 'a.jpg' }, ''],
    [{ name: 'a.jpg', path: '' }, ''],
    [{ name: 'a.jpg', path: 'a.jpg' }, ''],
    [{ name: 'a.jpg', path: 'photos/a.jpg' }, 'photos'],
    [{ name: 'a.jpg', path: 'photos/2024/a.jpg' }, 'photos/2024'],
    [{ name: 'x', path: '写真/東京/x' }, '写真/東京'],
  ])('%j is in %j', (file, folder) => {
    expect(folderOf(file)).toBe(folder);
  });
});

describe('chunk arithmetic', () => {
  /** Chunk lengths by the contract: chunk i covers [i*c, min(size, (i+1)*c)). */
  function expectedLengths(size: number, chunk: number): number[] {
    const out: number[] = [];
    for (let start = 0; start < size; start += chunk) out.push(Math.min(size, start + chunk) - start);
    return out;
  }

  const chunkSizes = [L.MIN_CHUNK_BYTES, 3, 1000, L.DEFAULT_CHUNK_BYTES, L.MAX_CHUNK_BYTES];
  const cases = chunkSizes.flatMap((c) =>
    [0, 1, c - 1, c, c + 1, 2 * c, 2 * c + 1].filter((size) => size >= 0).map((size) => ({ size, c })),
  );

  it.each(cases)('size $size with chunks of $c', ({ size, c }) => {
    const count = chunkCount(size, c);
    expect(count).toBe(size === 0 ? 0 : Math.floor((size - 1) / c) + 1);
    expect(Array.from({ length: count }, (_, i) => chunkLength(size, c, i))).toEqual(expectedLengths(size, c));
    expect(chunkLength(size, c, count)).toBe(0);
  });

  it.each([
    [0, 1024, 0, []],
    [1, 1024, 1, [1]],
    [1023, 1024, 1, [1023]],
    [1024, 1024, 1, [1024]],
    [1025, 1024, 2, [1024, 1]],
    [2049, 1024, 3, [1024, 1024, 1]],
  ])('size %d, chunk %d: %d chunks of %j', (size, c, count, lengths) => {
    expect(chunkCount(size, c)).toBe(count);
    expect(lengths.map((_, i) => chunkLength(size, c, i))).toEqual(lengths);
  });

  it('stays exact at the largest file: 2^50 bytes in 1-byte and 16 MiB chunks', () => {
    expect(chunkCount(L.MAX_FILE_BYTES, 1)).toBe(L.MAX_FILE_BYTES);
    expect(chunkLength(L.MAX_FILE_BYTES, 1, L.MAX_FILE_BYTES - 1)).toBe(1);
    expect(chunkCount(L.MAX_FILE_BYTES, L.MAX_CHUNK_BYTES)).toBe(2 ** 26);
    expect(chunkLength(L.MAX_FILE_BYTES, L.MAX_CHUNK_BYTES, 2 ** 26 - 1)).toBe(L.MAX_CHUNK_BYTES);
    expect(chunkCount(L.MAX_FILE_BYTES - 1, L.MAX_CHUNK_BYTES)).toBe(2 ** 26);
    expect(chunkLength(L.MAX_FILE_BYTES - 1, L.MAX_CHUNK_BYTES, 2 ** 26 - 1)).toBe(L.MAX_CHUNK_BYTES - 1);
  });

  it('covers every file exactly: full chunks, one shorter last chunk, nothing past it', () => {
    const size = fc.oneof(
      fc.nat(),
      fc.maxSafeNat().map((n) => n % (L.MAX_FILE_BYTES + 1)),
    );
    const chunk = fc.integer({ min: L.MIN_CHUNK_BYTES, max: L.MAX_CHUNK_BYTES });
    fc.assert(
      fc.property(size, chunk, (bytes, c) => {
        const count = chunkCount(bytes, c);
        expect(Number.isSafeInteger(count)).toBe(true);
        if (bytes === 0) {
          expect(count).toBe(0);
          return;
        }
        expect((count - 1) * c).toBeLessThan(bytes);
        expect(count * c).toBeGreaterThanOrEqual(bytes);
        if (count > 1) expect(chunkLength(bytes, c, count - 2)).toBe(c);
        expect(chunkLength(bytes, c, count - 1)).toBe(bytes - (count - 1) * c);
        expect(chunkLength(bytes, c, count)).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});
