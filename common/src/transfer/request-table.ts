/**
 * What each request we sent was about, by its reqId: the daemon's ERROR names the request only by
 * reqId, and the sender looks it up here instead of reading meaning back out of the string.
 * Bounded: the daemon answers a request it refuses at once and in order, so an ERROR can only be
 * about one of the last few requests; older entries make way for new ones.
 */
export class RequestTable<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  add(reqId: string, value: T): void {
    this.entries.delete(reqId);
    this.entries.set(reqId, value);
    // A Map iterates in insertion order: the first key is the oldest request.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  get(reqId: string | undefined): T | undefined {
    return reqId === undefined ? undefined : this.entries.get(reqId);
  }

  has(reqId: string | undefined): boolean {
    return reqId !== undefined && this.entries.has(reqId);
  }
}
