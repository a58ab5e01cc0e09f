import type { KeyValueStore, Logger, SocketFactory } from './types';

/*
 * Adapters from browser objects to the app's interfaces. They never create those objects: each
 * app's main.tsx constructs the WebSocket and picks the storage and passes them in here.
 */

/** The subset of WebSocket this adapter uses (a real one fits). */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number): void;
  onopen: ((this: WebSocket, ev: Event) => unknown) | null;
  onmessage: ((this: WebSocket, ev: MessageEvent) => unknown) | null;
  onclose: ((this: WebSocket, ev: CloseEvent) => unknown) | null;
  onerror: ((this: WebSocket, ev: Event) => unknown) | null;
  readonly readyState: number;
}

const OPEN = 1;

export function webSocketFactory(create: () => WebSocketLike, warn: (message: string) => void): SocketFactory {
  return (handlers) => {
    const ws = create();
    let isClosed = false;
    ws.onopen = () => handlers.onOpen();
    ws.onmessage = (event) => {
      if (typeof event.data === 'string') handlers.onMessage(event.data);
      else warn('ignored a binary frame from the daemon');
    };
    // A failed connection fires error then close; close alone carries what we need.
    ws.onerror = () => undefined;
    ws.onclose = (event) => {
      if (isClosed) return;
      isClosed = true;
      handlers.onClose(event.code);
    };
    return {
      send(text) {
        if (ws.readyState === OPEN) ws.send(text);
      },
      close(code) {
        isClosed = true;
        ws.onopen = null;
        ws.onmessage = null;
        ws.onclose = null;
        ws.onerror = null;
        ws.close(code);
      },
    };
  };
}

/** The functions of idb-keyval this adapter uses, bound to one store by the caller. */
export interface IdbFunctions {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
}

/**
 * A store that falls back to memory when IndexedDB fails (private windows of some browsers):
 * the app still works, it just forgets the identity on reload.
 */
export function resilientStore(idb: IdbFunctions, warn: (message: string) => void): KeyValueStore {
  const memory = new Map<string, unknown>();
  const fallback = (error: unknown, what: string) => {
    warn(`IndexedDB ${what} failed, keeping it in memory: ${String(error)}`);
  };
  return {
    async get(key) {
      try {
        return (await idb.get(key)) ?? memory.get(key);
      } catch (error) {
        fallback(error, 'read');
        return memory.get(key);
      }
    },
    async set(key, value) {
      memory.set(key, value);
      try {
        await idb.set(key, value);
      } catch (error) {
        fallback(error, 'write');
      }
    },
    async del(key) {
      memory.delete(key);
      try {
        await idb.del(key);
      } catch (error) {
        fallback(error, 'delete');
      }
    },
  };
}

export const consoleLogger: Logger = {
  warn(message, detail) {
    if (detail === undefined) console.warn(`[ferry] ${message}`);
    else console.warn(`[ferry] ${message}`, detail);
  },
};

/** The daemon's WebSocket address for a page served by it. */
export function socketUrlFor(pageUrl: { protocol: string; host: string }): string {
  return `${pageUrl.protocol === 'https:' ? 'wss:' : 'ws:'}//${pageUrl.host}/ws`;
}
