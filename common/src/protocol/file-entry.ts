import { MAX_PATH_DEPTH } from './limits';
import { FILE_NAME_BOUNDS, PATH_BOUNDS, TEXT_POST_BOUNDS, type FileOffer } from './shapes';
import { FORBIDDEN_TEXT_POST_CHARS, mimeProblem, textProblem, utf8ByteCount } from './text';

/**
 * Why a file name cannot be shared as is, or null when it can. A name is one path segment that
 * obeys the text rules (text.ts: no controls, format characters, lone surrogates or line
 * separators; bounded in characters and bytes): no separators, no `.`/`..`. Anything else
 * (including `<img onerror>`) is a legal name that the apps render as text.
 */
export function fileNameProblem(name: string): string | null {
  if (name.trim().length === 0) return 'name is blank';
  const textIssue = textProblem(name, 'name', FILE_NAME_BOUNDS);
  if (textIssue) return textIssue;
  if (name.includes('/') || name.includes('\\')) return 'name contains a path separator';
  if (name === '.' || name === '..') return 'name is a relative path';
  return null;
}

/**
 * Why a folder-relative path is unsafe, or null. A path is the file's place inside a shared folder,
 * '/'-separated and including the file's own name (as a browser's webkitRelativePath gives it).
 */
export function filePathProblem(path: string): string | null {
  // An empty path is told as its empty segment, below.
  const textIssue = textProblem(path, 'path', { ...PATH_BOUNDS, minCodePoints: 0 });
  if (textIssue) return textIssue;
  if (path.includes('\\')) return 'path uses backslashes';
  if (path.startsWith('/')) return 'path is absolute';
  if (/^[A-Za-z]:/.test(path)) return 'path has a drive letter';
  const segments = path.split('/');
  if (segments.length > MAX_PATH_DEPTH) return `path is deeper than ${MAX_PATH_DEPTH} folders`;
  for (const segment of segments) {
    if (segment === '') return 'path has an empty segment';
    if (segment === '.' || segment === '..') return 'path has a relative segment';
  }
  return null;
}

/**
 * The master's check of one offered file: the same text rules as the schema (so a daemon of
 * another version cannot slip a name past the host), then what only the host decides.
 */
export function fileOfferProblem(file: FileOffer): string | null {
  return (
    fileNameProblem(file.name) ??
    (file.path === undefined ? null : filePathProblem(file.path)) ??
    (file.mime === undefined ? null : mimeProblem(file.mime)) ??
    (file.text === undefined ? null : textPostProblem(file)) ??
    folderEntryProblem(file)
  );
}

/**
 * Why a text post cannot be listed, or null: its text obeys the text rules (line feeds and tabs
 * allowed), `size` is its UTF-8 length (so the budgets and the list count it honestly) and it is
 * not in a folder or a batch (folders are downloaded, a text is not).
 */
export function textPostProblem(file: FileOffer): string | null {
  if (file.text === undefined) return null;
  const textIssue = textProblem(file.text, 'text', TEXT_POST_BOUNDS, FORBIDDEN_TEXT_POST_CHARS);
  if (textIssue) return textIssue;
  if (file.text.trim().length === 0) return 'text is blank';
  if (file.size !== utf8ByteCount(file.text)) return 'text size is not its length in UTF-8 bytes';
  if (file.path !== undefined || file.batch !== undefined) return 'a text post is not in a folder';
  return null;
}

/**
 * Why an empty-folder entry cannot be listed, or null (also for an entry that is not one): it has
 * no bytes, sits in a batch (the folder it is part of), and its path is its own place, ending in
 * its name. Nothing else (no text, type or hash) belongs to a folder.
 */
export function folderEntryProblem(file: FileOffer): string | null {
  if (file.folder === undefined) return null;
  if (file.size !== 0) return 'a folder has no bytes';
  if (file.path === undefined || file.batch === undefined) return 'a folder entry belongs to a shared folder';
  if (file.path !== file.name && !file.path.endsWith(`/${file.name}`)) return "a folder's path ends in its name";
  if (file.text !== undefined || file.mime !== undefined || file.sha256 !== undefined)
    return 'a folder has no text, type or hash';
  return null;
}

/** Whether a listed entry is an empty folder of a shared folder (nothing to download). */
export function isFolderEntry(file: Pick<FileOffer, 'folder'>): boolean {
  return file.folder === true;
}

/** Whether a listed entry has bytes to download and serve: not a text post, not a folder. */
export function hasBytes(file: Pick<FileOffer, 'text' | 'folder'>): boolean {
  return file.text === undefined && file.folder === undefined;
}

/** Whether a listed entry is a text post (its text is in the entry; nothing to download). */
export function isTextPost(file: Pick<FileOffer, 'text'>): boolean {
  return file.text !== undefined;
}

/**
 * The folder a file sits in, from its path ('' when it is not in a folder). An empty folder's
 * entry is the folder itself: its own path.
 */
export function folderOf(file: Pick<FileOffer, 'path' | 'name' | 'folder'>): string {
  if (!file.path) return '';
  if (file.folder === true) return file.path;
  const cut = file.path.lastIndexOf('/');
  return cut < 0 ? '' : file.path.slice(0, cut);
}
