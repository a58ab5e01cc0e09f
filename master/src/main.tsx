import '../../client/src/ui/styles.css';
import './ui/master.css';
import { createStore, del, delMany, get, keys, set } from 'idb-keyval';
import { render } from 'preact';
import { v4 as uuidv4 } from 'uuid';
import {
  browserClock,
  consoleLogger,
  resilientStore,
  socketUrlFor,
  webSocketFactory,
} from '../../client/src/platform/browser';
import { browserTransferPlatform } from '../../client/src/platform/browser-transfers';
import { MasterSession } from './master-session';
import { tokenFromFragment } from './token';
import { MasterApp } from './ui/master-app';

// The host page's entry: the only place that reads `location` and builds the real socket and storage.
const socketUrl = socketUrlFor(location);
const joinLink = `${location.origin}/`;
const idbStore = createStore('ferry', 'keyval');
const storage = resilientStore(
  { get: (key) => get(key, idbStore), set: (key, value) => set(key, value, idbStore), del: (key) => del(key, idbStore) },
  (message) => consoleLogger.warn(message),
);
// The same databases as the guest page: records carry their app's role, so each resumes its own.
const chunkStore = createStore('ferry-chunks', 'chunks');
const recordStore = createStore('ferry-downloads', 'downloads');
const transfers = browserTransferPlatform({
  window,
  fetch: (input, init) => fetch(input, init),
  chunkKv: { get: (k) => get(k, chunkStore), set: (k, v) => set(k, v, chunkStore), delMany: (ks) => delMany(ks, chunkStore), keys: () => keys(chunkStore) },
  recordKv: { get: (k) => get(k, recordStore), set: (k, v) => set(k, v, recordStore), delMany: (ks) => delMany(ks, recordStore), keys: () => keys(recordStore) },
  isRelayOnlyIce: new URLSearchParams(location.search).get('ice') === 'relay',
});

const session = new MasterSession({
  token: tokenFromFragment(location.hash),
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

window.addEventListener('online', () => session.retryNow());

// navigator.clipboard exists only on secure pages (https or localhost), not on a plain-HTTP LAN address.
const copy = async (text: string): Promise<boolean> => {
  if (!('clipboard' in navigator)) return false;
  await navigator.clipboard.writeText(text);
  return true;
};

const root = document.getElementById('app');
if (root) render(<MasterApp session={session} joinLink={joinLink} {...(window.isSecureContext ? { copy } : {})} />, root);
session.init().catch((error: unknown) => consoleLogger.warn('could not start', error));
