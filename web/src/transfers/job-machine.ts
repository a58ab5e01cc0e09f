import type { TransferError } from '@ferry/common/transfer';

/*
 * The life of one download job as data: which phase it is in, what moves it on, and what the
 * manager must do about it. Pure, so every rule (what can be paused, when a folder is saved, what a
 * failure does) is one row of a table test; DownloadManager runs the effects.
 */

export type JobPhase =
  /** Read back from storage, waiting for the room to say whether it can go on. */
  | 'restoring'
  | 'active'
  | 'paused'
  /** Every file is checked: writing the archive. */
  | 'saving'
  | 'saved'
  | 'failed'
  | 'cancelled';

export interface JobState {
  readonly kind: 'file' | 'folder';
  readonly phase: JobPhase;
  readonly error: TransferError | null;
}

export type JobEvent =
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'cancel' }
  /** The person left the room, or the job is another identity's: it goes, whatever it was doing. */
  | { type: 'discard' }
  /** A stored job's files are still shared as they were: it goes on. */
  | { type: 'room-ready' }
  /** One file's transfer finished and its SHA-256 matched. */
  | { type: 'file-verified' }
  /** Every file of a folder is checked: time to write the ZIP. */
  | { type: 'all-verified' }
  /** The folder's ZIP is written. */
  | { type: 'saved' }
  | { type: 'failed'; error: TransferError };

export type JobEffect =
  /** Stop the running transfers, keeping what is stored. */
  | 'pause-transfers'
  /** Start the transfers paused before. */
  | 'start-transfers'
  /** Start the files an active job should be fetching (or, all checked, report all-verified). */
  | 'fetch'
  /** Owners' presence decides whether the transfers wait. */
  | 'follow-presence'
  | 'save-folder'
  /** Write the job's record (which chunks are stored, paused or not). */
  | 'persist'
  /** For good: stop the transfers, delete the record and the stored chunks. */
  | 'end';

export interface JobTransition {
  state: JobState;
  effects: JobEffect[];
}

export const isTerminalPhase = (phase: JobPhase) => phase === 'saved' || phase === 'failed' || phase === 'cancelled';

const stay = (state: JobState): JobTransition => ({ state, effects: [] });
const to = (state: JobState, phase: JobPhase, effects: JobEffect[], error: TransferError | null = null) => ({
  state: { ...state, phase, error },
  effects,
});

export function transition(state: JobState, event: JobEvent): JobTransition {
  if (isTerminalPhase(state.phase)) return stay(state);
  const { phase } = state;
  switch (event.type) {
    case 'pause':
      return phase === 'active' || phase === 'restoring'
        ? to(state, 'paused', ['pause-transfers', 'persist'])
        : stay(state);
    case 'resume':
      return phase === 'paused'
        ? to(state, 'active', ['start-transfers', 'fetch', 'follow-presence', 'persist'])
        : stay(state);
    case 'cancel':
      // Once every file is checked the ZIP is being written: nothing left to cancel.
      return phase === 'saving' ? stay(state) : to(state, 'cancelled', ['end']);
    case 'discard':
      return to(state, 'cancelled', ['end']);
    case 'room-ready':
      return phase === 'restoring' ? to(state, 'active', ['fetch']) : stay(state);
    case 'file-verified':
      if (state.kind === 'file') return to(state, 'saved', ['end']);
      // A folder's files wait, checked, until all are; a paused folder waits for its resume.
      return { state, effects: phase === 'active' ? ['persist', 'fetch'] : ['persist'] };
    case 'all-verified':
      return state.kind === 'folder' && phase === 'active' ? to(state, 'saving', ['save-folder']) : stay(state);
    case 'saved':
      return phase === 'saving' ? to(state, 'saved', ['end']) : stay(state);
    case 'failed':
      return to(state, 'failed', ['end'], event.error);
  }
}
