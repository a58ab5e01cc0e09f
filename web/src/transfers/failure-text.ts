import { TransferError, type TransferErrorCode } from '@ferry/common/transfer';

/*
 * The sentence a person reads for each way a download can fail. The engine and the finishing steps
 * speak in codes (TransferError); this table is the only place they become words. Each sentence
 * finishes "Failed: ...".
 */

const SENTENCES: { [Code in TransferErrorCode]: (error: TransferError) => string } = {
  FILE_NOT_SHARED: () => 'the file is no longer shared',
  FILE_CHANGED: () => 'the file changed since the download started',
  OWNER_LOST_FILE: () => 'the owner no longer has this file',
  CHUNK_INTEGRITY: ({ detail }) =>
    `chunk ${detail.chunkIndex ?? '?'} failed its integrity check ${detail.failures ?? '?'} times; nothing was saved`,
  NO_FILE_HASH: () => 'the owner gave no SHA-256 for this file, so it cannot be checked; nothing was saved',
  CHUNK_MISSING: ({ detail }) => `chunk ${detail.chunkIndex ?? '?'} is missing from storage; nothing was saved`,
  HASH_MISMATCH: () => 'the file does not match its SHA-256; nothing was saved',
  STORAGE_FULL: () => 'there is no space left in the browser to store it',
  STORAGE_FAILED: ({ cause }) => `it could not be stored (${causeText(cause)})`,
  SAVE_FAILED: ({ cause }) => `it could not be saved (${causeText(cause)})`,
  NOT_WANTED: () => 'this download is no longer wanted',
  FINISH_FAILED: ({ cause }) => causeText(cause),
};

function causeText(cause: unknown): string {
  if (cause instanceof TransferError) return failureText(cause);
  if (cause instanceof Error) return cause.message;
  return typeof cause === 'string' ? cause : 'unknown error';
}

/** Why a download failed, for people; a folder's names the file first ("a.txt: ..."). */
export function failureText(error: TransferError): string {
  const sentence = SENTENCES[error.code](error);
  return error.detail.fileName === undefined ? sentence : `${error.detail.fileName}: ${sentence}`;
}
