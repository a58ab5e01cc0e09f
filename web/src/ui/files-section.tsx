import { useMemo, useState } from 'preact/hooks';
import { collectDropped, entriesOfDrop } from '../files/dropped-entries';
import { groupFiles } from '../files/file-groups';
import { countFiles } from '../files/format';
import type { PickedFile } from '../files/offers';
import { withoutTextPosts } from '../files/text-posts';
import type { SessionView } from '../session/session-view';
import { useThrottled } from '../hooks/use-throttled';
import { AddFiles } from './add-files';
import { FileList, type FileListActions } from './file-list';

export interface FileActions extends FileListActions {
  /** `emptyFolders`: folder-relative paths of the empty folders a drop held. */
  addFiles(files: readonly PickedFile[], emptyFolders?: readonly string[]): void;
  retryRequest(reqId: string): void;
  dismissRequest(reqId: string): void;
  dismissNotice(): void;
}

interface Props {
  view: SessionView;
  actions: FileActions;
  /** Files with a download under way. */
  busyFileIds?: ReadonlySet<string>;
  onDropError?: (error: unknown) => void;
}

/** Past this many files, grouping them takes long enough to be worth spacing out (REGROUP_EVERY_MS). */
const LARGE_LIST_FILES = 1_000;
const REGROUP_EVERY_MS = 250;

/** "Shared files": the pickers, a drop zone over the whole section, what went wrong, the list. */
export function FilesSection({ view, actions, busyFileIds, onDropError }: Props) {
  const [isDragging, setDragging] = useState(false);
  const { room, outbox, removing, preparing, needsRepick } = view;
  // Text posts have their own section (texts-section.tsx); this one lists what can be downloaded.
  const files = useMemo(() => room.files.filter((file) => file.text === undefined), [room.files]);
  const fileOutbox = useMemo(() => withoutTextPosts(outbox), [outbox]);
  const input = useMemo(
    () => ({ files, clients: room.clients, selfId: room.selfId, outbox: fileOutbox, removing, preparing, needsRepick }),
    [files, room.clients, room.selfId, fileOutbox, removing, preparing, needsRepick],
  );
  // A large list is grouped again at most a few times a second, however fast the room changes.
  const settled = useThrottled(input, files.length + preparing.length > LARGE_LIST_FILES ? REGROUP_EVERY_MS : 0);
  const groups = useMemo(() => groupFiles(settled), [settled]);
  const failed = outbox.requests.filter((r) => r.status.kind === 'failed');

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (!event.dataTransfer) return;
    const { entries, files } = entriesOfDrop(event.dataTransfer);
    if (files.length > 0) actions.addFiles(files.map((file) => ({ file })));
    if (entries.length > 0) {
      collectDropped(entries).then(
        (dropped) => actions.addFiles(dropped.files, dropped.emptyFolders),
        (error: unknown) => onDropError?.(error),
      );
    }
  };

  return (
    <section
      class={isDragging ? 'card files-section is-dragging' : 'card files-section'}
      aria-labelledby="shared-files-title"
      onDragOver={(event) => {
        if (!event.dataTransfer?.types.includes('Files')) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (event.currentTarget === event.target) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <div class="section-head">
        <h2 id="shared-files-title">Shared files</h2>
        <AddFiles onPick={(picked) => actions.addFiles(picked)} />
      </div>
      <p class="hint">Pick files or a whole folder, or drop them anywhere on this box.</p>
      {failed.map((request) => (
        <div key={request.reqId} role="alert" class="banner banner-error">
          <span>
            {request.status.kind === 'failed' ? request.status.message : ''} ({countFiles(request.offers.length)})
          </span>
          <span class="banner-actions">
            <button type="button" class="button button-small" onClick={() => actions.retryRequest(request.reqId)}>
              Try again
            </button>
            <button type="button" class="button button-small" onClick={() => actions.dismissRequest(request.reqId)}>
              Dismiss
            </button>
          </span>
        </div>
      ))}
      {needsRepick.size > 0 ? (
        <div class="banner banner-warn">
          After a reload the browser no longer has {countFiles(needsRepick.size)} you shared. Add the same{' '}
          {needsRepick.size === 1 ? 'file' : 'files'} again with “Add files” or “Add folder”: they keep their place in
          the list and downloads of them go on.
        </div>
      ) : null}
      {view.notice ? (
        <div class="banner banner-error" aria-live="polite">
          <span>{view.notice}</span>
          <button type="button" class="button button-small" onClick={() => actions.dismissNotice()}>
            Dismiss
          </button>
        </div>
      ) : null}
      {groups.length === 0 ? (
        <p class="empty">
          No files yet. Use “Add files” or “Add folder”, or drop files here, and everyone in the room sees them.
        </p>
      ) : (
        <FileList groups={groups} actions={actions} {...(busyFileIds ? { busyFileIds } : {})} />
      )}
      {isDragging ? (
        <div class="drop-overlay" aria-hidden="true">
          Drop to share
        </div>
      ) : null}
    </section>
  );
}
