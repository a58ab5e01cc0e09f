/**
 * Why a download failed, as a machine code. The engine and the apps' finishing steps throw these;
 * the sentence a person reads is built from the code by the UI (web/src/transfers/failure-text.ts),
 * and tests assert the code, never the prose.
 */
export type TransferErrorCode =
  /** The file left the room (FILE_REMOVED, NO_SUCH_FILE, or no longer listed on resume). */
  | 'FILE_NOT_SHARED'
  /** A stored download's file is listed again, but with another owner, size, chunk size or hash. */
  | 'FILE_CHANGED'
  /** The owner answered that it no longer has the file (chunk-unavailable 'gone'). */
  | 'OWNER_LOST_FILE'
  /** One chunk failed its SHA-256 or length check too many times. */
  | 'CHUNK_INTEGRITY'
  /** The owner gave no whole-file SHA-256, so the file cannot be checked. */
  | 'NO_FILE_HASH'
  /** A chunk counted as stored is not in storage when the file is checked or saved. */
  | 'CHUNK_MISSING'
  /** The whole file's SHA-256 is not the owner's. */
  | 'HASH_MISMATCH'
  /** The browser's storage quota is used up. */
  | 'STORAGE_FULL'
  /** Storing a chunk failed otherwise (see `cause`). */
  | 'STORAGE_FAILED'
  /** Writing the checked file (or the folder's ZIP) failed (see `cause`). */
  | 'SAVE_FAILED'
  /** The engine finished a download the app had already let go of. */
  | 'NOT_WANTED'
  /** Finishing failed with something that is not a TransferError (see `cause`). */
  | 'FINISH_FAILED';

export interface TransferErrorDetail {
  /** The chunk concerned. */
  chunkIndex?: number;
  /** How many times that chunk failed its check. */
  failures?: number;
  /** In a folder download, the file concerned. */
  fileName?: string;
}

function logText(code: TransferErrorCode, detail: TransferErrorDetail, cause: unknown): string {
  const parts = [
    detail.fileName,
    detail.chunkIndex === undefined ? undefined : `chunk ${detail.chunkIndex}`,
    detail.failures === undefined ? undefined : `${detail.failures} failures`,
    cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : undefined,
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? code : `${code} (${parts.join(', ')})`;
}

export class TransferError extends Error {
  override readonly name = 'TransferError';

  constructor(
    readonly code: TransferErrorCode,
    readonly detail: TransferErrorDetail = {},
    options: { cause?: unknown } = {},
  ) {
    // The message is for logs; people read failureText(error).
    super(logText(code, detail, options.cause), options);
  }

  /** The same failure, about `fileName` of a folder download. */
  inFile(fileName: string): TransferError {
    return new TransferError(this.code, { ...this.detail, fileName }, { cause: this.cause });
  }
}

/** `error` if it is a TransferError already, else one with `code` and `error` as its cause. */
export function asTransferError(error: unknown, code: TransferErrorCode): TransferError {
  return error instanceof TransferError ? error : new TransferError(code, {}, { cause: error });
}
