import type { FileInfo, FileOffer } from '@ferry/common';

/*
 * A folder is shared as one batch (FileOffer.batch: an id and how many files it holds), but it
 * reaches the room in several ADD_FILES, as its files are hashed. These are the rules, on both
 * sides, that keep anyone from taking a batch that is not all there for the whole folder.
 */

/** How much of one batch the room lists. */
export interface BatchProgress {
  listed: number;
  /** The smallest count its listed files carry: the owner only ever lowers it (a recount). */
  total: number;
}

/** Batches of different owners never mix: the key holds both. */
export const batchKey = (owner: string, batchId: string): string => `${owner}\n${batchId}`;

/** Every batch the room lists files of, by batchKey. */
export function batchProgress(files: readonly FileInfo[]): Map<string, BatchProgress> {
  const progress = new Map<string, BatchProgress>();
  for (const file of files) {
    if (!file.batch) continue;
    const key = batchKey(file.owner, file.batch.id);
    const seen = progress.get(key);
    if (seen) {
      seen.listed += 1;
      seen.total = Math.min(seen.total, file.batch.count);
    } else {
      progress.set(key, { listed: 1, total: file.batch.count });
    }
  }
  return progress;
}

/**
 * What is still missing from a set of listed files (a folder's): the batches they belong to that
 * are not all listed yet, summed ("153 of 400"), or null when every one of them is whole.
 */
export function missingBatches(
  files: readonly FileInfo[],
  progress: ReadonlyMap<string, BatchProgress>,
): BatchProgress | null {
  const open = new Set<string>();
  for (const file of files) {
    if (!file.batch) continue;
    const key = batchKey(file.owner, file.batch.id);
    const batch = progress.get(key);
    if (batch && batch.listed < batch.total) open.add(key);
  }
  if (open.size === 0) return null;
  let listed = 0;
  let total = 0;
  for (const key of open) {
    const batch = progress.get(key);
    listed += batch?.listed ?? 0;
    total += batch?.total ?? 0;
  }
  return { listed, total };
}

/**
 * The owner's side: batches of ours that will never be whole as counted (some files were rejected,
 * unreadable, dismissed or removed) while none of them is on the way any more. For each, one listed
 * file offered again with the count lowered to what is listed, so the others can take the folder
 * as it now is. `busyBatchIds`: batches with files still being hashed, sent or removed (their count
 * is not settled); `asked`: `batchId:count` recounts already sent, never sent twice (a host that
 * refuses them must not be asked forever).
 */
export function recountOffers(
  files: readonly FileInfo[],
  selfId: string,
  busyBatchIds: ReadonlySet<string>,
  asked: ReadonlySet<string>,
): FileOffer[] {
  const own = new Map<string, { listed: number; total: number; first: FileInfo }>();
  for (const file of files) {
    if (file.owner !== selfId || !file.batch || busyBatchIds.has(file.batch.id)) continue;
    const seen = own.get(file.batch.id);
    if (!seen) own.set(file.batch.id, { listed: 1, total: file.batch.count, first: file });
    else {
      seen.listed += 1;
      seen.total = Math.min(seen.total, file.batch.count);
      if (file.id < seen.first.id) seen.first = file;
    }
  }
  const offers: FileOffer[] = [];
  for (const [batchId, { listed, total, first }] of own) {
    if (listed >= total || asked.has(`${batchId}:${listed}`)) continue;
    const { owner: _owner, ...offer } = first;
    offers.push({ ...offer, batch: { id: batchId, count: listed } });
  }
  return offers;
}

/** Batches whose count is not settled: files of them still on their way, or being removed. */
export function busyBatchIds(
  onTheWay: Iterable<FileOffer>,
  files: readonly FileInfo[],
  removing: ReadonlySet<string>,
): Set<string> {
  const busy = new Set<string>();
  for (const offer of onTheWay) if (offer.batch) busy.add(offer.batch.id);
  if (removing.size > 0) for (const file of files) if (file.batch && removing.has(file.id)) busy.add(file.batch.id);
  return busy;
}
