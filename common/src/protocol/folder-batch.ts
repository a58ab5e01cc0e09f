import type { FileOffer } from './shapes';

/**
 * The folder an offer belongs to as a batch: the first segment of its path for a file inside a
 * folder, and for an empty-folder entry even at the top (a folder of its own, with nothing in it).
 * A loose file has none.
 */
function topFolderOf(offer: FileOffer): string | undefined {
  return offer.path?.includes('/') || offer.folder === true ? offer.path?.split('/', 1)[0] : undefined;
}

/**
 * Each folder picked, dropped or named on a command line becomes one batch (FileOffer.batch,
 * PROTOCOL.md §7): its files and empty folders, by their first path segment, carry one id and
 * their number, so that others can tell when the whole folder is listed. Loose files are not in a
 * batch. Pass only offers that can be offered: the count is of what is passed. The browsers and
 * `ferry send` share this, so a folder is one thing whichever way it was shared.
 */
export function inFolderBatches<T extends FileOffer>(offers: readonly T[], newId: () => string): T[] {
  const counts = new Map<string, number>();
  for (const offer of offers) {
    const top = topFolderOf(offer);
    if (top !== undefined) counts.set(top, (counts.get(top) ?? 0) + 1);
  }
  const ids = new Map([...counts.keys()].map((top) => [top, newId()]));
  return offers.map((offer) => {
    const top = topFolderOf(offer);
    const id = top === undefined ? undefined : ids.get(top);
    return id === undefined ? offer : { ...offer, batch: { id, count: counts.get(top ?? '') ?? 1 } };
  });
}
