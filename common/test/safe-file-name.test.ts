import { describe, expect, it } from 'vitest';
import { MAX_SAVED_NAME_BYTES, safeFileName, safeRelativePath } from '../src/protocol/safe-file-name';

const bytes = (text: string) => new TextEncoder().encode(text).length;

/** What every saved name must be, whatever came in. */
function expectSafe(name: string): void {
  expect(name.length).toBeGreaterThan(0);
  expect(name).not.toMatch(/[/\\]/);
  // eslint-disable-next-line no-control-regex
  expect(name).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  expect(name).not.toMatch(/^[.\s]/);
  expect(name).not.toMatch(/[.\s]$/);
  expect(name).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
  expect(bytes(name)).toBeLessThanOrEqual(MAX_SAVED_NAME_BYTES);
}

describe('safeFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['photo 2024 (1).jpg', 'photo 2024 (1).jpg'],
    ['été à la mer.txt', 'été à la mer.txt'],
    ['<img src=x onerror=alert(1)>', '_img src=x onerror=alert(1)_'],
  ])('keeps an ordinary name readable: %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it.each([
    ['../../x', '_.._x'],
    ['..\\x', '_x'],
    ['/etc/passwd', '_etc_passwd'],
    ['C:\\Windows\\system32\\evil.dll', 'C__Windows_system32_evil.dll'],
    ['a/b\\c', 'a_b_c'],
  ])('never keeps a path separator: %j -> %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
    expectSafe(safeFileName(input));
  });

  it.each([
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['NUL', '_NUL'],
    ['aux.tar.gz', '_aux.tar.gz'],
    ['COM1', '_COM1'],
    ['lpt9.log', '_lpt9.log'],
  ])('prefixes the Windows device name %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it('keeps names that only start like a device name', () => {
    expect(safeFileName('console.log')).toBe('console.log');
    expect(safeFileName('nullable.ts')).toBe('nullable.ts');
  });

  it('drops NUL and every control character, and bidirectional overrides', () => {
    expect(safeFileName('a\u0000b.txt')).toBe('ab.txt');
    expect(safeFileName('line\nbreak\ttab\r.txt')).toBe('linebreaktab.txt');
    expect(safeFileName('\u0007bell\u007f\u009b.bin')).toBe('bell.bin');
    expect(safeFileName('gnp\u202e.exe')).toBe('gnp.exe');
    expectSafe(safeFileName('\u0000\u0001\u001f'));
  });

  it('drops leading dots and spaces, and trailing ones', () => {
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('...hidden')).toBe('hidden');
    expect(safeFileName('  spaced  ')).toBe('spaced');
    expect(safeFileName('name.')).toBe('name');
  });

  it('never returns an empty name', () => {
    for (const input of ['', '.', '..', '...', '   ', '\u0000', '/']) expectSafe(safeFileName(input));
    expect(safeFileName('..')).toBe('download');
    expect(safeFileName('', 'file')).toBe('file');
  });

  it('caps the length in UTF-8 bytes, keeping the extension and whole characters', () => {
    const long = `${'a'.repeat(300)}.tar.gz`;
    expect(safeFileName(long)).toMatch(/^a+\.gz$/);
    expect(bytes(safeFileName(long))).toBeLessThanOrEqual(MAX_SAVED_NAME_BYTES);
    const wide = `${'日本語'.repeat(100)}.txt`;
    const cut = safeFileName(wide);
    expect(cut.endsWith('.txt')).toBe(true);
    expect(bytes(cut)).toBeLessThanOrEqual(MAX_SAVED_NAME_BYTES);
    expect(cut).not.toContain('\ufffd');
    const emoji = safeFileName('😀'.repeat(100));
    expect(bytes(emoji)).toBeLessThanOrEqual(MAX_SAVED_NAME_BYTES);
    expect([...emoji].every((c) => c === '😀')).toBe(true);
  });
});

describe('safeRelativePath', () => {
  it('makes each segment safe and never climbs out', () => {
    expect(safeRelativePath('trip/day1/map.txt')).toBe('trip/day1/map.txt');
    expect(safeRelativePath('../../etc/passwd')).toBe('etc/passwd');
    expect(safeRelativePath('/abs/./x')).toBe('abs/x');
    expect(safeRelativePath('a\\..\\b')).toBe('a/b');
    expect(safeRelativePath('CON/aux/x.txt')).toBe('_CON/_aux/x.txt');
    expect(safeRelativePath('a/\u0000b/.c')).toBe('a/b/c');
  });

  it('falls back to a name when nothing is left', () => {
    expect(safeRelativePath('../..', 'x.bin')).toBe('x.bin');
    expect(safeRelativePath('', '')).toBe('download');
  });

  it('keeps at most 32 segments, the file name last', () => {
    const deep = `${Array.from({ length: 40 }, (_, i) => `d${i}`).join('/')}/f.txt`;
    const safe = safeRelativePath(deep).split('/');
    expect(safe).toHaveLength(32);
    expect(safe.at(-1)).toBe('f.txt');
  });
});
