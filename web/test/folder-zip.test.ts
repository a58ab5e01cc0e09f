import { describe, expect, it } from 'vitest';
import { filesInFolder, zipFolderPaths, zipNameFor, zipPaths, zipStream } from '../src/transfers/folder-zip';
import { shared } from '@ferry/common/test/builders';

const inTrip = (id: string, path: string, owner = 'ann') => shared(id, owner, path.split('/').pop() ?? path, { path });

describe('folder downloads', () => {
  it('takes the folder and its subfolders, of that owner only', () => {
    const files = [
      inTrip('1', 'trip/readme.md'),
      inTrip('2', 'trip/day1/map.txt'),
      inTrip('3', 'trips/other.txt'),
      inTrip('4', 'trip/x.txt', 'bob'),
      shared('5', 'ann', 'loose.txt'),
    ];
    expect(filesInFolder(files, 'ann', 'trip').map((f) => f.id)).toEqual(['1', '2']);
    expect(filesInFolder(files, 'ann', 'trip/day1').map((f) => f.id)).toEqual(['2']);
  });

  it('takes the empty folders in the folder, and the folder itself when it is one', () => {
    const empty = (id: string, path: string) => ({ ...inTrip(id, path), size: 0, folder: true as const });
    const files = [
      inTrip('1', 'trip/a.txt'),
      empty('2', 'trip/empty'),
      empty('3', 'trip/day1/raw'),
      empty('4', 'trips'),
    ];
    expect(filesInFolder(files, 'ann', 'trip').map((f) => f.id)).toEqual(['1', '2', '3']);
    expect(filesInFolder(files, 'ann', 'trip/day1/raw').map((f) => f.id)).toEqual(['3']);
    expect(zipFolderPaths(['trip/empty', 'trip/day1/raw', 'trip/../x', 'trip/CON'], 'trip')).toEqual([
      'trip/empty',
      'trip/day1/raw',
      'trip/x',
      'trip/_CON',
    ]);
    expect(zipFolderPaths(['trip/day1/raw'], 'trip/day1')).toEqual(['day1/raw']);
  });

  it('names the archive after the folder', () => {
    expect(zipNameFor('trip')).toBe('trip.zip');
    expect(zipNameFor('trip/day1')).toBe('day1.zip');
    expect(zipNameFor('CON')).toBe('_CON.zip');
  });

  it('roots the paths at the folder, safe and unique', () => {
    expect(zipPaths([inTrip('1', 'trip/readme.md'), inTrip('2', 'trip/day1/map.txt')], 'trip')).toEqual([
      'trip/readme.md',
      'trip/day1/map.txt',
    ]);
    expect(zipPaths([inTrip('2', 'trip/day1/map.txt')], 'trip/day1')).toEqual(['day1/map.txt']);
    // Paths a buggy or hostile peer might list anyway.
    expect(zipPaths([inTrip('1', 'trip/../../etc/passwd'), inTrip('2', 'trip/a\u0000b/NUL')], 'trip')).toEqual([
      'trip/etc/passwd',
      'trip/ab/_NUL',
    ]);
    expect(zipPaths([inTrip('1', 'trip/A.txt'), inTrip('2', 'trip/a.txt'), inTrip('3', 'trip/a.txt')], 'trip')).toEqual(
      ['trip/A.txt', 'trip/a (2).txt', 'trip/a (3).txt'],
    );
  });

  it('streams a ZIP holding each file', async () => {
    const a = inTrip('1', 'trip/a.txt');
    const sources = [
      {
        file: { ...a, size: 5 },
        path: 'trip/a.txt',
        parts: () => Promise.resolve([new Blob(['hel']), new Blob(['lo'])]),
      },
      { file: { ...inTrip('2', 'trip/e.txt'), size: 0 }, path: 'trip/e.txt', parts: () => Promise.resolve([]) },
    ];
    const zip = new Uint8Array(await new Response(zipStream(sources, ['trip/empty'])).arrayBuffer());
    const text = new TextDecoder('latin1').decode(zip);
    expect(text.startsWith('PK\u0003\u0004')).toBe(true);
    expect(text).toContain('trip/a.txt');
    expect(text).toContain('hello');
    expect(text).toContain('trip/e.txt');
    expect(text).toContain('trip/empty/');
    expect(text).not.toContain('trip/e.txt/');
  });
});
