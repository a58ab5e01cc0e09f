import { describe, expect, it } from 'vitest';
import {
  isReconnecting,
  transition,
  type ConnectionEvent,
  type ConnectionState,
} from '../src/signaling/connection-machine';

const backoff = { baseMs: 500, maxMs: 15_000 };

const closed = (code: number, random = 0): ConnectionEvent => ({ type: 'closed', code, random });

describe('connection transition', () => {
  const table: [string, ConnectionState, ConnectionEvent, ConnectionState, string[]][] = [
    ['idle starts', { kind: 'idle' }, { type: 'start' }, { kind: 'connecting', attempt: 0 }, ['open-socket']],
    [
      'open sends register',
      { kind: 'connecting', attempt: 2 },
      { type: 'opened' },
      { kind: 'open', attempt: 2 },
      ['send-register'],
    ],
    ['ack makes it ready', { kind: 'open', attempt: 2 }, { type: 'registered' }, { kind: 'ready' }, []],
    [
      'a drop from ready waits the first backoff',
      { kind: 'ready' },
      closed(1006),
      { kind: 'waiting', attempt: 1, delayMs: 250 },
      ['start-retry-timer'],
    ],
    [
      'a failed connect backs off further',
      { kind: 'connecting', attempt: 3 },
      closed(1006),
      { kind: 'waiting', attempt: 4, delayMs: 2000 },
      ['start-retry-timer'],
    ],
    [
      'a socket closed before the ACK backs off too',
      { kind: 'open', attempt: 1 },
      closed(1011),
      { kind: 'waiting', attempt: 2, delayMs: 500 },
      ['start-retry-timer'],
    ],
    [
      'a register refused for now (rate limit) drops the socket and tries again after the backoff',
      { kind: 'open', attempt: 0 },
      { type: 'busy', random: 0 },
      { kind: 'waiting', attempt: 1, delayMs: 250 },
      ['close-socket', 'start-retry-timer'],
    ],
    [
      'refused for now again backs off further',
      { kind: 'open', attempt: 3 },
      { type: 'busy', random: 0 },
      { kind: 'waiting', attempt: 4, delayMs: 2000 },
      ['close-socket', 'start-retry-timer'],
    ],
    [
      'busy once ready means nothing (only a register is refused that way)',
      { kind: 'ready' },
      { type: 'busy', random: 0 },
      { kind: 'ready' },
      [],
    ],
    ['session replaced does not reconnect', { kind: 'ready' }, closed(4001), { kind: 'replaced' }, []],
    ['left does not reconnect', { kind: 'ready' }, closed(4002), { kind: 'stopped', reason: 'left' }, []],
    [
      'the retry timer opens a new socket',
      { kind: 'waiting', attempt: 2, delayMs: 900 },
      { type: 'retry-timer' },
      { kind: 'connecting', attempt: 2 },
      ['open-socket'],
    ],
    [
      'retry-now skips the wait',
      { kind: 'waiting', attempt: 2, delayMs: 900 },
      { type: 'retry-now' },
      { kind: 'connecting', attempt: 2 },
      ['cancel-retry-timer', 'open-socket'],
    ],
    ['retry-now while ready does nothing', { kind: 'ready' }, { type: 'retry-now' }, { kind: 'ready' }, []],
    [
      'taking the session back starts over',
      { kind: 'replaced' },
      { type: 'start' },
      { kind: 'connecting', attempt: 0 },
      ['open-socket'],
    ],
    [
      'stop while ready closes',
      { kind: 'ready' },
      { type: 'stop', reason: 'refused' },
      { kind: 'stopped', reason: 'refused' },
      ['close-socket'],
    ],
    [
      'stop while waiting cancels the timer',
      { kind: 'waiting', attempt: 1, delayMs: 300 },
      { type: 'stop', reason: 'left' },
      { kind: 'stopped', reason: 'left' },
      ['cancel-retry-timer'],
    ],
    [
      'a stray close while stopped is ignored',
      { kind: 'stopped', reason: 'refused' },
      closed(1006),
      { kind: 'stopped', reason: 'refused' },
      [],
    ],
    [
      'start twice does not open a second socket',
      { kind: 'connecting', attempt: 0 },
      { type: 'start' },
      { kind: 'connecting', attempt: 0 },
      [],
    ],
  ];

  it.each(table)('%s', (_name, from, event, to, effects) => {
    const result = transition(from, event, backoff);
    expect(result.state).toEqual(to);
    expect(result.effects.map((e) => e.type)).toEqual(effects);
  });

  it('says when it is reconnecting', () => {
    expect(isReconnecting({ kind: 'connecting', attempt: 0 })).toBe(false);
    expect(isReconnecting({ kind: 'ready' })).toBe(false);
    expect(isReconnecting({ kind: 'waiting', attempt: 1, delayMs: 10 })).toBe(true);
    expect(isReconnecting({ kind: 'open', attempt: 1 })).toBe(true);
    expect(isReconnecting({ kind: 'replaced' })).toBe(false);
  });
});
