import { folderOf, type ClientInfo, type FileInfo, type FileOffer } from '@ferry/common';
import type { OutboxState } from './outbox-machine';
import type { PreparingFile } from '../transfers/file-preparer';

/** One row of the file list. */
export type FileEntry =
  | { kind: 'shared'; file: FileInfo; isRemoving: boolean; needsRepick: boolean }
  /** Being hashed before it is offered; `percent` 0-100. */
  | { kind: 'preparing'; file: FileOffer; percent: number }
  | { kind: 'sending'; file: FileOffer; isHeld: boolean }
  | { kind: 'failed'; file: FileOffer }
  | { kind: 'rejected'; file: FileOffer; reason: string };

export interface FolderGroup {
  /** '' for files that are not in a folder. */
  folder: string;
  entries: FileEntry[];
}

export interface OwnerGroup {
  ownerId: string;
  ownerName: string;
  isSelf: boolean;
  isHost: boolean;
  folders: FolderGroup[];
  /** Shared files only (what others can download). */
  fileCount: number;
  totalBytes: number;
}

export interface GroupInput {
  files: readonly FileInfo[];
  clients: readonly ClientInfo[];
  selfId: string | null;
  outbox: OutboxState;
  removing: ReadonlySet<string>;
  preparing?: readonly PreparingFile[];
  /** Our listed files with no File in this tab. */
  needsRepick?: ReadonlySet<string>;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

const sortKey = (file: FileOffer) => file.path ?? file.name;

function compareGroups(a: OwnerGroup, b: OwnerGroup): number {
  if (a.isSelf !== b.isSelf) return a.isSelf ? -1 : 1;
  if (a.isHost !== b.isHost) return a.isHost ? -1 : 1;
  return collator.compare(a.ownerName, b.ownerName) || a.ownerId.localeCompare(b.ownerId);
}

/**
 * The room's files grouped by owner (you first, then the host, then by name) and, inside an owner,
 * by folder (loose files first, then folders by name). Your own unanswered, failed and rejected
 * offers join your group so you see what happened to each file.
 */
export function groupFiles(input: GroupInput): OwnerGroup[] {
  const names = new Map(input.clients.map((c) => [c.publicId, c]));
  const byOwner = new Map<string, { entries: FileEntry[]; fileCount: number; totalBytes: number }>();
  const bucket = (owner: string) => {
    let group = byOwner.get(owner);
    if (!group) {
      group = { entries: [], fileCount: 0, totalBytes: 0 };
      byOwner.set(owner, group);
    }
    return group;
  };

  const sharedIds = new Set<string>();
  for (const file of input.files) {
    sharedIds.add(file.id);
    const group = bucket(file.owner);
    group.entries.push({
      kind: 'shared',
      file,
      isRemoving: input.removing.has(file.id),
      needsRepick: input.needsRepick?.has(file.id) ?? false,
    });
    group.fileCount += 1;
    group.totalBytes += file.size;
  }
  if (input.selfId !== null) {
    const own = () => bucket(input.selfId ?? '');
    for (const { offer, bytesDone } of input.preparing ?? []) {
      const percent = offer.size > 0 ? Math.min(100, Math.floor((bytesDone / offer.size) * 100)) : 0;
      own().entries.push({ kind: 'preparing', file: offer, percent });
    }
    for (const request of input.outbox.requests) {
      for (const file of request.offers) {
        if (sharedIds.has(file.id)) continue;
        own().entries.push(
          request.status.kind === 'failed'
            ? { kind: 'failed', file }
            : { kind: 'sending', file, isHeld: request.status.kind === 'held' },
        );
      }
    }
    for (const { offer, reason } of input.outbox.rejected) {
      own().entries.push({ kind: 'rejected', file: offer, reason });
    }
  }

  const groups: OwnerGroup[] = [];
  for (const [ownerId, { entries, fileCount, totalBytes }] of byOwner) {
    const owner = names.get(ownerId);
    const folders = new Map<string, FileEntry[]>();
    for (const entry of entries) {
      const folder = folderOf(entry.file);
      const list = folders.get(folder);
      if (list) list.push(entry);
      else folders.set(folder, [entry]);
    }
    groups.push({
      ownerId,
      ownerName: owner?.name ?? 'Someone who left',
      isSelf: ownerId === input.selfId,
      isHost: owner?.isMaster === true,
      fileCount,
      totalBytes,
      folders: [...folders.entries()]
        .sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : collator.compare(a, b)))
        .map(([folder, list]) => ({
          folder,
          entries: list.sort(
            (x, y) => collator.compare(sortKey(x.file), sortKey(y.file)) || x.file.id.localeCompare(y.file.id),
          ),
        })),
    });
  }
  return groups.sort(compareGroups);
}
