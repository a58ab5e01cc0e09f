import { fileOfferProblem, FileOffer, inFolderBatches, limits } from '@ferry/common';
import { FileChangedError, hashFile } from './file-hashes';
import type { LocalTree, Refusal } from './local-tree';

/** What the owner needs to serve one offered file from disk (disk-source.ts). */
export interface SharedSource {
  fileId: string;
  absPath: string;
  size: number;
  /** As stat gave it when the file was listed: a read of a file whose size or mtime moved is refused. */
  mtimeMs: number;
  chunkSize: number;
  sha256: string;
  /** Each chunk's SHA-256, 32 bytes each, chunk i at i * 32 (chunkHashAt in file-hashes.ts). */
  chunkHashes: Uint8Array;
}

export interface OffersOptions {
  /** A UUID source for file and batch ids. */
  newId: () => string;
  chunkSize?: number;
  /** After each chunk hashed: bytes hashed so far of all the files. */
  onProgress?(bytesDone: number, totalBytes: number): void;
  signal?: AbortSignal;
}

export interface LocalOffers {
  /** Files and empty folders, each folder argument one batch (PROTOCOL.md §7), in the tree's order. */
  offers: FileOffer[];
  /** The files' sources by file id (empty folders have none). */
  sources: Map<string, SharedSource>;
  /** Files that could not be offered: out of the protocol's bounds, unreadable, changed while hashed. */
  refused: Refusal[];
}

function shownPath(file: { name: string; relPath?: string }): string {
  return file.relPath ?? file.name;
}

/**
 * Offers for a collected tree, as the browsers make them: fresh ids, each file hashed once
 * (whole-file and per-chunk SHA-256 in one streaming pass), empty folders as `folder: true`
 * entries, and the folder batches counted over what can be offered, so a refused file does not
 * leave its folder waiting for ever. Files are hashed one after another: memory stays two chunks.
 */
export async function offersFor(tree: LocalTree, options: OffersOptions): Promise<LocalOffers> {
  const chunkSize = options.chunkSize ?? limits.DEFAULT_CHUNK_BYTES;
  const offers: FileOffer[] = [];
  const sources = new Map<string, SharedSource>();
  const refused: Refusal[] = [];
  const totalBytes = tree.files.reduce((sum, file) => sum + file.size, 0);
  let bytesDone = 0;
  for (const file of tree.files) {
    const mtime = Math.floor(file.mtimeMs);
    const offer: FileOffer = {
      id: options.newId(),
      name: file.name,
      size: file.size,
      chunkSize,
      ...(Number.isSafeInteger(mtime) && mtime >= 0 ? { lastModified: mtime } : {}),
      ...(file.relPath === undefined ? {} : { path: file.relPath }),
    };
    const problem = FileOffer.safeParse(offer).success ? fileOfferProblem(offer) : "outside the protocol's bounds";
    if (problem !== null) {
      refused.push({ path: shownPath(file), reason: file.size > limits.MAX_FILE_BYTES ? 'too large' : problem });
      bytesDone += file.size;
      continue;
    }
    const doneBefore = bytesDone;
    try {
      const hashes = await hashFile(file.absPath, {
        size: file.size,
        mtimeMs: file.mtimeMs,
        chunkSize,
        signal: options.signal,
        onBytes: (bytes) => {
          bytesDone += bytes;
          options.onProgress?.(bytesDone, totalBytes);
        },
      });
      offers.push({ ...offer, sha256: hashes.sha256 });
      sources.set(offer.id, {
        fileId: offer.id,
        absPath: file.absPath,
        size: file.size,
        mtimeMs: file.mtimeMs,
        chunkSize,
        ...hashes,
      });
    } catch (error) {
      options.signal?.throwIfAborted();
      const reason =
        error instanceof FileChangedError
          ? error.message
          : `cannot be read (${String((error as NodeJS.ErrnoException).code ?? error)})`;
      refused.push({ path: shownPath(file), reason });
      bytesDone = doneBefore + file.size;
    }
  }
  for (const path of tree.emptyFolders) {
    const offer: FileOffer = {
      id: options.newId(),
      name: path.slice(path.lastIndexOf('/') + 1),
      size: 0,
      chunkSize,
      path,
      folder: true,
    };
    // Checked as it will be listed: in a batch (counted below, once we know what is offered).
    const problem = FileOffer.safeParse(offer).success
      ? fileOfferProblem({ ...offer, batch: { id: offer.id, count: 1 } })
      : "outside the protocol's bounds";
    if (problem === null) offers.push(offer);
    else refused.push({ path, reason: problem });
  }
  return { offers: inFolderBatches(offers, options.newId), sources, refused };
}
