import { createStore, del, delMany, get, keys, set } from 'idb-keyval';
import { randomId, systemClock } from '@ferry/common/transfer';
import { consoleLogger, resilientStore, socketUrlFor, webSocketFactory } from './browser';
import { browserTransferPlatform } from './browser-transfers';

/**
 * What both pages build from the real browser: the signaling socket, IndexedDB storage and the
 * transfer platform. Each page's main.tsx passes its `location` in and adds its own session.
 */
export function browserWiring(location: Location) {
  const socketUrl = socketUrlFor(location);
  const idbStore = createStore('ferry', 'keyval');
  const storage = resilientStore(
    {
      get: (key) => get(key, idbStore),
      set: (key, value) => set(key, value, idbStore),
      del: (key) => del(key, idbStore),
    },
    (message) => consoleLogger.warn(message),
  );
  // Both pages share these databases: records carry their app's role, so each resumes its own.
  const chunkStore = createStore('ferry-chunks', 'chunks');
  const recordStore = createStore('ferry-downloads', 'downloads');
  const transfers = browserTransferPlatform({
    window,
    fetch: (input, init) => fetch(input, init),
    chunkKv: {
      get: (k) => get(k, chunkStore),
      set: (k, v) => set(k, v, chunkStore),
      delMany: (ks) => delMany(ks, chunkStore),
      keys: () => keys(chunkStore),
    },
    recordKv: {
      get: (k) => get(k, recordStore),
      set: (k, v) => set(k, v, recordStore),
      delMany: (ks) => delMany(ks, recordStore),
      keys: () => keys(recordStore),
    },
    // Test switch: '?ice=relay' leaves WebRTC no candidate, so P2P fails for real.
    isRelayOnlyIce: new URLSearchParams(location.search).get('ice') === 'relay',
  });
  return {
    connect: webSocketFactory(
      () => new WebSocket(socketUrl),
      (message) => consoleLogger.warn(message),
    ),
    clock: systemClock,
    random: Math.random,
    newId: randomId,
    storage,
    logger: consoleLogger,
    transfers,
  };
}
