import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/transfer/clock';
import { ICE_FAILED_NOTICE, PeerLinks, type Link } from '../../src/transfer/links';
import { createMemoryChannelPair, type MemoryChannel } from '../../src/transport/memory-channel';
import { ChannelError } from '../../src/transport/peer-channel';

/*
 * Bug 8 of issue 12: when ICE says it cannot connect, the link fails at once (its transfers go by
 * relay, and P2P to that peer rests for a while), the other side is told, and the connect timeout
 * is only the last resort. Links here never open by themselves (openDelayMs far away).
 */

const NEVER_MS = 3_600_000;

function links(tuning = {}) {
  const signals: Array<[string, unknown]> = [];
  const made: MemoryChannel[] = [];
  const changes: string[] = [];
  const peerLinks = new PeerLinks(
    {
      self: () => 'ann',
      createLink: (): Link => {
        const [mine] = createMemoryChannelPair({ latencyMs: 0, maxMessageBytes: 1024, openDelayMs: NEVER_MS });
        made.push(mine);
        return { channel: mine, signal: () => undefined, destroy: () => mine.close() };
      },
      sendSignal: (to, data) => signals.push([to, data]),
      p2pEnabled: () => true,
      clock: systemClock,
      onFrame: () => undefined,
      onChange: (remote) => changes.push(remote),
    },
    { connectTimeoutMs: 10_000, retryAfterFailureMs: 60_000, ...tuning },
  );
  return { peerLinks, signals, made, changes };
}

describe('PeerLinks when ICE cannot connect', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a link that fails with ICE_FAILED gives up at once, tells the remote, and rests P2P to it', async () => {
    const { peerLinks, signals, made } = links();
    const channel = peerLinks.channelTo('bob');
    expect(peerLinks.stateOf('bob')).toBe('connecting');
    made[0]?.fail(new ChannelError('ICE_FAILED', 'no candidate'));
    expect(await channel).toBeNull();
    expect(signals).toContainEqual(['bob', ICE_FAILED_NOTICE]);
    expect(peerLinks.stateOf('bob')).toBe('failed');
    // No new dial while P2P to bob rests: straight to the relay.
    expect(await peerLinks.channelTo('bob')).toBeNull();
    expect(made).toHaveLength(1);
    vi.advanceTimersByTime(60_001);
    expect(peerLinks.stateOf('bob')).toBe('none');
  });

  it('the remote’s notice fails a link still connecting, without answering it back', async () => {
    const { peerLinks, signals } = links();
    const channel = peerLinks.channelTo('bob');
    const dialSignals = signals.length;
    peerLinks.handleSignal('bob', { ferry: 'ice-failed' });
    expect(await channel).toBeNull();
    expect(peerLinks.stateOf('bob')).toBe('failed');
    expect(signals).toHaveLength(dialSignals);
  });

  it('a close for another reason before opening is no failure: the next send dials again', async () => {
    const { peerLinks, made } = links();
    const channel = peerLinks.channelTo('bob');
    made[0]?.close();
    expect(await channel).toBeNull();
    expect(peerLinks.stateOf('bob')).toBe('none');
  });

  it('a SIGNAL the daemon refused for our rate fails the link; refused otherwise, it is dropped', async () => {
    const { peerLinks } = links();
    const first = peerLinks.channelTo('bob');
    peerLinks.signalRefused('bob', true);
    expect(await first).toBeNull();
    expect(peerLinks.stateOf('bob')).toBe('failed');
    const second = peerLinks.channelTo('carol');
    peerLinks.signalRefused('carol', false);
    expect(await second).toBeNull();
    expect(peerLinks.stateOf('carol')).toBe('none');
  });

  it('with nothing said, the connect timeout is still the last resort', async () => {
    const { peerLinks } = links();
    const channel = peerLinks.channelTo('bob');
    vi.advanceTimersByTime(9_999);
    expect(peerLinks.stateOf('bob')).toBe('connecting');
    vi.advanceTimersByTime(1);
    expect(await channel).toBeNull();
    expect(peerLinks.stateOf('bob')).toBe('failed');
  });

  it('tells its owner each time a link starts, fails or closes', () => {
    const { peerLinks, made, changes } = links();
    void peerLinks.channelTo('bob');
    made[0]?.fail(new ChannelError('ICE_FAILED', 'no candidate'));
    expect(changes).toEqual(['bob', 'bob']);
  });
});
