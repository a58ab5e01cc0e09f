import { batchOffers, fileOfferProblem, FileOffer, inFolderBatches, limits, MIME_TYPE } from '@ferry/common';
import type { RejectedFile } from './outbox-machine';

/** A file the person picked or dropped, with its place inside a shared folder if any. */
export interface PickedFile {
  file: Blob & { readonly name: string; readonly lastModified: number };
  /** Folder-relative path including the file name ("photos/2024/a.jpg"); absent for a loose file. */
  path?: string;
}

export interface PreparedOffers {
  /** Batches of at most MAX_FILES_PER_MESSAGE offers whose answer fits a frame, one ADD_FILES each. */
  batches: FileOffer[][];
  /** The empty folders (FileOffer.folder), in their folders' batches: nothing to hash, offered as they are. */
  folders: FileOffer[];
  /** Files no message could carry (a name past the protocol's bounds, say), with the reason. */
  refused: RejectedFile[];
  /** The File objects by the id they are offered under, for the transfers. */
  blobs: Map<string, PickedFile['file']>;
}

function describeSchemaProblem(offer: FileOffer): string {
  if (offer.name.length === 0) return 'the file has no name';
  if (offer.size > limits.MAX_FILE_BYTES) return 'the file is too large';
  // The wire's text rules, in the words the host would use.
  return fileOfferProblem(offer) ?? 'the file cannot be shared';
}

/**
 * Turns picked files into offers with fresh ids. No hashing here: integrity comes with the
 * transfers. `newId` is a UUID v4 source (crypto.randomUUID is missing on plain-HTTP pages).
 * With `to`, every offer is direct: sent to that one person (FileOffer.to) instead of the room.
 * `emptyFolders` (folder-relative paths, from a drop) become folder entries of their folders.
 */
export function prepareOffers(
  picked: readonly PickedFile[],
  newId: () => string,
  to?: string,
  emptyFolders: readonly string[] = [],
): PreparedOffers {
  const valid: FileOffer[] = [];
  const refused: RejectedFile[] = [];
  const blobs = new Map<string, PickedFile['file']>();
  for (const path of emptyFolders) {
    const offer: FileOffer = {
      id: newId(),
      name: path.slice(path.lastIndexOf('/') + 1),
      size: 0,
      chunkSize: limits.DEFAULT_CHUNK_BYTES,
      path,
      folder: true,
      ...(to === undefined ? {} : { to }),
    };
    if (
      FileOffer.safeParse(offer).success &&
      fileOfferProblem({ ...offer, batch: { id: offer.id, count: 1 } }) === null
    )
      valid.push(offer);
    else refused.push({ offer, reason: describeSchemaProblem(offer) });
  }
  for (const { file, path } of picked) {
    const offer: FileOffer = {
      id: newId(),
      name: file.name,
      size: file.size,
      chunkSize: limits.DEFAULT_CHUNK_BYTES,
      // A type the wire would not carry (parameters, odd characters) is left out, not the file.
      ...(MIME_TYPE.test(file.type) ? { mime: file.type } : {}),
      ...(Number.isSafeInteger(file.lastModified) && file.lastModified >= 0 ? { lastModified: file.lastModified } : {}),
      ...(path ? { path } : {}),
      ...(to === undefined ? {} : { to }),
    };
    if (FileOffer.safeParse(offer).success) {
      valid.push(offer);
      blobs.set(offer.id, file);
    } else {
      refused.push({ offer, reason: describeSchemaProblem(offer) });
    }
  }
  const offers = inFolderBatches(valid, newId);
  return {
    batches: batchOffers(offers.filter((offer) => offer.folder === undefined)),
    folders: offers.filter((offer) => offer.folder === true),
    refused,
    blobs,
  };
}

/** A picked file's folder path: the browser's webkitRelativePath for folder pickers, else none. */
export function pickedFromInput(files: Iterable<File>): PickedFile[] {
  return Array.from(files, (file) => (file.webkitRelativePath ? { file, path: file.webkitRelativePath } : { file }));
}
