import type { FileOffer } from '@ferry/common';
import { describe, expect, it } from 'vitest';
import { OutboxDriver } from '../src/files/outbox-driver';
import {
  emptyOutbox,
  GAVE_UP_MESSAGE,
  outboxTransition,
  pendingOffers,
  type OutboxEvent,
  type OutboxState,
} from '../src/files/outbox-machine';
import { offer } from '@ferry/common/test/builders';
import { FakeClock } from './fakes';

const options = { resendAfterMs: 1000, maxTries: 3 };

function run(events: OutboxEvent[], from: OutboxState = emptyOutbox) {
  let state = from;
  const effects: string[] = [];
  for (const event of events) {
    const step = outboxTransition(state, event, options);
    state = step.state;
    effects.push(...step.effects.map((e) => `${e.type}:${'reqId' in e ? e.reqId : e.fileIds.join(',')}`));
  }
  return { state, effects };
}

const add = (reqId: string, ...offers: FileOffer[]): OutboxEvent => ({ type: 'add', reqId, offers });

describe('outboxTransition', () => {
  it('sends at once when connected and schedules a resend', () => {
    const { state, effects } = run([{ type: 'connection-ready' }, add('r1', offer('f1', 'a'))]);
    expect(effects).toEqual(['send:r1', 'schedule:r1']);
    expect(state.requests[0]?.status).toEqual({ kind: 'sending', tries: 1 });
  });

  it('waits for the connection before the first send', () => {
    const { state, effects } = run([add('r1', offer('f1', 'a')), { type: 'resend-due', reqId: 'r1' }]);
    expect(effects).toEqual([]);
    expect(pendingOffers(state).map((o) => o.id)).toEqual(['f1']);
    expect(run([{ type: 'connection-ready' }], state).effects).toEqual(['send:r1', 'schedule:r1']);
  });

  it('resends the same reqId, then gives up after maxTries with a clear message', () => {
    const { state, effects } = run([
      { type: 'connection-ready' },
      add('r1', offer('f1', 'a')),
      { type: 'resend-due', reqId: 'r1' },
      { type: 'resend-due', reqId: 'r1' },
      { type: 'resend-due', reqId: 'r1' },
    ]);
    expect(effects).toEqual(['send:r1', 'schedule:r1', 'send:r1', 'schedule:r1', 'send:r1', 'schedule:r1']);
    expect(state.requests[0]?.status).toEqual({ kind: 'failed', message: GAVE_UP_MESSAGE });
    expect(pendingOffers(state)).toEqual([]);
    const retried = run([{ type: 'retry', reqId: 'r1' }], state);
    expect(retried.effects).toEqual(['send:r1', 'schedule:r1']);
    expect(retried.state.requests[0]?.status).toEqual({ kind: 'sending', tries: 1 });
  });

  it('settles on the answer: accepted files go, rejected ones stay with the reason', () => {
    const { state, effects } = run([
      { type: 'connection-ready' },
      add('r1', offer('f1', 'a'), offer('f2', 'b'), offer('f3', 'c')),
      { type: 'answered', reqId: 'r1', acceptedIds: ['f1'], rejected: [{ id: 'f2', reason: 'duplicate' }] },
      { type: 'answered', reqId: 'r1', acceptedIds: [], rejected: [] },
    ]);
    expect(effects).toEqual(['send:r1', 'schedule:r1', 'cancel:r1', 'forget:f2,f3']);
    expect(state.requests).toEqual([]);
    expect(state.rejected.map((r) => [r.offer.id, r.reason])).toEqual([
      ['f2', 'duplicate'],
      ['f3', 'the host did not accept it'],
    ]);
    expect(run([{ type: 'dismiss-rejected', fileId: 'f2' }], state).state.rejected).toHaveLength(1);
  });

  it('holds a request while the host is offline and sends it again when the host is back', () => {
    const { state, effects } = run([
      { type: 'connection-ready' },
      add('r1', offer('f1', 'a')),
      { type: 'error', reqId: 'r1', code: 'MASTER_OFFLINE', message: 'host offline' },
      { type: 'resend-due', reqId: 'r1' },
      { type: 'host-online' },
    ]);
    expect(effects).toEqual(['send:r1', 'schedule:r1', 'cancel:r1', 'send:r1', 'schedule:r1']);
    expect(state.requests[0]?.status).toEqual({ kind: 'sending', tries: 1 });
  });

  it('fails a request the daemon refuses, but rides out rate limiting', () => {
    const refused = run([
      { type: 'connection-ready' },
      add('r1', offer('f1', 'a')),
      { type: 'error', reqId: 'r1', code: 'RATE_LIMITED', message: 'slow' },
    ]);
    expect(refused.state.requests[0]?.status.kind).toBe('sending');
    const limited = run(
      [{ type: 'error', reqId: 'r1', code: 'LIMIT_EXCEEDED', message: 'too many files' }],
      refused.state,
    );
    expect(limited.state.requests[0]?.status).toEqual({
      kind: 'failed',
      message: 'The room cannot take more files: too many files',
    });
  });

  it('stops the timers while disconnected and starts over when reconnected', () => {
    const { state, effects } = run([
      { type: 'connection-ready' },
      add('r1', offer('f1', 'a')),
      { type: 'resend-due', reqId: 'r1' },
      { type: 'connection-lost' },
      { type: 'resend-due', reqId: 'r1' },
      { type: 'connection-ready' },
    ]);
    expect(effects).toEqual([
      'send:r1',
      'schedule:r1',
      'send:r1',
      'schedule:r1',
      'cancel:r1',
      'send:r1',
      'schedule:r1',
    ]);
    expect(state.requests[0]?.status).toEqual({ kind: 'sending', tries: 1 });
  });

  it('dismissing a failed request forgets its files', () => {
    const { state, effects } = run([add('r1', offer('f1', 'a')), { type: 'dismiss-request', reqId: 'r1' }]);
    expect(state.requests).toEqual([]);
    expect(effects).toEqual(['cancel:r1', 'forget:f1']);
  });
});

describe('OutboxDriver with a fake clock', () => {
  it('resends every resendAfterMs and gives up after maxTries', () => {
    const clock = new FakeClock();
    const sent: string[] = [];
    const driver = new OutboxDriver(
      clock,
      { send: (reqId) => sent.push(reqId), forget: () => undefined, onChange: () => undefined },
      options,
    );
    driver.dispatch({ type: 'connection-ready' });
    driver.dispatch(add('r1', offer('f1', 'a')));
    expect(sent).toEqual(['r1']);
    clock.advance(999);
    expect(sent).toEqual(['r1']);
    clock.advance(1);
    expect(sent).toEqual(['r1', 'r1']);
    clock.advance(5000);
    expect(sent).toEqual(['r1', 'r1', 'r1']);
    expect(driver.state.requests[0]?.status.kind).toBe('failed');
    expect(clock.pending).toBe(0);
  });

  it('an answer cancels the resend timer', () => {
    const clock = new FakeClock();
    const sent: string[] = [];
    const driver = new OutboxDriver(
      clock,
      { send: (reqId) => sent.push(reqId), forget: () => undefined, onChange: () => undefined },
      options,
    );
    driver.dispatch({ type: 'connection-ready' });
    driver.dispatch(add('r1', offer('f1', 'a')));
    driver.dispatch({ type: 'answered', reqId: 'r1', acceptedIds: ['f1'], rejected: [] });
    clock.advance(10_000);
    expect(sent).toEqual(['r1']);
    expect(clock.pending).toBe(0);
  });
});
