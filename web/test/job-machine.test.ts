import { describe, expect, it } from 'vitest';
import { TransferError } from '@ferry/common/transfer';
import { transition, type JobEffect, type JobEvent, type JobPhase, type JobState } from '../src/transfers/job-machine';

const hashMismatch = new TransferError('HASH_MISMATCH');
const file = (phase: JobPhase): JobState => ({ kind: 'file', phase, error: null });
const folder = (phase: JobPhase): JobState => ({ kind: 'folder', phase, error: null });

describe('job transition', () => {
  const table: Array<[string, JobState, JobEvent, JobPhase, JobEffect[]]> = [
    ['an active job pauses', file('active'), { type: 'pause' }, 'paused', ['pause-transfers', 'persist']],
    ['a restoring job pauses', file('restoring'), { type: 'pause' }, 'paused', ['pause-transfers', 'persist']],
    ['a paused job does not pause again', file('paused'), { type: 'pause' }, 'paused', []],
    ['a saving folder does not pause', folder('saving'), { type: 'pause' }, 'saving', []],
    [
      'a paused job resumes and follows its owners',
      file('paused'),
      { type: 'resume' },
      'active',
      ['start-transfers', 'fetch', 'follow-presence', 'persist'],
    ],
    ['only a paused job resumes', file('active'), { type: 'resume' }, 'active', []],
    ['an active job cancels', file('active'), { type: 'cancel' }, 'cancelled', ['end']],
    ['a paused job cancels', file('paused'), { type: 'cancel' }, 'cancelled', ['end']],
    ['a folder writing its ZIP cannot be cancelled', folder('saving'), { type: 'cancel' }, 'saving', []],
    ['a stored job the room allows goes on', file('restoring'), { type: 'room-ready' }, 'active', ['fetch']],
    ['a paused stored job stays paused', file('paused'), { type: 'room-ready' }, 'paused', []],
    ['a checked file download is saved and ends', file('active'), { type: 'file-verified' }, 'saved', ['end']],
    [
      "a folder's checked file is recorded and the next one fetched",
      folder('active'),
      { type: 'file-verified' },
      'active',
      ['persist', 'fetch'],
    ],
    [
      "a paused folder's checked file is recorded only",
      folder('paused'),
      { type: 'file-verified' },
      'paused',
      ['persist'],
    ],
    ['a folder with every file checked saves', folder('active'), { type: 'all-verified' }, 'saving', ['save-folder']],
    ['a paused folder waits to save', folder('paused'), { type: 'all-verified' }, 'paused', []],
    ['a written ZIP ends the folder', folder('saving'), { type: 'saved' }, 'saved', ['end']],
    ['a failure ends an active job', file('active'), { type: 'failed', error: hashMismatch }, 'failed', ['end']],
    ['a failure ends a saving folder', folder('saving'), { type: 'failed', error: hashMismatch }, 'failed', ['end']],
    ['a failed job stays failed', file('failed'), { type: 'failed', error: hashMismatch }, 'failed', []],
    [
      'a cancelled job ignores a late failure',
      file('cancelled'),
      { type: 'failed', error: hashMismatch },
      'cancelled',
      [],
    ],
    ['a saved job ignores a cancel', file('saved'), { type: 'cancel' }, 'saved', []],
    ['leaving the room discards even a saving folder', folder('saving'), { type: 'discard' }, 'cancelled', ['end']],
    ['a saved job is not discarded again', file('saved'), { type: 'discard' }, 'saved', []],
  ];

  it.each(table)('%s', (_name, from, event, phase, effects) => {
    const result = transition(from, event);
    expect(result.state.phase).toBe(phase);
    expect(result.effects).toEqual(effects);
  });

  it('a failure keeps its error; other endings have none', () => {
    expect(transition(file('active'), { type: 'failed', error: hashMismatch }).state.error).toBe(hashMismatch);
    expect(transition(file('active'), { type: 'cancel' }).state.error).toBeNull();
    expect(transition(file('active'), { type: 'file-verified' }).state.error).toBeNull();
  });
});
