import type { Dirent, Stats } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileNameProblem, filePathProblem, limits } from '@ferry/common';

/** A file on this machine to share: loose (no relPath) or inside a folder named on the command line. */
export interface LocalFile {
  absPath: string;
  /** The file's own name: FileOffer.name. */
  name: string;
  /** Folder-relative, '/'-separated, starting at the named folder ("photos/2024/a.jpg"): FileOffer.path. */
  relPath?: string;
  size: number;
  /** As stat gives it, to tell later whether the file changed since it was offered. */
  mtimeMs: number;
}

export interface Refusal {
  /** As given on the command line, or folder-relative below a named folder. */
  path: string;
  reason: string;
}

export interface LocalTree {
  files: LocalFile[];
  /** Folder-relative paths of folders with nothing shared below them ("photos/empty"). */
  emptyFolders: string[];
  refused: Refusal[];
}

export interface CollectOptions {
  /** Files and empty folders at most (the room's per-peer cap); what is past it is refused. */
  maxEntries?: number;
}

function specialFileReason(stats: Stats | Dirent): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO), not a file';
  if (stats.isSocket()) return 'a socket, not a file';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device, not a file';
  return 'not a file or a folder';
}

function errorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot be read (${code ?? String(error)})`;
}

/**
 * What `ferry send a.txt photos/` shares: each file argument as a loose file, each folder argument
 * as a folder (its files with paths from the folder's own name, like a browser's
 * webkitRelativePath, and its empty folders). Symbolic links named on the command line are
 * followed (the person named them); below a folder, links to files are followed and links to
 * folders are not (no loops, nothing from outside the folder's tree). Special files, names the
 * protocol refuses and anything past `maxEntries` are refused with a reason, never thrown.
 */
export async function collectLocal(paths: readonly string[], options: CollectOptions = {}): Promise<LocalTree> {
  const walker = new TreeWalker(options.maxEntries ?? limits.MAX_FILES_PER_PEER);
  for (const given of paths) await walker.argument(given);
  return walker.tree;
}

class TreeWalker {
  readonly tree: LocalTree = { files: [], emptyFolders: [], refused: [] };
  private readonly seen = new Set<string>();
  private readonly folderNames = new Set<string>();
  private isFull = false;

  constructor(private readonly maxEntries: number) {}

  private get entries(): number {
    return this.tree.files.length + this.tree.emptyFolders.length;
  }

  async argument(given: string): Promise<void> {
    if (this.isFull) return;
    const absPath = path.resolve(given);
    if (this.seen.has(absPath)) return this.refuse(given, 'named twice');
    this.seen.add(absPath);
    let stats: Stats;
    try {
      stats = await stat(absPath);
    } catch (error) {
      return this.refuse(given, errorReason(error));
    }
    const name = path.basename(absPath);
    if (stats.isFile()) return this.addFile(given, { absPath, name, size: stats.size, mtimeMs: stats.mtimeMs });
    if (!stats.isDirectory()) return this.refuse(given, specialFileReason(stats));
    if (name === '') return this.refuse(given, 'the root folder cannot be shared');
    const problem = fileNameProblem(name);
    if (problem !== null) return this.refuse(given, problem);
    // Two folders of one name would share paths, and one batch (folder-batch.ts groups by name).
    if (this.folderNames.has(name)) return this.refuse(given, `another folder named "${name}" is shared already`);
    this.folderNames.add(name);
    await this.folder(absPath, name);
  }

  /** Walks one folder; depth is bounded by the protocol's path depth, checked before descending. */
  private async folder(absDir: string, relDir: string): Promise<void> {
    const before = this.entries;
    const listed = await this.list(absDir, relDir);
    if (listed === null) return;
    for (const entry of listed) {
      if (this.isFull) return;
      await this.entry(path.join(absDir, entry.name), `${relDir}/${entry.name}`, entry);
    }
    if (this.entries === before && this.hasRoom(relDir)) this.tree.emptyFolders.push(relDir);
  }

  /** The folder's entries, sorted; null (and refused) when it cannot be read or is too big. */
  private async list(absDir: string, relDir: string): Promise<Dirent[] | null> {
    const listed: Dirent[] = [];
    try {
      for await (const entry of await opendir(absDir)) {
        listed.push(entry);
        // Room for the cap's worth of files and as many refusals: memory stays bounded.
        if (listed.length > 2 * this.maxEntries) {
          this.refuse(relDir, `holds more than ${2 * this.maxEntries} entries`);
          return null;
        }
      }
    } catch (error) {
      this.refuse(relDir, errorReason(error));
      return null;
    }
    return listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async entry(absPath: string, relPath: string, entry: Dirent): Promise<void> {
    const problem = fileNameProblem(entry.name) ?? filePathProblem(relPath);
    if (problem !== null) return this.refuse(relPath, problem);
    if (entry.isDirectory()) return this.folder(absPath, relPath);
    if (!entry.isFile() && !entry.isSymbolicLink()) return this.refuse(relPath, specialFileReason(entry));
    let stats: Stats;
    try {
      stats = await stat(absPath);
    } catch (error) {
      return this.refuse(relPath, entry.isSymbolicLink() ? 'a symbolic link to nothing' : errorReason(error));
    }
    if (stats.isDirectory()) return this.refuse(relPath, 'a symbolic link to a folder (not followed)');
    if (!stats.isFile()) return this.refuse(relPath, specialFileReason(stats));
    this.addFile(relPath, { absPath, name: entry.name, relPath, size: stats.size, mtimeMs: stats.mtimeMs });
  }

  private addFile(shown: string, file: LocalFile): void {
    if (file.relPath === undefined) {
      const problem = fileNameProblem(file.name);
      if (problem !== null) return this.refuse(shown, problem);
    }
    if (this.hasRoom(shown)) this.tree.files.push(file);
  }

  /** Whether one more entry fits; the first that does not is refused, and the walk stops. */
  private hasRoom(at: string): boolean {
    if (this.isFull) return false;
    if (this.entries < this.maxEntries) return true;
    this.isFull = true;
    this.refuse(at, `more than ${this.maxEntries} files and folders: this and the rest are not shared`);
    return false;
  }

  private refuse(at: string, reason: string): void {
    // Bounded like the rest: a folder of a million sockets must not grow this without end.
    if (this.tree.refused.length < this.maxEntries) this.tree.refused.push({ path: at, reason });
  }
}
