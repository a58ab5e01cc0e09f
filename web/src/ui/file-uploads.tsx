import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { formatBytes } from '../files/format';
import { emptyUploads, type UploadRow, type UploadsView } from '../transfers/uploads-publisher';

/**
 * The uploads view, given once by the room layout and read by each of the owner's file rows, so
 * the file list in between need not carry it.
 */
export const UploadsContext = createContext<UploadsView>(emptyUploads);

function percentOf(row: UploadRow): number {
  return row.totalBytes > 0 ? Math.min(100, Math.floor((row.bytesServed / row.totalBytes) * 100)) : 0;
}

/** Under one of our files: who is fetching it (names as text), how far, and how fast. */
export function FileUploads({ fileId }: { fileId: string }) {
  const rows = useContext(UploadsContext).byFile.get(fileId);
  if (!rows || rows.length === 0) return null;
  return (
    // Not a list: a file row is a list item, and tests and readers find a file as the innermost one.
    <div class="file-uploads" role="group" aria-label="Downloading from you">
      {rows.map((row) => (
        <div key={row.transferId} class="file-upload">
          <span class="file-upload-text">
            <span class="name-text">{row.askerName}</span> is downloading: {formatBytes(row.bytesServed)} of{' '}
            {formatBytes(row.totalBytes)}
            {row.bytesPerSecond > 0 ? ` · ${formatBytes(row.bytesPerSecond)}/s` : ''}
          </span>
          <span
            class="progress file-upload-progress"
            role="progressbar"
            aria-label={`${row.askerName} downloading progress`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percentOf(row)}
          >
            {/* A style object, set through the CSSOM: the CSP forbids style attributes. */}
            <span class="progress-bar" style={{ width: `${percentOf(row)}%` }} />
          </span>
        </div>
      ))}
    </div>
  );
}
