import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectLocal } from '../../src/disk/local-tree';
import { useTempDirs } from './support/temp-dir';

const tempDir = useTempDirs();

async function files(root: string, entries: Record<string, string | null>): Promise<void> {
  for (const [relPath, content] of Object.entries(entries)) {
    const absPath = path.join(root, ...relPath.split('/'));
    if (content === null) await mkdir(absPath, { recursive: true });
    else {
      await mkdir(path.dirname(absPath), { recursive: true });
      await writeFile(absPath, content);
    }
  }
}

describe('collectLocal', () => {
  it('gives a folder its files with paths from its own name, and its empty folders', async () => {
    const root = await tempDir();
    await files(root, {
      'photos/2024/a.jpg': 'aaa',
      'photos/2024/b.jpg': 'bb',
      'photos/top.txt': 't',
      'photos/empty': null,
      'photos/deep/er/est': null,
      'loose.txt': 'loose',
      solo: null,
    });
    const tree = await collectLocal([path.join(root, 'photos'), path.join(root, 'loose.txt'), path.join(root, 'solo')]);
    expect(tree.files.map((f) => [f.relPath, f.name, f.size])).toEqual([
      ['photos/2024/a.jpg', 'a.jpg', 3],
      ['photos/2024/b.jpg', 'b.jpg', 2],
      ['photos/top.txt', 'top.txt', 1],
      [undefined, 'loose.txt', 5],
    ]);
    expect(tree.files[0]?.absPath).toBe(path.join(root, 'photos', '2024', 'a.jpg'));
    expect(tree.emptyFolders).toEqual(['photos/deep/er/est', 'photos/empty', 'solo']);
    expect(tree.refused).toEqual([]);
  });

  it('does not follow a symbolic link to a folder (a loop ends), but shares a linked file', async () => {
    const root = await tempDir();
    await files(root, { 'photos/a.jpg': 'a', 'outside.txt': 'from outside' });
    await symlink(path.join(root, 'photos'), path.join(root, 'photos', 'loop'));
    await symlink(path.join(root, 'outside.txt'), path.join(root, 'photos', 'link.txt'));
    await symlink(path.join(root, 'nowhere'), path.join(root, 'photos', 'broken'));
    const tree = await collectLocal([path.join(root, 'photos')]);
    expect(tree.files.map((f) => [f.relPath, f.size])).toEqual([
      ['photos/a.jpg', 1],
      ['photos/link.txt', 12],
    ]);
    expect(tree.refused).toEqual([
      { path: 'photos/broken', reason: 'a symbolic link to nothing' },
      { path: 'photos/loop', reason: 'a symbolic link to a folder (not followed)' },
    ]);
  });

  it('refuses a named pipe, in a folder or named on its own', async () => {
    const root = await tempDir();
    await files(root, { 'box/a.txt': 'a' });
    execFileSync('mkfifo', [path.join(root, 'box', 'pipe'), path.join(root, 'pipe2')]);
    const tree = await collectLocal([path.join(root, 'box'), path.join(root, 'pipe2')]);
    expect(tree.files.map((f) => f.relPath)).toEqual(['box/a.txt']);
    expect(tree.refused).toEqual([
      { path: 'box/pipe', reason: 'a named pipe (FIFO), not a file' },
      { path: path.join(root, 'pipe2'), reason: 'a named pipe (FIFO), not a file' },
    ]);
  });

  it('refuses names the protocol refuses, with its reason', async () => {
    const root = await tempDir();
    await files(root, { 'box/ok.txt': 'ok', 'box/back\\slash.txt': 'x', 'box/bell\u0007.txt': 'x' });
    const tree = await collectLocal([path.join(root, 'box'), path.join(root, 'box', 'back\\slash.txt')]);
    expect(tree.files.map((f) => f.relPath)).toEqual(['box/ok.txt']);
    expect(tree.refused.map((r) => r.path)).toEqual([
      'box/back\\slash.txt',
      'box/bell\u0007.txt',
      path.join(root, 'box', 'back\\slash.txt'),
    ]);
    expect(tree.refused[0]?.reason).toBe('name contains a path separator');
    expect(tree.refused[1]?.reason).toMatch(/name/);
  });

  it('refuses what is past the entry cap, and a second folder of the same name', async () => {
    const root = await tempDir();
    await files(root, { 'a/1': '1', 'a/2': '2', 'a/3': '3', 'b/a/x': 'x' });
    const capped = await collectLocal([path.join(root, 'a')], { maxEntries: 2 });
    expect(capped.files.map((f) => f.relPath)).toEqual(['a/1', 'a/2']);
    expect(capped.refused).toEqual([{ path: 'a/3', reason: expect.stringMatching(/more than 2/) as unknown }]);
    const twice = await collectLocal([path.join(root, 'a'), path.join(root, 'b', 'a'), path.join(root, 'a')]);
    expect(twice.files.map((f) => f.relPath)).toEqual(['a/1', 'a/2', 'a/3']);
    expect(twice.refused.map((r) => r.reason)).toEqual(['another folder named "a" is shared already', 'named twice']);
  });
});
