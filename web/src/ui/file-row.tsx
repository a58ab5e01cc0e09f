import type { FileEntry } from '../files/file-groups';
import { fileTypeLabel, formatBytes } from '../files/format';
import { FileUploads } from './file-uploads';

export interface FileRowActions {
  removeFile(fileId: string): void;
  dismissRejected(fileId: string): void;
  downloadFile(fileId: string): void;
}

interface Props {
  entry: FileEntry;
  isOwn: boolean;
  /** A download of this file is under way. */
  isBusy?: boolean;
  actions: FileRowActions;
}

function StatusText({ entry }: { entry: FileEntry }) {
  switch (entry.kind) {
    case 'shared':
      if (entry.isRemoving) return <span class="file-status">Removing…</span>;
      return entry.needsRepick ? <span class="file-status file-status-error">Pick again to share</span> : null;
    case 'preparing':
      return <span class="file-status file-status-pending">Preparing {entry.percent}%</span>;
    case 'sending':
      return (
        <span class="file-status file-status-pending">
          {entry.isHeld ? 'Sending (waiting for the host)' : 'Sending…'}
        </span>
      );
    case 'failed':
      return <span class="file-status file-status-error">Not shared</span>;
    case 'rejected':
      return <span class="file-status file-status-error">Rejected: {entry.reason}</span>;
  }
}

/** One file: its name (as text), size, type, state, and what you can do with it. */
export function FileRow({ entry, isOwn, isBusy = false, actions }: Props) {
  const { file } = entry;
  return (
    <li class={`file file-${entry.kind}`}>
      <span class="file-type" aria-hidden="true">
        {fileTypeLabel(file.name, file.mime).slice(0, 4)}
      </span>
      <span class="file-main">
        <span class="file-name">{file.name}</span>
        <span class="file-meta">
          {formatBytes(file.size)} · {fileTypeLabel(file.name, file.mime)}
        </span>
        <StatusText entry={entry} />
        {isOwn && entry.kind === 'shared' ? <FileUploads fileId={file.id} /> : null}
      </span>
      <span class="file-actions">
        {entry.kind === 'shared' && !isOwn ? (
          <button
            type="button"
            class="button button-small"
            aria-label={`Download ${file.name}`}
            title={isBusy ? 'Already downloading' : undefined}
            disabled={isBusy}
            onClick={() => actions.downloadFile(file.id)}
          >
            Download
          </button>
        ) : null}
        {entry.kind === 'shared' && isOwn ? (
          <button
            type="button"
            class="button button-small"
            aria-label={`Remove ${file.name}`}
            disabled={entry.isRemoving}
            onClick={() => actions.removeFile(file.id)}
          >
            Remove
          </button>
        ) : null}
        {entry.kind === 'rejected' ? (
          <button
            type="button"
            class="button button-small"
            aria-label={`Dismiss ${file.name}`}
            onClick={() => actions.dismissRejected(file.id)}
          >
            Dismiss
          </button>
        ) : null}
      </span>
    </li>
  );
}
