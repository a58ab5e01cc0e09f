import { describe, expect, it } from 'vitest';
import { TransferError, type TransferErrorCode, type TransferErrorDetail } from '@ferry/common/transfer';
import { failureText } from '../src/transfers/failure-text';

// The one place the sentences are asserted: everywhere else, tests check the code.
describe('failureText', () => {
  const table: Array<[TransferErrorCode, TransferErrorDetail, unknown, string]> = [
    ['FILE_NOT_SHARED', {}, undefined, 'the file is no longer shared'],
    ['FILE_CHANGED', {}, undefined, 'the file changed since the download started'],
    ['OWNER_LOST_FILE', {}, undefined, 'the owner no longer has this file'],
    [
      'CHUNK_INTEGRITY',
      { chunkIndex: 1, failures: 3 },
      undefined,
      'chunk 1 failed its integrity check 3 times; nothing was saved',
    ],
    [
      'NO_FILE_HASH',
      {},
      undefined,
      'the owner gave no SHA-256 for this file, so it cannot be checked; nothing was saved',
    ],
    ['CHUNK_MISSING', { chunkIndex: 2 }, undefined, 'chunk 2 is missing from storage; nothing was saved'],
    ['HASH_MISMATCH', {}, undefined, 'the file does not match its SHA-256; nothing was saved'],
    ['STORAGE_FULL', {}, undefined, 'there is no space left in the browser to store it'],
    ['STORAGE_FAILED', {}, new Error('disk I/O'), 'it could not be stored (disk I/O)'],
    ['SAVE_FAILED', {}, new Error('denied'), 'it could not be saved (denied)'],
    [
      'SAVE_FAILED',
      {},
      new TransferError('CHUNK_MISSING', { chunkIndex: 0, fileName: 'b.txt' }),
      'it could not be saved (b.txt: chunk 0 is missing from storage; nothing was saved)',
    ],
    ['NOT_WANTED', {}, undefined, 'this download is no longer wanted'],
    ['FINISH_FAILED', {}, new Error('odd'), 'odd'],
    [
      'HASH_MISMATCH',
      { fileName: 'a.txt' },
      undefined,
      'a.txt: the file does not match its SHA-256; nothing was saved',
    ],
  ];

  it.each(table)('%s %j', (code, detail, cause, sentence) => {
    expect(failureText(new TransferError(code, detail, { cause }))).toBe(sentence);
  });

  it('names the file of a folder download first', () => {
    expect(failureText(new TransferError('OWNER_LOST_FILE').inFile('docs/a.txt'))).toBe(
      'docs/a.txt: the owner no longer has this file',
    );
  });
});
