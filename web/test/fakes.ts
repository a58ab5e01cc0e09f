import type { FromDaemon, ToDaemon } from '@ferry/common';
import type { Cancel, Clock } from '@ferry/common/transfer';
import type { KeyValueStore, Logger, SocketFactory, SocketHandlers } from '../src/platform/types';
import type { PeerDeps } from '../src/session/peer-session';
import { fakeTransferPlatform } from './transfer-fakes';

export { nodeHasher, nodeSha256, sha256Hex } from './transfer-fakes';

/** A clock that moves only when the test says so. */
export class FakeClock implements Clock {
  private nowMs = 0;
  private nextId = 0;
  private readonly timers = new Map<number, { atMs: number; fn: () => void }>();

  after(delayMs: number, fn: () => void): Cancel {
    const id = this.nextId++;
    this.timers.set(id, { atMs: this.nowMs + delayMs, fn });
    return () => this.timers.delete(id);
  }

  /** Advances time, firing due timers in order (timers they schedule fire too if due). */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      let next: [number, { atMs: number; fn: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].atMs <= target && (!next || entry[1].atMs < next[1].atMs)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.nowMs = next[1].atMs;
      next[1].fn();
    }
    this.nowMs = target;
  }

  get pending(): number {
    return this.timers.size;
  }

  now(): number {
    return this.nowMs;
  }
}

/** One socket the code under test opened; the test plays the daemon. */
export class FakeSocket {
  readonly sent: ToDaemon[] = [];
  isClosed = false;
  closedWith: number | undefined;

  constructor(private readonly handlers: SocketHandlers) {}

  open(): void {
    this.handlers.onOpen();
  }

  receive(message: FromDaemon | string): void {
    this.handlers.onMessage(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The daemon (or the network) closes the socket. */
  drop(code = 1006): void {
    this.isClosed = true;
    this.handlers.onClose(code);
  }

  sentOfType<T extends ToDaemon['type']>(type: T): Extract<ToDaemon, { type: T }>[] {
    return this.sent.filter((m): m is Extract<ToDaemon, { type: T }> => m.type === type);
  }
}

export class FakeNetwork {
  readonly sockets: FakeSocket[] = [];

  readonly connect: SocketFactory = (handlers) => {
    const socket = new FakeSocket(handlers);
    this.sockets.push(socket);
    return {
      send: (text) => socket.sent.push(JSON.parse(text) as ToDaemon),
      close: (code) => {
        socket.isClosed = true;
        socket.closedWith = code;
      },
    };
  };

  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }
}

export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  get(key: string): Promise<unknown> {
    return Promise.resolve(this.data.get(key));
  }
  set(key: string, value: unknown): Promise<void> {
    this.data.set(key, value);
    return Promise.resolve();
  }
  del(key: string): Promise<void> {
    this.data.delete(key);
    return Promise.resolve();
  }
}

export class RecordingLogger implements Logger {
  readonly warnings: string[] = [];
  warn(message: string): void {
    this.warnings.push(message);
  }
}

/** Ids "id-1", "id-2", ... in order. */
export function sequentialIds(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

export function fakeDeps(overrides: Partial<PeerDeps> = {}) {
  const clock = new FakeClock();
  const network = new FakeNetwork();
  const storage = new MemoryStore();
  const logger = new RecordingLogger();
  const platform = fakeTransferPlatform();
  const deps: PeerDeps = {
    connect: network.connect,
    clock,
    random: () => 0.5,
    newId: sequentialIds(),
    storage,
    logger,
    transfers: platform,
    ...overrides,
  };
  return { deps, clock, network, storage, logger, platform };
}

/** Runs pending promise callbacks and timers-at-zero until `condition` holds (or gives up). */
export async function until(condition: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !condition(); i++) await flush();
  if (!condition()) throw new Error('condition never held');
}

/** A File-like blob for offers, without touching the DOM's File constructor. */
export function fakeFile(name: string, size: number, type = ''): Blob & { name: string; lastModified: number } {
  const blob = new Blob([new Uint8Array(size)], { type });
  return Object.assign(blob, { name, lastModified: 1_700_000_000_000 });
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
