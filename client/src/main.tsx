import './ui/styles.css';
import { createStore, del, delMany, get, keys, set } from 'idb-keyval';
import { render } from 'preact';
import { v4 as uuidv4 } from 'uuid';
import { browserClock, consoleLogger, resilientStore, socketUrlFor, webSocketFactory } from './platform/browser';
import { browserTransferPlatform } from './platform/browser-transfers';
import { ClientSession } from './session/client-session';
import { ClientApp } from './ui/client-app';

// The guest page's entry: the only place that reads `location` and builds the real socket and storage.
const socketUrl = socketUrlFor(location);
const idbStore = createStore('ferry', 'keyval');
const storage = resilientStore(
  { get: (key) => get(key, idbStore), set: (key, value) => set(key, value, idbStore), del: (key) => del(key, idbStore) },
  (message) => consoleLogger.warn(message),
);
const chunkStore = createStore('ferry-chunks', 'chunks');
const recordStore = createStore('ferry-downloads', 'downloads');
const transfers = browserTransferPlatform({
  window,
  fetch: (input, init) => fetch(input, init),
  chunkKv: { get: (k) => get(k, chunkStore), set: (k, v) => set(k, v, chunkStore), delMany: (ks) => delMany(ks, chunkStore), keys: () => keys(chunkStore) },
  recordKv: { get: (k) => get(k, recordStore), set: (k, v) => set(k, v, recordStore), delMany: (ks) => delMany(ks, recordStore), keys: () => keys(recordStore) },
  isRelayOnlyIce: new URLSearchParams(location.search).get('ice') === 'relay',
});

const session = new ClientSession({
  connect: webSocketFactory(
    () => new WebSocket(socketUrl),
    (message) => consoleLogger.warn(message),
  ),
  clock: browserClock,
  random: Math.random,
  newId: uuidv4,
  storage,
  logger: consoleLogger,
  transfers,
});

// Coming back online is a good moment to skip the rest of the backoff; being offline never stops a try.
window.addEventListener('online', () => session.retryNow());

const root = document.getElementById('app');
if (root) render(<ClientApp session={session} />, root);
session.init().catch((error: unknown) => consoleLogger.warn('could not start', error));
