import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chunkCount, chunkLength, isTextPost, type FileInfo } from '@ferry/common';
import { TransferError, type Download } from '@ferry/common/transfer';
import { DiskDownload } from '../disk/disk-download';
import { DiskError } from '../disk/disk-errors';
import { makeFolderEntry, outputPathFor } from '../disk/safe-path';
import type { FerryPeer } from '../ferry-peer';
import type { GetOptions } from './args';
import type { Reporter } from './events';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import type { IdentityStore } from './identity';
import { joinRoom } from './join-room';
import { placeOf, select } from './select';

/** Files fetched at once: enough that small files do not wait on each other's round trips. */
const PARALLEL_FILES = 3;

export interface GetDeps {
  identities: IdentityStore;
  reporter: Reporter;
  /** Resolves when the person asks to stop (Ctrl-C): downloads keep what they have. */
  interrupted: Promise<void>;
}

/** `ferry get`: list, or fetch what was asked for into -o DIR. Resolves with the exit code. */
export async function runGet(options: GetOptions, deps: GetDeps): Promise<ExitCode> {
  const peer = await joinRoom(options, deps);
  try {
    const clients = [...peer.clients.values()];
    const ownerName = (id: string) => clients.find((c) => c.publicId === id)?.name ?? 'someone who left';
    if (options.list) {
      const files = peer.files
        .filter((f) => f.owner !== peer.publicId)
        .map((f) => ({
          fileId: f.id,
          name: f.name,
          ...(f.path === undefined ? {} : { path: f.path }),
          size: f.size,
          owner: f.owner,
          ownerName: ownerName(f.owner),
          kind: f.folder ? ('folder' as const) : isTextPost(f) ? ('text' as const) : ('file' as const),
        }));
      deps.reporter.report({ event: 'listed', files });
      return EXIT.done;
    }
    const selection = select(peer.files, clients, peer.publicId, options);
    for (const text of selection.texts) {
      deps.reporter.report({ event: 'notice', message: `Text from ${ownerName(text.owner)}: ${text.text ?? ''}` });
    }
    const outDir = resolve(options.output);
    await mkdir(outDir, { recursive: true });
    let failed = 0;
    for (const folder of selection.folders) {
      const place = placeOf(folder, selection.folders, ownerName);
      await makeFolderEntry(outDir, place).catch((error: unknown) => {
        failed++;
        deps.reporter.report({ event: 'download-failed', fileId: folder.id, name: place, error: messageOf(error) });
      });
    }
    const places = uniquePlaces(
      outDir,
      selection.files.map((file) => placeOf(file, selection.files, ownerName)),
    );
    const queue = selection.files.map((file, index) => ({ file, place: places[index] ?? file.name }));
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (!(await fetchOne(peer, next.file, outDir, next.place, options.overwrite, deps))) failed++;
      }
    };
    await Promise.race([Promise.all(Array.from({ length: PARALLEL_FILES }, worker)), deps.interrupted]);
    if (queue.length > 0 || failed > 0) {
      return EXIT.transferFailed;
    }
    return EXIT.done;
  } finally {
    await peer.close();
  }
}

/** One file into DIR/place: resumed from what is there, checked, then renamed into place. */
async function fetchOne(
  peer: FerryPeer,
  file: FileInfo,
  outDir: string,
  place: string,
  overwrite: boolean,
  deps: GetDeps,
): Promise<boolean> {
  const report = deps.reporter.report.bind(deps.reporter);
  let store: DiskDownload;
  let download: Download | null = null;
  try {
    store = await DiskDownload.open({
      dir: outDir,
      relPath: place,
      file,
      overwrite,
      // A chunk that could not be written (a full disk): the download stops, what is stored stays.
      onFailure: (error) => {
        report({ event: 'notice', message: `${place}: ${messageOf(error)}` });
        download?.cancel();
      },
    });
  } catch (error) {
    report({ event: 'download-failed', fileId: file.id, name: place, error: messageOf(error) });
    return false;
  }
  const target = store.targetPath;
  report({
    event: 'download-started',
    fileId: file.id,
    name: place,
    to: target,
    size: file.size,
    resumedBytes: storedBytes(file, store.storedBits),
    damagedChunks: store.droppedChunks,
  });
  download = peer.startDownload(file, store, () => store.finish(), store.storedBits);
  const ok = await settled(download, (snapshot) =>
    report({
      event: 'progress',
      fileId: file.id,
      name: place,
      bytesDone: snapshot.bytesDone,
      size: file.size,
      bytesPerSecond: snapshot.bytesPerSecond,
      route: snapshot.route ?? 'connecting',
    }),
  );
  await store.close();
  if (ok)
    report({
      event: 'download-done',
      fileId: file.id,
      name: place,
      to: target,
      size: file.size,
      sha256: file.sha256 ?? '',
    });
  else report({ event: 'download-failed', fileId: file.id, name: place, error: messageOf(download.snapshot().error) });
  return ok;
}

/**
 * Places that would land on one file once made safe (case ignored, as on Windows and macOS) get
 * " (2)", " (3)"… before their extension: two downloads never share a partial file.
 */
export function uniquePlaces(outDir: string, places: readonly string[]): string[] {
  const taken = new Set<string>();
  return places.map((place) => {
    let unique = place;
    for (let n = 2; taken.has(outputPathFor(outDir, unique).toLowerCase()); n++) unique = withSuffix(place, n);
    taken.add(outputPathFor(outDir, unique).toLowerCase());
    return unique;
  });
}

function withSuffix(path: string, n: number): string {
  const cut = path.lastIndexOf('/');
  const name = path.slice(cut + 1);
  const dot = name.lastIndexOf('.');
  const named = dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
  return `${path.slice(0, cut + 1)}${named}`;
}

function settled(
  download: Download,
  onProgress: (snapshot: ReturnType<Download['snapshot']>) => void,
): Promise<boolean> {
  return new Promise((resolve) => {
    const check = () => {
      const snapshot = download.snapshot();
      if (snapshot.status === 'complete') resolve(true);
      else if (snapshot.status === 'failed' || snapshot.status === 'cancelled') resolve(false);
      else onProgress(snapshot);
    };
    download.onChange(check);
    check();
  });
}

function storedBytes(file: FileInfo, bits: Uint8Array | undefined): number {
  if (!bits) return 0;
  let bytes = 0;
  for (let index = 0; index < chunkCount(file.size, file.chunkSize); index++) {
    if ((bits[index >> 3] ?? 0) & (1 << (index & 7))) bytes += chunkLength(file.size, file.chunkSize, index);
  }
  return bytes;
}

/** What went wrong, in a sentence: the disk layer's and the engine's codes, or the message. */
function messageOf(error: unknown): string {
  const cause = error instanceof TransferError && error.cause instanceof DiskError ? error.cause : error;
  if (cause instanceof DiskError) return DISK_ERRORS[cause.code](cause.path);
  if (cause instanceof TransferError) return TRANSFER_ERRORS[cause.code] ?? cause.message;
  if (cause instanceof CliError || cause instanceof Error) return cause.message;
  return 'stopped';
}

const DISK_ERRORS: Record<DiskError['code'], (path: string) => string> = {
  TARGET_EXISTS: (path) => `${path} already exists (--overwrite replaces it)`,
  OUTSIDE_FOLDER: (path) => `${path} would lead outside the output folder; not written`,
  NOT_A_FOLDER: (path) => `${path} is a file where a folder should be`,
};

const TRANSFER_ERRORS: Partial<Record<TransferError['code'], string>> = {
  FILE_NOT_SHARED: 'its owner stopped sharing it',
  FILE_CHANGED: 'its owner shares another file under that entry now',
  OWNER_LOST_FILE: 'its owner can no longer read it',
  CHUNK_INTEGRITY: 'one of its chunks kept failing its SHA-256 check',
  NO_FILE_HASH: 'its owner gave no SHA-256, so it cannot be checked',
  HASH_MISMATCH: 'the whole file did not match its SHA-256; it was not saved (run again to fetch it anew)',
  STORAGE_FULL: 'the disk is full',
  STORAGE_FAILED: 'it could not be written to disk',
};
