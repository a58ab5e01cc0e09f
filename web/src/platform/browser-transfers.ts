import type { SimplePeer } from 'simple-peer';
import { createSimplePeerLink } from '@ferry/common/transport';
import type { FileSaver, SaveTarget } from '../transfers/file-saver';
import type { RelayGetOutcome, RelayPutOutcome, TransferPlatform } from '../transfers/transfer-platform';
import { getFailure, putOutcome } from './relay-status';
import type { KvStore } from '../transfers/transfer-storage';
import { createWasmHasher, wasmSha256 } from '../transfers/sha256';

/*
 * The real transfer ports of a browser page: WebRTC through simple-peer's browser bundle, the
 * daemon's relay over fetch, IndexedDB stores bound by main.tsx, and saving through a download
 * link or the File System Access API.
 */

export interface BrowserTransferOptions {
  window: Window;
  fetch: typeof fetch;
  chunkKv: KvStore;
  recordKv: KvStore;
  /** Test switch (`?ice=relay`): only relay ICE candidates, so with no TURN server P2P fails for real. */
  isRelayOnlyIce: boolean;
}

/** How long a download link's object URL lives: the browser has its own reference once it started. */
const REVOKE_AFTER_MS = 60_000;

function relayClient(fetchFn: typeof fetch): TransferPlatform['relay'] {
  return {
    async put(privateId, transferId, index, bytes, sha256Hex): Promise<RelayPutOutcome> {
      const response = await fetchFn(`/relay/${encodeURIComponent(transferId)}/${index}`, {
        method: 'PUT',
        // Chromium uploads a typed-array body about ten times slower than the same bytes as a
        // Blob (measured: 600-1100 ms against 70-100 ms per MiB to a local daemon).
        body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
        headers: {
          Authorization: `Bearer ${privateId}`,
          'X-Chunk-Sha256': sha256Hex,
          'Content-Type': 'application/octet-stream',
        },
      });
      await response.arrayBuffer().catch(() => undefined);
      return putOutcome(response.status);
    },
    async get(privateId, transferId, index): Promise<RelayGetOutcome> {
      const response = await fetchFn(`/relay/${encodeURIComponent(transferId)}/${index}`, {
        headers: { Authorization: `Bearer ${privateId}` },
        cache: 'no-store',
      });
      if (!response.ok) {
        await response.arrayBuffer().catch(() => undefined);
        return getFailure(response.status);
      }
      const sha256 = response.headers.get('x-chunk-sha256') ?? undefined;
      return { bytes: new Uint8Array(await response.arrayBuffer()), ...(sha256 ? { sha256 } : {}) };
    },
  };
}

/** The File System Access API's save picker (Chromium, secure pages only); not in TypeScript's DOM types yet. */
type SavePicker = (options: { suggestedName: string }) => Promise<FileSystemFileHandle>;

function targetFor(handle: FileSystemFileHandle): SaveTarget {
  return {
    async writeParts(parts) {
      const writable = await handle.createWritable();
      try {
        // One stored chunk at a time: the file is never in memory whole.
        for (const part of parts) await writable.write(part);
        await writable.close();
      } catch (error) {
        await writable.abort().catch(() => undefined);
        throw error;
      }
    },
    async writeStream(stream) {
      await stream.pipeTo(await handle.createWritable());
    },
  };
}

function fileSaver(win: Window): FileSaver {
  const saveBlob = (name: string, blob: Blob) => {
    const url = URL.createObjectURL(blob);
    const link = win.document.createElement('a');
    link.href = url;
    link.download = name;
    link.rel = 'noopener';
    link.hidden = true;
    win.document.body.append(link);
    link.click();
    link.remove();
    win.setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  };
  return {
    async chooseTarget(suggestedName) {
      const picker = (win as Window & { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
      if (typeof picker !== 'function') return null;
      try {
        return targetFor(await picker.call(win, { suggestedName }));
      } catch {
        // Dismissed (or refused, as headless browsers do): saved the default way at the end.
        return null;
      }
    },
    saveParts(name, parts) {
      // A Blob of Blobs references the stored chunks (on disk) instead of copying them. Its type
      // stays generic: the MIME type is the sharer's word, and the name already says what it is.
      saveBlob(name, new Blob([...parts], { type: 'application/octet-stream' }));
      return Promise.resolve();
    },
    async saveStream(name, stream, mime) {
      // The browser keeps large Blobs on disk, so the archive need not fit in memory.
      const blob = await new Response(stream, { headers: { 'Content-Type': mime } }).blob();
      saveBlob(name, blob);
    },
  };
}

/**
 * simple-peer is the apps' largest dependency (about a third of each bundle, gzipped) and no page
 * needs it before a transfer starts: it loads as its own chunk, begun when the platform is made
 * (right after the page's first render), and a link asked for sooner waits for it in
 * `connecting` (see createSimplePeerLink).
 */
let simplePeerModule: Promise<SimplePeer> | null = null;
function loadSimplePeer(): Promise<SimplePeer> {
  simplePeerModule ??= import('simple-peer/simplepeer.min.js').then((module) => module.default);
  return simplePeerModule;
}

export function browserTransferPlatform(options: BrowserTransferOptions): TransferPlatform {
  const SimplePeer = loadSimplePeer();
  // A failed load is reported by each link that waits for it; this copy only must not go unheard.
  SimplePeer.catch(() => undefined);
  return {
    createHasher: createWasmHasher,
    sha256: wasmSha256,
    createLink: ({ initiator, sendSignal, iceServers }) =>
      createSimplePeerLink({
        SimplePeer,
        initiator,
        config: {
          iceServers: iceServers.map((server) => ({ ...server })),
          ...(options.isRelayOnlyIce ? { iceTransportPolicy: 'relay' as const } : {}),
        },
        sendSignal,
        channelName: 'ferry',
        failWithoutCandidates: true,
      }),
    relay: relayClient(options.fetch),
    chunkKv: options.chunkKv,
    recordKv: options.recordKv,
    saver: fileSaver(options.window),
  };
}
