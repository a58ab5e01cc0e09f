/** A value that changes over time, with listeners: the bridge from sessions to Preact. */
export class ViewStore<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private value: T) {}

  get(): T {
    return this.value;
  }

  update(change: Partial<T>): void {
    this.set({ ...this.value, ...change });
  }

  /** Replaces the value whole (for values that are not plain objects, such as a Set). */
  set(value: T): void {
    this.value = value;
    for (const listener of this.listeners) listener(this.value);
  }

  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
