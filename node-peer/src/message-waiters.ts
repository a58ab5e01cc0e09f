import type { FromDaemon, FromDaemonOf } from '@ferry/common';

type Waiter = { type: FromDaemon['type']; predicate: (m: FromDaemon) => boolean; resolve: (m: FromDaemon) => void };

/** Promises of the next daemon message of a type, however messages interleave. */
export class MessageWaiters {
  private readonly waiters = new Set<Waiter>();

  /** The next message of `type` (matching `predicate`); rejects after `timeoutMs`. */
  next<T extends FromDaemon['type']>(
    type: T,
    predicate: (m: FromDaemonOf<T>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<FromDaemonOf<T>> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        type,
        predicate: (m) => predicate(m as FromDaemonOf<T>),
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as FromDaemonOf<T>);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${type}`));
      }, timeoutMs);
      // A wait nobody needs any more (the other side of a race) never keeps the process alive.
      timer.unref();
      this.waiters.add(waiter);
    });
  }

  /** Hands `message` to every waiter it matches. */
  deliver(message: FromDaemon): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.type === message.type && waiter.predicate(message)) {
        this.waiters.delete(waiter);
        waiter.resolve(message);
      }
    }
  }
}
