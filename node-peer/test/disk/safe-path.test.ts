import { mkdir, stat, symlink, writeFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskError } from '../../src/disk/disk-errors';
import { makeFolderEntry, outputPathFor, prepareOutputPath } from '../../src/disk/safe-path';
import { useTempDirs } from './support/temp-dir';

const tempDir = useTempDirs();

const inside = (dir: string, target: string) => {
  const relative = path.relative(dir, target);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
};

describe('outputPathFor', () => {
  it.each([
    ['../../x', 'x'],
    ['/etc/passwd', 'etc/passwd'],
    ['C:\\x', 'C_/x'],
    ['a\\..\\..\\b', 'a/b'],
    ['CON', '_CON'],
    ['photos/nul.txt', 'photos/_nul.txt'],
    ['..', 'file'],
    ['', 'file'],
    ['.hidden', 'hidden'],
    ['trip/2024/a.jpg', 'trip/2024/a.jpg'],
  ])('keeps %j inside the folder, as %j', (relPath, expected) => {
    const dir = path.resolve('/srv/downloads');
    const target = outputPathFor(dir, relPath);
    expect(inside(dir, target)).toBe(true);
    expect(path.relative(dir, target).split(path.sep).join('/')).toBe(expected);
  });
});

describe('prepareOutputPath', () => {
  it('creates the folders a path sits in, 0755', async () => {
    const dir = await tempDir();
    const target = await prepareOutputPath(dir, 'trip/2024/a.jpg');
    expect(target).toBe(path.join(dir, 'trip', '2024', 'a.jpg'));
    expect((await stat(path.join(dir, 'trip', '2024'))).mode & 0o777).toBe(0o755 & ~process.umask());
  });

  it('refuses to write through a symbolic link in the folder that points outside it', async () => {
    const dir = await tempDir();
    const outside = await tempDir();
    await symlink(outside, path.join(dir, 'trip'));
    const error = await prepareOutputPath(dir, 'trip/sub/a.jpg').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiskError);
    expect((error as DiskError).code).toBe('OUTSIDE_FOLDER');
    // Nothing was created on the other side of the link.
    expect(await readdir(outside)).toEqual([]);
  });

  it('follows a symbolic link that stays inside the folder', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'real'));
    await symlink(path.join(dir, 'real'), path.join(dir, 'trip'));
    const target = await prepareOutputPath(dir, 'trip/a.jpg');
    expect(target).toBe(path.join(dir, 'trip', 'a.jpg'));
  });

  it('names a folder of the path that exists as a file', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'trip'), 'a file, not a folder');
    const error = await prepareOutputPath(dir, 'trip/a.jpg').catch((e: unknown) => e);
    expect((error as DiskError).code).toBe('NOT_A_FOLDER');
  });

  it('creates empty-folder entries as folders, inside the folder whatever their path', async () => {
    const dir = await tempDir();
    const made = await makeFolderEntry(dir, '../trip/empty');
    expect(made).toBe(path.join(dir, 'trip', 'empty'));
    expect((await stat(made)).isDirectory()).toBe(true);
  });
});
