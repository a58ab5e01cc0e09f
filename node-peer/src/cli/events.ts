/*
 * What `ferry send` and `ferry get` report, as events: printed for people (reporter.ts) or, with
 * --json, one JSON object per line on stdout for scripts. Sizes are bytes; names are as listed.
 */

export interface FileRef {
  fileId: string;
  name: string;
  /** Folder-relative path in the room ("photos/a.jpg"); absent for a loose file. */
  path?: string;
  size: number;
}

export type CliEvent =
  | { event: 'connecting'; room: string }
  | { event: 'waiting'; publicId: string; code: string }
  | { event: 'admitted'; publicId: string; resumed: boolean }
  | { event: 'shared'; files: FileRef[]; refused: Array<{ path: string; reason: string }> }
  | { event: 'hashing'; bytesDone: number; totalBytes: number }
  | {
      event: 'serving';
      fileId: string;
      name: string;
      to: string;
      bytesServed: number;
      size: number;
      bytesPerSecond: number;
    }
  | { event: 'unshared'; fileId: string; name: string; reason: string }
  | { event: 'listed'; files: Array<FileRef & { owner: string; ownerName: string; kind: 'file' | 'folder' | 'text' }> }
  | {
      event: 'download-started';
      fileId: string;
      name: string;
      to: string;
      size: number;
      resumedBytes: number;
      /** Chunks the progress record claimed but whose bytes on disk no longer matched: fetched again. */
      damagedChunks: number;
    }
  | {
      event: 'progress';
      fileId: string;
      name: string;
      bytesDone: number;
      size: number;
      bytesPerSecond: number;
      route: 'p2p' | 'relay' | 'connecting';
    }
  | { event: 'download-done'; fileId: string; name: string; to: string; size: number; sha256: string }
  | { event: 'download-failed'; fileId: string; name: string; error: string }
  | { event: 'notice'; message: string }
  | { event: 'exit'; code: number; message?: string };

export interface Reporter {
  report(event: CliEvent): void;
  /** Stops any live output (progress bars) before the process exits. */
  close(): void;
}
