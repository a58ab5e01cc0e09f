import { lstat, mkdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { safeRelativePath } from '@ferry/common';
import { DiskError } from './disk-errors';

/*
 * Where a file another peer named is written. The name and path come from the room, so they are
 * made safe segment by segment (safeRelativePath: no `..`, no separators of either kind inside a
 * segment, no drive letters, no Windows device names, no leading dots), and the result is checked
 * to stay inside the output folder, also through symbolic links already in it.
 */

const FOLDER_MODE = 0o755;

/** Whether `inner` is `outer` itself or somewhere below it. */
function isInside(outer: string, inner: string): boolean {
  const relative = path.relative(outer, inner);
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * The absolute path `relPath` (a FileInfo's path, or its name for a loose file) is written to
 * inside `dir`: never outside it, never `dir` itself. Pure: touches no file.
 */
export function outputPathFor(dir: string, relPath: string): string {
  const root = path.resolve(dir);
  const target = path.resolve(root, ...safeRelativePath(relPath).split('/'));
  // safeRelativePath already keeps every segment inside; this is the last word, not the only one.
  if (!isInside(root, target) || target === root) throw new DiskError('OUTSIDE_FOLDER', target);
  return target;
}

/**
 * Creates the folders from `dir` down to `folder` (0755), one segment at a time, refusing a
 * segment that is a symbolic link leading out of `dir` (`mkdir -p` would follow it and create
 * folders elsewhere) or that exists as a file.
 */
async function ensureFolders(dir: string, folder: string): Promise<void> {
  const root = path.resolve(dir);
  await mkdir(root, { recursive: true, mode: FOLDER_MODE });
  const realRoot = await realpath(root);
  let current = root;
  for (const segment of path
    .relative(root, folder)
    .split(path.sep)
    .filter((s) => s !== '')) {
    current = path.join(current, segment);
    const existing = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (existing === null) {
      await mkdir(current, { mode: FOLDER_MODE }).catch((error: NodeJS.ErrnoException) => {
        // Made by a download next to this one meanwhile: checked below like any existing folder.
        if (error.code !== 'EEXIST') throw error;
      });
    } else if (existing.isSymbolicLink()) {
      const real = await realpath(current).catch(() => null);
      if (real === null || !isInside(realRoot, real)) throw new DiskError('OUTSIDE_FOLDER', current);
    }
    // Followed: a link that is left here points inside `dir`.
    if (!(await stat(current)).isDirectory()) throw new DiskError('NOT_A_FOLDER', current);
  }
  const real = await realpath(folder);
  if (!isInside(realRoot, real)) throw new DiskError('OUTSIDE_FOLDER', folder);
}

/** `outputPathFor`, with the folders it sits in created safely. */
export async function prepareOutputPath(dir: string, relPath: string): Promise<string> {
  const target = outputPathFor(dir, relPath);
  await ensureFolders(dir, path.dirname(target));
  return target;
}

/** Creates an empty-folder entry (FileOffer.folder) as a folder inside `dir`; returns its path. */
export async function makeFolderEntry(dir: string, relPath: string): Promise<string> {
  const folder = outputPathFor(dir, relPath);
  await ensureFolders(dir, folder);
  return folder;
}
