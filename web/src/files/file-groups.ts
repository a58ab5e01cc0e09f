import { folderOf, type ClientInfo, type FileInfo, type FileOffer } from '@ferry/common';
import { batchProgress, missingBatches, type BatchProgress } from './folder-batches';
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

/** What a set of rows holds, by what can be done with it. */
export interface EntryCounts {
  /** Listed in the room: what others can download. */
  shared: number;
  sharedBytes: number;
  /** Ours, still being prepared or sent to the host: they will be listed. */
  pending: number;
  pendingBytes: number;
  /** Ours that will not be listed unless we act: rejected, or given up on ("Not shared"). */
  notShared: number;
  removing: number;
  needsRepick: number;
  /** Listed empty folders (FileOffer.folder): no files, but kept, and removed with their folder. */
  emptyFolders: number;
}

/** A folder of one owner, with its subfolders and files (sorted), and what they hold in all. */
export interface FolderNode {
  /** Folder-relative path of the folder itself ("trip/day1"). */
  path: string;
  /** Its last segment ("day1"). */
  name: string;
  folders: FolderNode[];
  files: FileEntry[];
  counts: EntryCounts;
  /**
   * What of the folders shared here is not listed yet ("153 of 400"), as everyone sees it; null
   * when all of it is. While it is not null, nobody may download the folder as a whole.
   */
  missing: BatchProgress | null;
}

export interface OwnerGroup {
  ownerId: string;
  ownerName: string;
  isSelf: boolean;
  isHost: boolean;
  /** Top-level folders, by name. */
  folders: FolderNode[];
  /** Files not in a folder. */
  files: FileEntry[];
  counts: EntryCounts;
  /** What the header counts: files listed, and ours still on their way to the list. */
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

/**
 * A key whose plain order is the order people expect ("a9" before "a10", "É" with "e", case
 * ignored): Intl.Collator's own compare made sorting 10,000 rows take 50-90 ms, on every change
 * of the room; keys computed once per row and compared as strings take a tenth of that.
 */
export function naturalKey(text: string): string {
  let key = keyCache.get(text);
  if (key !== undefined) return key;
  // Accents apart from their letters, then dropped ("É" -> "e"); plain ASCII has none.
  const folded = /^[\x20-\x7e]*$/.test(text) ? text : text.normalize('NFKD').replace(/\p{M}/gu, '');
  key = folded.toLowerCase().replace(/\d+/g, (digits) => {
    const trimmed = digits.replace(/^0+(?=\d)/, '');
    // The length first, so that longer numbers sort after shorter ones of any digits.
    return `${String(trimmed.length).padStart(3, '0')}${trimmed}`;
  });
  // The room's names change little between two renders; bounded, as any list here may be huge.
  if (keyCache.size >= MAX_CACHED_KEYS) keyCache.clear();
  keyCache.set(text, key);
  return key;
}

const MAX_CACHED_KEYS = 50_000;
const keyCache = new Map<string, string>();

function sortByKey<T>(items: T[], keyOf: (item: T) => string, tieOf: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, key: keyOf(item), tie: tieOf(item) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0));
  return keyed.map((entry) => entry.item);
}

const emptyCounts = (): EntryCounts => ({
  shared: 0,
  sharedBytes: 0,
  pending: 0,
  pendingBytes: 0,
  notShared: 0,
  removing: 0,
  needsRepick: 0,
  emptyFolders: 0,
});

function countEntry(counts: EntryCounts, entry: FileEntry): void {
  if (entry.file.folder === true) {
    // Not a file: counted apart once listed; on its way, the folder it makes is all it shows.
    if (entry.kind === 'shared') {
      counts.emptyFolders += 1;
      if (entry.isRemoving) counts.removing += 1;
    } else if (entry.kind === 'failed' || entry.kind === 'rejected') counts.notShared += 1;
    return;
  }
  switch (entry.kind) {
    case 'shared':
      counts.shared += 1;
      counts.sharedBytes += entry.file.size;
      if (entry.isRemoving) counts.removing += 1;
      if (entry.needsRepick) counts.needsRepick += 1;
      return;
    case 'preparing':
    case 'sending':
      counts.pending += 1;
      counts.pendingBytes += entry.file.size;
      return;
    case 'failed':
    case 'rejected':
      counts.notShared += 1;
      return;
  }
}

function addCounts(into: EntryCounts, from: EntryCounts): void {
  for (const key of Object.keys(into) as (keyof EntryCounts)[]) into[key] += from[key];
}

function compareGroups(a: OwnerGroup, b: OwnerGroup): number {
  if (a.isSelf !== b.isSelf) return a.isSelf ? -1 : 1;
  if (a.isHost !== b.isHost) return a.isHost ? -1 : 1;
  return collator.compare(a.ownerName, b.ownerName) || a.ownerId.localeCompare(b.ownerId);
}

interface Building {
  node: FolderNode;
  children: Map<string, Building>;
  /** Listed files in this folder and below, for what is missing of their batches. */
  listed: FileInfo[];
}

/** The folder tree of one owner's rows; returns the top-level folders and the loose files. */
function buildTree(
  entries: readonly FileEntry[],
  progress: ReadonlyMap<string, BatchProgress>,
): { folders: FolderNode[]; files: FileEntry[] } {
  const root: Building = {
    node: { path: '', name: '', folders: [], files: [], counts: emptyCounts(), missing: null },
    children: new Map(),
    listed: [],
  };
  for (const entry of entries) {
    const folder = folderOf(entry.file);
    let at = root;
    const trail: Building[] = [root];
    if (folder !== '') {
      let path = '';
      for (const segment of folder.split('/')) {
        path = path === '' ? segment : `${path}/${segment}`;
        let child = at.children.get(segment);
        if (!child) {
          child = {
            node: { path, name: segment, folders: [], files: [], counts: emptyCounts(), missing: null },
            children: new Map(),
            listed: [],
          };
          at.children.set(segment, child);
        }
        at = child;
        trail.push(at);
      }
    }
    // An empty folder's entry is the folder itself (folderOf): the node above is all it shows,
    // unless it was not shared (the row says why).
    if (entry.file.folder !== true || entry.kind === 'failed' || entry.kind === 'rejected') at.node.files.push(entry);
    for (const step of trail) {
      countEntry(step.node.counts, entry);
      if (entry.kind === 'shared' && step !== root) step.listed.push(entry.file);
    }
  }
  const finish = (building: Building): FolderNode => {
    const { node } = building;
    node.files = sortByKey(
      node.files,
      (entry) => naturalKey(entry.file.path ?? entry.file.name),
      (entry) => entry.file.id,
    );
    node.folders = sortByKey(
      [...building.children.values()].map(finish),
      (folder) => naturalKey(folder.name),
      (folder) => folder.name,
    );
    node.missing = missingBatches(building.listed, progress);
    return node;
  };
  const top = finish(root);
  return { folders: top.folders, files: top.files };
}

/**
 * The room's files grouped by owner (you first, then the host, then by name) and, inside an owner,
 * as a tree of folders (loose files apart). Your own files still being prepared or sent, and those
 * that failed or were rejected, join your group so you see what happened to each one.
 */
export function groupFiles(input: GroupInput): OwnerGroup[] {
  const names = new Map(input.clients.map((c) => [c.publicId, c]));
  const byOwner = new Map<string, FileEntry[]>();
  const bucket = (owner: string) => {
    let entries = byOwner.get(owner);
    if (!entries) {
      entries = [];
      byOwner.set(owner, entries);
    }
    return entries;
  };

  const sharedIds = new Set<string>();
  for (const file of input.files) {
    sharedIds.add(file.id);
    bucket(file.owner).push({
      kind: 'shared',
      file,
      isRemoving: input.removing.has(file.id),
      needsRepick: input.needsRepick?.has(file.id) ?? false,
    });
  }
  if (input.selfId !== null) {
    const own = () => bucket(input.selfId ?? '');
    for (const { offer, bytesDone } of input.preparing ?? []) {
      const percent = offer.size > 0 ? Math.min(100, Math.floor((bytesDone / offer.size) * 100)) : 0;
      own().push({ kind: 'preparing', file: offer, percent });
    }
    for (const request of input.outbox.requests) {
      for (const file of request.offers) {
        // Listed already: an answer on its way, or a recount of a listed file (folder-batches.ts).
        if (sharedIds.has(file.id)) continue;
        own().push(
          request.status.kind === 'failed'
            ? { kind: 'failed', file }
            : { kind: 'sending', file, isHeld: request.status.kind === 'held' },
        );
      }
    }
    for (const { offer, reason } of input.outbox.rejected) {
      if (!sharedIds.has(offer.id)) own().push({ kind: 'rejected', file: offer, reason });
    }
  }

  const progress = batchProgress(input.files);
  const groups: OwnerGroup[] = [];
  for (const [ownerId, entries] of byOwner) {
    const owner = names.get(ownerId);
    const { folders, files } = buildTree(entries, progress);
    const counts = emptyCounts();
    for (const folder of folders) addCounts(counts, folder.counts);
    for (const entry of files) countEntry(counts, entry);
    groups.push({
      ownerId,
      ownerName: owner?.name ?? 'Someone who left',
      isSelf: ownerId === input.selfId,
      isHost: owner?.isMaster === true,
      folders,
      files,
      counts,
      fileCount: counts.shared + counts.pending,
      totalBytes: counts.sharedBytes + counts.pendingBytes,
    });
  }
  return groups.sort(compareGroups);
}
