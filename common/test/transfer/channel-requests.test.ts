import { describe, expect, it } from 'vitest';
import { ChannelRequestGate } from '../../src/transfer/channel-requests';
import type { Clock } from '../../src/transfer/clock';

/** Time that moves only when the test says (the gate only reads it). */
function manualClock(): Clock & { advance(ms: number): void } {
  let nowMs = 1_000;
  return {
    now: () => nowMs,
    after: () => () => undefined,
    advance: (ms) => {
      nowMs += ms;
    },
  };
}

function gate(tuning = {}) {
  const clock = manualClock();
  const chunks = new Map([['f1', 10]]);
  const g = new ChannelRequestGate(clock, (fileId) => chunks.get(fileId), { graceMs: 60_000, ...tuning });
  return { g, clock, chunks };
}

describe('ChannelRequestGate: which chunk requests over the channel the owner serves', () => {
  it('serves a transfer the daemon routed from the same asker, within the file', () => {
    const { g } = gate();
    g.routedByDaemon('t1', 'bob', 'f1');
    expect(g.check('bob', 't1', 4, 6)).toEqual({ ok: true, fileId: 'f1', start: 4, end: 10 });
  });

  it.each([
    ['a transfer never routed', 'bob', 't2', 0, 1],
    ['another peer asking on its own channel for bob’s transfer', 'carol', 't1', 0, 1],
    ['chunks past the end of the file', 'bob', 't1', 8, 3],
  ])('refuses %s', (_name, from, transferId, start, count) => {
    const { g } = gate();
    g.routedByDaemon('t1', 'bob', 'f1');
    expect(g.check(from, transferId, start, count)).toEqual({ ok: false, reason: 'unknown-transfer' });
  });

  it('refuses once the file is no longer ours', () => {
    const { g, chunks } = gate();
    g.routedByDaemon('t1', 'bob', 'f1');
    chunks.delete('f1');
    expect(g.check('bob', 't1', 0, 1)).toEqual({ ok: false, reason: 'unknown-transfer' });
  });

  it('forgets transfers that ended, and every transfer of a peer that went away', () => {
    const { g } = gate();
    g.routedByDaemon('t1', 'bob', 'f1');
    g.routedByDaemon('t2', 'bob', 'f1');
    g.routedByDaemon('t3', 'carol', 'f1');
    g.ended('t1');
    g.forgetPeer('bob');
    expect(g.check('bob', 't1', 0, 1).ok).toBe(false);
    expect(g.check('bob', 't2', 0, 1).ok).toBe(false);
    expect(g.check('carol', 't3', 0, 1).ok).toBe(true);
  });

  it('serves for the grace after losing the daemon, and not after', () => {
    const { g, clock } = gate();
    g.routedByDaemon('t1', 'bob', 'f1');
    g.daemonConnection(false);
    clock.advance(60_000);
    expect(g.check('bob', 't1', 0, 1).ok).toBe(true);
    clock.advance(1);
    expect(g.check('bob', 't1', 0, 1)).toEqual({ ok: false, reason: 'daemon-away' });
  });

  it('trusts nothing routed before a reconnection (a dis-approval may have been missed)', () => {
    const { g } = gate();
    g.routedByDaemon('t1', 'bob', 'f1');
    g.daemonConnection(false);
    g.daemonConnection(true);
    expect(g.check('bob', 't1', 0, 1)).toEqual({ ok: false, reason: 'unknown-transfer' });
    g.routedByDaemon('t1', 'bob', 'f1');
    expect(g.check('bob', 't1', 0, 1).ok).toBe(true);
  });

  it('saying the daemon is up while it is up forgets nothing', () => {
    const { g } = gate();
    g.routedByDaemon('t1', 'bob', 'f1');
    g.daemonConnection(true);
    expect(g.check('bob', 't1', 0, 1).ok).toBe(true);
  });

  it('remembers a bounded number of transfers, the least recently routed going first', () => {
    const { g } = gate({ maxTransfers: 2 });
    g.routedByDaemon('t1', 'bob', 'f1');
    g.routedByDaemon('t2', 'bob', 'f1');
    g.routedByDaemon('t1', 'bob', 'f1');
    g.routedByDaemon('t3', 'bob', 'f1');
    expect(['t1', 't2', 't3'].map((t) => g.check('bob', t, 0, 1).ok)).toEqual([true, false, true]);
  });

  it('a transferId the daemon gave to another asker since belongs to that asker', () => {
    const { g } = gate();
    g.routedByDaemon('t1', 'bob', 'f1');
    g.routedByDaemon('t1', 'carol', 'f1');
    expect(g.check('bob', 't1', 0, 1).ok).toBe(false);
    expect(g.check('carol', 't1', 0, 1).ok).toBe(true);
  });
});
