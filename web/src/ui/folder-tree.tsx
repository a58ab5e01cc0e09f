import { useEffect, useRef } from 'preact/hooks';
import type { FileEntry, FolderNode } from '../files/file-groups';
import { countFiles, formatBytes } from '../files/format';
import { FileRow, type FileRowActions } from './file-row';

export interface FileListActions extends FileRowActions {
  downloadFolder(ownerId: string, folder: string): void;
  removeFolder(folder: string): void;
  stopSharingAll(): void;
}

/** Rows shown at once in one list, and added by each "Show more": what keeps the page small. */
export const PAGE_ROWS = 100;

/** Which folders are open and how much of each list is shown, by list key (owner and path). */
export interface ListState {
  isOpen(key: string): boolean;
  toggle(key: string): void;
  shown(key: string): number;
  showMore(key: string): void;
}

interface ListProps {
  /** Names this list in ListState. */
  listKey: string;
  folders: readonly FolderNode[];
  files: readonly FileEntry[];
  ownerId: string;
  isOwn: boolean;
  state: ListState;
  actions: FileListActions;
  busyFileIds: ReadonlySet<string>;
}

/**
 * Folders, then files, a page at a time: only what is open and shown is in the page, so a list
 * of 10,000 files costs what 100 rows do. "Show more" moves focus to the first row it adds.
 */
export function ItemList({ listKey, folders, files, ownerId, isOwn, state, actions, busyFileIds }: ListProps) {
  const shown = state.shown(listKey);
  const total = folders.length + files.length;
  const list = useRef<HTMLUListElement>(null);
  const focusAt = useRef<number | null>(null);
  useEffect(() => {
    if (focusAt.current === null) return;
    const row = list.current?.children[focusAt.current];
    focusAt.current = null;
    const target = row?.querySelector<HTMLElement>('button:not([disabled])') ?? (row as HTMLElement | undefined);
    target?.focus();
  });
  const visibleFolders = folders.slice(0, shown);
  const visibleFiles = files.slice(0, Math.max(0, shown - folders.length));
  const hidden = total - visibleFolders.length - visibleFiles.length;
  if (total === 0) return <p class="hint folder-empty">Nothing in this folder</p>;
  return (
    <>
      <ul class="files" ref={list}>
        {visibleFolders.map((node) => (
          <FolderItem
            key={`folder:${node.path}`}
            node={node}
            ownerId={ownerId}
            isOwn={isOwn}
            state={state}
            actions={actions}
            busyFileIds={busyFileIds}
          />
        ))}
        {visibleFiles.map((entry) => (
          <FileRow
            key={entry.file.id}
            entry={entry}
            isOwn={isOwn}
            isBusy={busyFileIds.has(entry.file.id)}
            actions={actions}
          />
        ))}
      </ul>
      {hidden > 0 ? (
        <button
          type="button"
          class="button button-small show-more"
          onClick={() => {
            focusAt.current = shown;
            state.showMore(listKey);
          }}
        >
          Show {Math.min(PAGE_ROWS, hidden)} more ({hidden} not shown)
        </button>
      ) : null}
    </>
  );
}

interface Props {
  node: FolderNode;
  ownerId: string;
  isOwn: boolean;
  state: ListState;
  actions: FileListActions;
  busyFileIds: ReadonlySet<string>;
}

/** "Being added (153 of 400)", "2 not shared": what a folder's rows add up to, in a line. */
function FolderStatus({ node, isOwn }: { node: FolderNode; isOwn: boolean }) {
  const { counts, missing } = node;
  const parts = [];
  if (isOwn && counts.removing > 0) {
    parts.push(
      <span key="removing" class="file-status">
        Removing… ({counts.removing} left)
      </span>,
    );
  } else if (isOwn && counts.pending > 0) {
    parts.push(
      <span key="adding" class="file-status file-status-pending">
        Being added ({counts.shared} of {counts.shared + counts.pending})
      </span>,
    );
  } else if (missing) {
    parts.push(
      <span key="adding" class="file-status file-status-pending">
        Being added ({missing.listed} of {missing.total})
      </span>,
    );
  }
  if (isOwn && counts.notShared > 0) {
    parts.push(
      <span key="not-shared" class="file-status file-status-error">
        {counts.notShared} not shared
      </span>,
    );
  }
  if (isOwn && counts.needsRepick > 0) {
    parts.push(
      <span key="repick" class="file-status file-status-error">
        {countFiles(counts.needsRepick)} to pick again
      </span>,
    );
  }
  return parts.length > 0 ? <span class="folder-status">{parts}</span> : null;
}

/** The DOM id of a folder's list: owner ids are id-safe, paths are escaped. */
const listIdOf = (ownerId: string, path: string) => `folder-${ownerId}-${encodeURIComponent(path)}`;

/**
 * One folder: collapsed to its name, count and size until opened (a disclosure button with
 * aria-expanded), so a folder of 10,000 files is one row. Opened, its subfolders and files follow,
 * a page at a time.
 */
function FolderItem({ node, ownerId, isOwn, state, actions, busyFileIds }: Props) {
  const key = `${ownerId}\n${node.path}`;
  const isOpen = state.isOpen(key);
  const listId = listIdOf(ownerId, node.path);
  const { counts } = node;
  const fileCount = isOwn ? counts.shared + counts.pending : counts.shared;
  const bytes = isOwn ? counts.sharedBytes + counts.pendingBytes : counts.sharedBytes;
  // Listed entries the owner removes with the folder: its files and its empty folders.
  const removable = counts.shared + counts.emptyFolders;
  return (
    <li class="folder-item">
      <div class="folder-head">
        <button
          type="button"
          class="folder-toggle"
          aria-expanded={isOpen}
          // Only a list that exists can be pointed at.
          aria-controls={isOpen ? listId : undefined}
          onClick={() => state.toggle(key)}
        >
          <span class="folder-chevron" aria-hidden="true" />
          <span class="folder-icon" aria-hidden="true" />
          <span class="name-text">{node.name}</span>
        </button>
        <span class="folder-main">
          <span class="file-meta">
            {fileCount === 0 && counts.emptyFolders > 0
              ? 'Empty folder'
              : `${countFiles(fileCount)} · ${formatBytes(bytes)}`}
          </span>
          <FolderStatus node={node} isOwn={isOwn} />
        </span>
        <span class="file-actions">
          {isOwn ? (
            removable > 0 ? (
              <button
                type="button"
                class="button button-small"
                aria-label={`Remove folder ${node.path}`}
                disabled={counts.removing === removable}
                onClick={() => actions.removeFolder(node.path)}
              >
                Remove folder
              </button>
            ) : null
          ) : counts.shared > 0 ? (
            <button
              type="button"
              class="button button-small"
              aria-label={`Download folder ${node.path}`}
              // A folder still being added is never downloaded as a whole: the ZIP would miss files.
              disabled={node.missing !== null}
              title={node.missing ? 'You can download the folder once all of it is added' : undefined}
              onClick={() => actions.downloadFolder(ownerId, node.path)}
            >
              Download folder
            </button>
          ) : null}
        </span>
      </div>
      {isOpen ? (
        <div id={listId} class="folder-body">
          <ItemList
            listKey={key}
            folders={node.folders}
            files={node.files}
            ownerId={ownerId}
            isOwn={isOwn}
            state={state}
            actions={actions}
            busyFileIds={busyFileIds}
          />
        </div>
      ) : null}
    </li>
  );
}
