/**
 * What the apps need from the world, as interfaces. Only each app's main.tsx builds the real ones
 * (WebSocket, IndexedDB); tests pass fakes. Time is the transfer engine's Clock (@ferry/common/transfer).
 */

export interface SocketHandlers {
  onOpen(): void;
  /** One text frame. */
  onMessage(text: string): void;
  /** The socket is closed for good (after an error too); `code` is the WebSocket close code. */
  onClose(code: number): void;
}

export interface SocketHandle {
  send(text: string): void;
  close(code?: number): void;
}

/** Opens a new socket to the daemon and reports its life through `handlers`. */
export type SocketFactory = (handlers: SocketHandlers) => SocketHandle;

/** A small async key-value store (IndexedDB in the browser). Values are structured-cloneable. */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
}

export interface Logger {
  warn(message: string, detail?: unknown): void;
}
