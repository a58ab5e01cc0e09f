import type { FileInfo } from '@ferry/common';
import type { PickedFile } from '../files/offers';

export interface RepickMatch {
  /** Files picked again, by the id they were shared under. */
  reattached: Array<[string, PickedFile['file']]>;
  /** Everything else: new files to offer. */
  rest: PickedFile[];
}

/** The same file as listed: name, size and last-modified time, and its place in a folder if any. */
export function isSameFile(listed: FileInfo, picked: PickedFile): boolean {
  return (
    listed.name === picked.file.name &&
    listed.size === picked.file.size &&
    (listed.lastModified === undefined || listed.lastModified === picked.file.lastModified) &&
    (listed.path ?? '') === (picked.path ?? '')
  );
}

/**
 * After a reload the browser has forgotten the files this tab shared; they stay listed and the
 * person picks them again. A picked file that matches one of `missing` (this tab's listed files
 * with no File behind them) takes that file's id back, with no new offer; each listed file is
 * matched at most once, in the order picked.
 */
export function matchRepicks(picked: readonly PickedFile[], missing: readonly FileInfo[]): RepickMatch {
  const open = [...missing];
  const reattached: RepickMatch['reattached'] = [];
  const rest: PickedFile[] = [];
  for (const item of picked) {
    const index = open.findIndex((listed) => isSameFile(listed, item));
    const listed = open[index];
    if (listed) {
      open.splice(index, 1);
      reattached.push([listed.id, item.file]);
    } else {
      rest.push(item);
    }
  }
  return { reattached, rest };
}
