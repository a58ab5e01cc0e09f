/** Subscribers to one event, for the PeerChannel implementations' `onX(listener) => unsubscribe`. */
export class ListenerSet<Args extends unknown[]> {
  private readonly listeners = new Set<(...args: Args) => void>();

  add(listener: (...args: Args) => void): () => void {
    // A wrapper makes the same function subscribed twice two subscriptions, like addEventListener
    // would not: each unsubscribe removes exactly what its own add put in.
    const entry = (...args: Args): void => listener(...args);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Iterates a snapshot: a listener added during emit waits for the next one, one removed is skipped. */
  emit(...args: Args): void {
    for (const listener of [...this.listeners]) {
      if (this.listeners.has(listener)) listener(...args);
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
