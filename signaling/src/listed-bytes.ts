import { listedFileBytes, type FileInfo } from '@ferry/common';

/**
 * The room's listed-file metadata in bytes as it is serialized (common/protocol/file-budget.ts),
 * per owner and in all. Kept as files come and go, so checking a budget costs nothing per file
 * already listed.
 */
export class ListedBytes {
  private readonly byFile = new Map<string, { owner: string; bytes: number }>();
  private readonly byOwner = new Map<string, number>();
  private totalBytes = 0;

  get total(): number {
    return this.totalBytes;
  }

  of(owner: string): number {
    return this.byOwner.get(owner) ?? 0;
  }

  /** Bytes file `id` counts now (0 if it is not listed). */
  fileBytes(id: string): number {
    return this.byFile.get(id)?.bytes ?? 0;
  }

  /** Lists `file`, replacing what its id counted before. */
  put(file: FileInfo): void {
    this.remove(file.id);
    const bytes = listedFileBytes(file);
    this.byFile.set(file.id, { owner: file.owner, bytes });
    this.byOwner.set(file.owner, this.of(file.owner) + bytes);
    this.totalBytes += bytes;
  }

  remove(id: string): void {
    const entry = this.byFile.get(id);
    if (!entry) return;
    this.byFile.delete(id);
    const left = this.of(entry.owner) - entry.bytes;
    if (left > 0) this.byOwner.set(entry.owner, left);
    else this.byOwner.delete(entry.owner);
    this.totalBytes -= entry.bytes;
  }
}
