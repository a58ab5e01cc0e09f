import { limits } from '@ferry/common';
import type { PickedFile } from './offers';

/*
 * Reading a drop that may hold folders. Browsers expose dropped folders only through the
 * (prefixed, callback-based) File and Directory Entries API; these are the parts of it we use,
 * so tests can pass plain objects.
 */

export interface FileEntryLike {
  isFile: true;
  isDirectory: false;
  name: string;
  fullPath: string;
  file(success: (file: File) => void, failure?: (error: unknown) => void): void;
}

export interface DirectoryEntryLike {
  isFile: false;
  isDirectory: true;
  name: string;
  fullPath: string;
  createReader(): { readEntries(success: (entries: EntryLike[]) => void, failure?: (error: unknown) => void): void };
}

export type EntryLike = FileEntryLike | DirectoryEntryLike;

const fileOf = (entry: FileEntryLike) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

async function readAll(dir: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = dir.createReader();
  const all: EntryLike[] = [];
  // readEntries answers in pages (100 in Chromium) until it answers an empty one.
  for (;;) {
    const page = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (page.length === 0) return all;
    all.push(...page);
    if (all.length > limits.MAX_FILES_PER_PEER) return all;
  }
}

/** What a drop holds: its files, and the folders in it that hold nothing at all. */
export interface Dropped {
  files: PickedFile[];
  /** Folder-relative paths ("trip/empty") of empty folders inside dropped folders. */
  emptyFolders: string[];
}

/**
 * Every file under the dropped entries, with folder-relative paths for files inside a dropped
 * folder (the same shape a folder picker's webkitRelativePath has), and the empty folders there
 * (a folder picker drops those; a drop keeps them). Stops at `maxFiles` files and folders.
 */
export async function collectDropped(
  entries: readonly EntryLike[],
  maxFiles: number = limits.MAX_FILES_PER_PEER,
): Promise<Dropped> {
  const dropped: Dropped = { files: [], emptyFolders: [] };
  const isFull = () => dropped.files.length + dropped.emptyFolders.length >= maxFiles;
  const walk = async (entry: EntryLike, isInFolder: boolean): Promise<void> => {
    if (isFull()) return;
    const path = entry.fullPath.replace(/^\/+/, '');
    if (entry.isFile) {
      const file = await fileOf(entry);
      dropped.files.push(isInFolder && path ? { file, path } : { file });
      return;
    }
    const children = await readAll(entry);
    if (children.length === 0 && path) dropped.emptyFolders.push(path);
    for (const child of children) await walk(child, true);
  };
  for (const entry of entries) await walk(entry, false);
  return dropped;
}

/**
 * The entries of a drop, taken synchronously: the DataTransfer empties once the drop handler
 * returns. Falls back to the plain file list where entries are unavailable.
 */
export function entriesOfDrop(data: DataTransfer): { entries: EntryLike[]; files: File[] } {
  const entries: EntryLike[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.() as EntryLike | null | undefined;
    if (entry) entries.push(entry);
  }
  return { entries, files: entries.length > 0 ? [] : Array.from(data.files) };
}
