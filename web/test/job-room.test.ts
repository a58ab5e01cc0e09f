import { describe, expect, it } from 'vitest';
import { jobFromRecord, type Job } from '../src/transfers/download-job';
import type { StoredJob } from '../src/transfers/download-records';
import { itemProblem, presenceOf, presentBits, resumeDecision, type RoomView } from '../src/transfers/job-room';
import { shared } from '@ferry/common/test/builders';

const file = shared('f1', 'ann', 'a.bin', { size: 3 * 1024 * 1024 + 5, sha256: 'a'.repeat(64) });
const other = shared('f2', 'ann', 'b.bin', { size: 10, sha256: 'b'.repeat(64) });

function stored(overrides: Partial<StoredJob> = {}): Job {
  return jobFromRecord({
    version: 1,
    id: 'job-1',
    role: 'client',
    asker: 'me',
    kind: 'folder',
    name: 'docs',
    folder: 'docs',
    items: [
      { file, transferId: 't-1', have: new Uint8Array([0b0101]), isVerified: false },
      { file: other, transferId: 't-2', have: new Uint8Array([0b1]), isVerified: true },
    ],
    isPaused: false,
    ...overrides,
  });
}

describe('resumeDecision', () => {
  const chunks = new Map([['t-1', new Set([0, 1])]]);
  it.each([
    ['another identity asked: dropped', stored({ asker: 'someone-else' }), [file, other], { action: 'drop' }],
    ['a file left the room: fails', stored(), [other], { action: 'fail', code: 'FILE_NOT_SHARED' }],
    ['a file changed: fails', stored(), [{ ...file, size: 1 }, other], { action: 'fail', code: 'FILE_CHANGED' }],
    [
      'a checked file needs no listing; marked chunks not in storage are fetched again',
      stored(),
      [file],
      { action: 'resume', have: [new Uint8Array([0b0001]), new Uint8Array([0b1])] },
    ],
  ])('%s', (_name, job, listed, expected) => {
    expect(resumeDecision(job, 'me', listed, chunks)).toEqual(expected);
  });
});

describe('presenceOf', () => {
  const room = (isLive: boolean, listed: string[], online: string[], channels: string[] = []): RoomView => ({
    isLive,
    listed: new Set(listed),
    isOnline: (publicId) => online.includes(publicId),
    hasChannelTo: (publicId) => channels.includes(publicId),
  });
  it.each([
    ['this tab is out of the room, no channel to the owner: it waits', room(false, [], []), 'owner-offline'],
    ['this tab is out of the room, a channel to the owner: it goes on', room(false, [], [], ['ann']), 'owner-online'],
    ['the file left the room', room(true, [], ['ann']), 'file-removed'],
    ['the owner is there', room(true, ['f1'], ['ann']), 'owner-online'],
    ['the owner is away', room(true, ['f1'], []), 'owner-offline'],
    ['the daemon lists the owner away, a channel to it is open', room(true, ['f1'], [], ['ann']), 'owner-online'],
  ] as const)('%s', (_name, view, expected) => {
    expect(presenceOf(file, view)).toBe(expected);
  });
});

describe('itemProblem', () => {
  it('is null when the same file is still listed', () => {
    expect(itemProblem(file, [shared('other', 'ann', 'b'), file])).toBeNull();
  });

  it('says when the file is gone or is not the same file any more', () => {
    expect(itemProblem(file, [])).toBe('FILE_NOT_SHARED');
    expect(itemProblem(file, [{ ...file, size: file.size + 1 }])).toBe('FILE_CHANGED');
    expect(itemProblem(file, [{ ...file, sha256: 'b'.repeat(64) }])).toBe('FILE_CHANGED');
    expect(itemProblem(file, [{ ...file, owner: 'eve' }])).toBe('FILE_CHANGED');
  });
});

describe('presentBits', () => {
  it('keeps only marked chunks that are really stored', () => {
    // Marked 0, 2, 9; stored 0, 1, 9: only 0 and 9 count (1 was stored but never marked).
    const have = new Uint8Array([0b0000_0101, 0b0000_0010]);
    expect([...presentBits(have, new Set([0, 1, 9]), 10)]).toEqual([0b0000_0001, 0b0000_0010]);
  });

  it('is empty when nothing is stored, and ignores bits past the end', () => {
    expect([...presentBits(new Uint8Array([0xff]), undefined, 4)]).toEqual([0]);
    expect([...presentBits(new Uint8Array([0xff]), new Set([0, 1, 2, 3, 4, 5]), 4)]).toEqual([0b1111]);
  });
});
