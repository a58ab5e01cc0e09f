import '../../client/src/ui/styles.css';
import './ui/master.css';
import { createStore, del, get, set } from 'idb-keyval';
import { render } from 'preact';
import { v4 as uuidv4 } from 'uuid';
import {
  browserClock,
  consoleLogger,
  resilientStore,
  socketUrlFor,
  webSocketFactory,
} from '../../client/src/platform/browser';
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
