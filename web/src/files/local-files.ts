/**
 * The bytes behind this tab's own offers, by file id. Kept in memory only: a reload loses them,
 * and the transfers (a later issue) read from here.
 */
export class LocalFiles {
  private readonly blobs = new Map<string, Blob>();

  add(entries: Iterable<[string, Blob]>): void {
    for (const [id, blob] of entries) this.blobs.set(id, blob);
  }

  get(id: string): Blob | undefined {
    return this.blobs.get(id);
  }

  has(id: string): boolean {
    return this.blobs.has(id);
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) this.blobs.delete(id);
  }

  forgetAll(): void {
    this.blobs.clear();
  }

  get size(): number {
    return this.blobs.size;
  }
}
