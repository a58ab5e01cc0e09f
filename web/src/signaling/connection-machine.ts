import { CLOSE_CODES } from '@ferry/common';
import { backoffDelayMs, type BackoffOptions } from '@ferry/common/transfer';

/** Reconnects to the daemon: jittered, so the tabs of a room do not all knock at once. */
export const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15_000 };

/**
 * The signaling connection as data. `attempt` counts consecutive failed tries since the last
 * successful registration; it drives the backoff and tells a first connect from a reconnect.
 */
export type ConnectionState =
  | { kind: 'idle' }
  | { kind: 'connecting'; attempt: number }
  /** Socket open, register sent, no ACK yet. */
  | { kind: 'open'; attempt: number }
  | { kind: 'ready' }
  /** Waiting out the backoff before the next try. */
  | { kind: 'waiting'; attempt: number; delayMs: number }
  /** Another tab took this identity over (close code 4001): no auto-reconnect. */
  | { kind: 'replaced' }
  | { kind: 'stopped'; reason: StopReason };

/**
 * Why the app stopped on purpose: the user left, the daemon refused us in a way retrying cannot
 * fix, or the host ended the room.
 */
export type StopReason = 'left' | 'refused' | 'ended';

export type ConnectionEvent =
  | { type: 'start' }
  | { type: 'opened' }
  | { type: 'registered' }
  /** `random` in [0, 1) comes from the adapter so this function stays pure. */
  | { type: 'closed'; code: number; random: number }
  | { type: 'retry-timer' }
  /** Skip the rest of the backoff (the browser came back online, the user asked). */
  | { type: 'retry-now' }
  /**
   * The daemon turned the register down for now (RATE_LIMITED): drop this socket and register
   * again after the backoff, as after a failed connect.
   */
  | { type: 'busy'; random: number }
  | { type: 'stop'; reason: StopReason };

export type ConnectionEffect =
  | { type: 'open-socket' }
  | { type: 'send-register' }
  | { type: 'close-socket' }
  | { type: 'start-retry-timer'; delayMs: number }
  | { type: 'cancel-retry-timer' };

export interface Transition {
  state: ConnectionState;
  effects: ConnectionEffect[];
}

export const initialConnection: ConnectionState = { kind: 'idle' };

const stay = (state: ConnectionState): Transition => ({ state, effects: [] });

function afterClose(attempt: number, code: number, random: number, backoff: BackoffOptions): Transition {
  if (code === CLOSE_CODES.sessionReplaced) return { state: { kind: 'replaced' }, effects: [] };
  if (code === CLOSE_CODES.left) return { state: { kind: 'stopped', reason: 'left' }, effects: [] };
  if (code === CLOSE_CODES.roomEnded) return { state: { kind: 'stopped', reason: 'ended' }, effects: [] };
  const delayMs = backoffDelayMs(attempt, backoff, random);
  return {
    state: { kind: 'waiting', attempt: attempt + 1, delayMs },
    effects: [{ type: 'start-retry-timer', delayMs }],
  };
}

export function transition(
  state: ConnectionState,
  event: ConnectionEvent,
  backoff: BackoffOptions = RECONNECT_BACKOFF,
): Transition {
  switch (state.kind) {
    case 'idle':
    case 'replaced':
    case 'stopped':
      return event.type === 'start'
        ? { state: { kind: 'connecting', attempt: 0 }, effects: [{ type: 'open-socket' }] }
        : stay(state);
    case 'connecting':
      switch (event.type) {
        case 'opened':
          return { state: { kind: 'open', attempt: state.attempt }, effects: [{ type: 'send-register' }] };
        case 'closed':
          return afterClose(state.attempt, event.code, event.random, backoff);
        case 'stop':
          return { state: { kind: 'stopped', reason: event.reason }, effects: [{ type: 'close-socket' }] };
        default:
          return stay(state);
      }
    case 'open':
      switch (event.type) {
        case 'registered':
          return stay({ kind: 'ready' });
        case 'busy': {
          const delayMs = backoffDelayMs(state.attempt, backoff, event.random);
          return {
            state: { kind: 'waiting', attempt: state.attempt + 1, delayMs },
            effects: [{ type: 'close-socket' }, { type: 'start-retry-timer', delayMs }],
          };
        }
        case 'closed':
          return afterClose(state.attempt, event.code, event.random, backoff);
        case 'stop':
          return { state: { kind: 'stopped', reason: event.reason }, effects: [{ type: 'close-socket' }] };
        default:
          return stay(state);
      }
    case 'ready':
      switch (event.type) {
        case 'closed':
          return afterClose(0, event.code, event.random, backoff);
        case 'stop':
          return { state: { kind: 'stopped', reason: event.reason }, effects: [{ type: 'close-socket' }] };
        default:
          return stay(state);
      }
    case 'waiting':
      switch (event.type) {
        case 'retry-timer':
          return { state: { kind: 'connecting', attempt: state.attempt }, effects: [{ type: 'open-socket' }] };
        case 'retry-now':
          return {
            state: { kind: 'connecting', attempt: state.attempt },
            effects: [{ type: 'cancel-retry-timer' }, { type: 'open-socket' }],
          };
        case 'stop':
          return { state: { kind: 'stopped', reason: event.reason }, effects: [{ type: 'cancel-retry-timer' }] };
        default:
          return stay(state);
      }
    default:
      return assertNever(state);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected connection state ${JSON.stringify(value)}`);
}

/** True while the tab had a working connection (or tried and failed) and is trying to get it back. */
export function isReconnecting(state: ConnectionState): boolean {
  return state.kind === 'waiting' || ((state.kind === 'connecting' || state.kind === 'open') && state.attempt > 0);
}
