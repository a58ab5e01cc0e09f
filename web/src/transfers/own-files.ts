import { chunkLength, FileInfo, type FileInfo as FileInfoType } from '@ferry/common';
import * as z from 'zod/mini';
import type { UnavailableReason } from '@ferry/common/transfer';
import type { LocalFiles } from '../files/local-files';
import type { KeyValueStore, Logger } from '../platform/types';

/** What this tab remembers of each file it shares, across reloads (browsers forget the File itself). */
const OwnFileMeta = z.pick(FileInfo, {
  id: true,
  name: true,
  size: true,
  lastModified: true,
  path: true,
  sha256: true,
  mime: true,
  chunkSize: true,
});
export type OwnFileMeta = z.infer<typeof OwnFileMeta>;
const StoredOwnFiles = z.array(OwnFileMeta).check(z.maxLength(100_000));

/**
 * This tab's shared files: the File objects (in memory, lost on reload) and their metadata (in
 * storage, kept). A listed file with no File behind it must be picked again before anyone can
 * download it; until then reading it answers 'needs-repick' and askers wait.
 */
export class OwnFiles {
  private readonly meta = new Map<string, OwnFileMeta>();
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly local: LocalFiles,
    private readonly storage: KeyValueStore,
    private readonly key: string,
    private readonly logger: Logger,
    /** A File became unreadable and was dropped: the view of what needs picking changed. */
    private readonly onLost: () => void = () => undefined,
  ) {}

  async load(): Promise<void> {
    const parsed = StoredOwnFiles.safeParse(await this.storage.get(this.key));
    if (parsed.success) for (const file of parsed.data) this.meta.set(file.id, file);
  }

  /** Files of ours the room lists (FILES_ADDED): remembered until removed. */
  remember(files: readonly FileInfoType[]): void {
    if (files.length === 0) return;
    for (const file of files) {
      const { id, name, size, lastModified, path, sha256, mime, chunkSize } = file;
      this.meta.set(id, {
        id,
        name,
        size,
        chunkSize,
        ...(lastModified === undefined ? {} : { lastModified }),
        ...(path === undefined ? {} : { path }),
        ...(sha256 === undefined ? {} : { sha256 }),
        ...(mime === undefined ? {} : { mime }),
      });
    }
    this.save();
  }

  forget(ids: Iterable<string>): void {
    let changed = false;
    for (const id of ids) changed = this.meta.delete(id) || changed;
    if (changed) this.save();
  }

  /** Keeps only what the room still lists as ours (the full list just arrived). */
  prune(listedOwn: readonly FileInfoType[]): void {
    const listed = new Set(listedOwn.map((f) => f.id));
    this.forget([...this.meta.keys()].filter((id) => !listed.has(id)));
    this.remember(listedOwn.filter((f) => !this.meta.has(f.id)));
  }

  clear(): void {
    this.meta.clear();
    this.save();
  }

  get remembered(): readonly OwnFileMeta[] {
    return [...this.meta.values()];
  }

  /** Our listed files that have no File in this tab: they need picking again. */
  missing(listedOwn: readonly FileInfoType[]): FileInfoType[] {
    return listedOwn.filter((file) => !this.local.has(file.id));
  }

  /** One chunk of one of our files, read from the File (never the whole file). */
  async readChunk(file: FileInfoType | undefined, index: number): Promise<Uint8Array | UnavailableReason> {
    if (!file) return 'gone';
    const blob = this.local.get(file.id);
    if (!blob) return 'needs-repick';
    const start = index * file.chunkSize;
    const length = chunkLength(file.size, file.chunkSize, index);
    try {
      const bytes = new Uint8Array(await blob.slice(start, start + length).arrayBuffer());
      if (bytes.length !== length) throw new Error('the file changed size');
      return bytes;
    } catch (error) {
      // The file changed or moved on disk since it was picked: it must be picked again.
      this.logger.warn(`could not read ${file.name}`, error);
      this.local.forget([file.id]);
      this.onLost();
      return 'needs-repick';
    }
  }

  private save(): void {
    const snapshot = [...this.meta.values()];
    this.writes = this.writes
      .then(() => this.storage.set(this.key, snapshot))
      .catch((error: unknown) => this.logger.warn('could not remember the shared files', error));
  }
}
