import { folderOf, safeFileName, safeRelativePath, type FileInfo } from '@ferry/common';
import { makeZip } from 'client-zip';

/** The files of `owner` in `folder` and its subfolders. */
export function filesInFolder(files: readonly FileInfo[], owner: string, folder: string): FileInfo[] {
  return files.filter((file) => {
    if (file.owner !== owner) return false;
    const own = folderOf(file);
    return own === folder || own.startsWith(`${folder}/`);
  });
}

/** "trip/day1" -> "day1.zip". */
export function zipNameFor(folder: string): string {
  const last = folder.split('/').filter(Boolean).pop() ?? folder;
  return `${safeFileName(last, 'folder')}.zip`;
}

function withSuffix(path: string, n: number): string {
  const cut = path.lastIndexOf('/');
  const dir = path.slice(0, cut + 1);
  const name = path.slice(cut + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${dir}${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${dir}${name} (${n})`;
}

/**
 * Each file's path inside the archive: relative to the folder's parent (so the folder is the
 * archive's root), made safe segment by segment, and unique (case-insensitively, as on Windows
 * and macOS) with " (2)" suffixes.
 */
export function zipPaths(files: readonly FileInfo[], folder: string): string[] {
  const cut = folder.lastIndexOf('/');
  const parent = cut < 0 ? '' : folder.slice(0, cut + 1);
  const taken = new Set<string>();
  return files.map((file) => {
    const full = file.path ?? file.name;
    const relative = parent && full.startsWith(parent) ? full.slice(parent.length) : full;
    const safe = safeRelativePath(relative, file.name);
    let unique = safe;
    for (let n = 2; taken.has(unique.toLowerCase()); n++) unique = withSuffix(safe, n);
    taken.add(unique.toLowerCase());
    return unique;
  });
}

/**
 * The archive's folder entries for a folder's empty folders (their listed paths): relative to the
 * folder's parent like the files, made safe the same way, each once.
 */
export function zipFolderPaths(emptyFolders: readonly string[], folder: string): string[] {
  const cut = folder.lastIndexOf('/');
  const parent = cut < 0 ? '' : folder.slice(0, cut + 1);
  const paths = emptyFolders.map((path) =>
    safeRelativePath(parent && path.startsWith(parent) ? path.slice(parent.length) : path, 'folder'),
  );
  return [...new Set(paths)];
}

export interface ZipSource {
  file: FileInfo;
  path: string;
  /** The file's stored chunks, fetched when the archive reaches it. */
  parts(): Promise<Blob[]>;
}

/**
 * One ZIP, streamed: each file's bytes are read from its stored chunks as the archive is written;
 * `folders` (zipFolderPaths) become folder entries, so empty folders are kept.
 */
export function zipStream(sources: readonly ZipSource[], folders: readonly string[] = []): ReadableStream<Uint8Array> {
  async function* entries() {
    // A name with no input and no size is a folder to client-zip.
    for (const path of folders) yield { name: `${path}/` };
    for (const source of sources) {
      const blob = new Blob(await source.parts());
      yield {
        name: source.path,
        input: blob,
        size: source.file.size,
        ...(source.file.lastModified === undefined ? {} : { lastModified: new Date(source.file.lastModified) }),
      };
    }
  }
  return makeZip(entries());
}
