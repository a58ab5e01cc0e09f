import SimplePeer from 'simple-peer';
import { afterAll, describe, expect, it } from 'vitest';
import { dataChannelOf, internalsProblem, remoteMaxMessageSizeOf } from '@ferry/common/transport';
import { cleanupWebrtc, nodeWrtc } from '../src/wrtc';

/*
 * The adapter (common/src/transport/simple-peer-channel.ts) reads three private fields of
 * simple-peer through simple-peer-internals.ts. This test holds the installed simple-peer to
 * them on a real connected pair over node-datachannel: an upgrade that renames or moves one fails
 * here, before the adapter would refuse to open in the field.
 */

const peers: SimplePeer.Instance[] = [];

afterAll(() => {
  for (const peer of peers) peer.destroy();
  cleanupWebrtc();
});

function connectedPair(): Promise<[SimplePeer.Instance, SimplePeer.Instance]> {
  const config = { iceServers: [] };
  const offerer = new SimplePeer({ initiator: true, wrtc: nodeWrtc, config, channelName: 'internals' });
  const answerer = new SimplePeer({ initiator: false, wrtc: nodeWrtc, config, channelName: 'internals' });
  peers.push(offerer, answerer);
  offerer.on('signal', (data: SimplePeer.SignalData) => answerer.signal(data));
  answerer.on('signal', (data: SimplePeer.SignalData) => offerer.signal(data));
  const connected = (peer: SimplePeer.Instance) =>
    new Promise<void>((resolve, reject) => {
      peer.once('connect', () => resolve());
      peer.once('error', reject);
    });
  expect(internalsProblem(offerer, false)).toBeNull();
  expect(internalsProblem(answerer, false)).toBeNull();
  return Promise.all([connected(offerer), connected(answerer)]).then(() => [offerer, answerer]);
}

describe("simple-peer's private fields the adapter reads", () => {
  it('are where the adapter expects them once connected', async () => {
    const [offerer, answerer] = await connectedPair();
    for (const peer of [offerer, answerer]) {
      expect(internalsProblem(peer, true)).toBeNull();
      // node-datachannel advertises 256 KiB in its SDP.
      expect(remoteMaxMessageSizeOf(peer)).toBe(256 * 1024);
      expect('_iceCompleteTimer' in peer).toBe(true);
    }
  });

  it("give the data channel's own threshold and bufferedamountlow, which the public API lacks", async () => {
    const [offerer] = await connectedPair();
    const channel = dataChannelOf(offerer);
    if (!channel) throw new Error('no data channel');
    channel.bufferedAmountLowThreshold = 1024;
    // node-datachannel may fire the event while the native side still holds frames (seen under
    // load), so the proof is that some `bufferedamountlow` finds the buffer drained to the threshold.
    const drained = new Promise<void>((resolve) =>
      channel.addEventListener('bufferedamountlow', () => {
        if (channel.bufferedAmount <= 1024) resolve();
      }),
    );
    for (let i = 0; i < 64; i += 1) offerer.send(new Uint8Array(64 * 1024));
    expect(channel.bufferedAmount).toBeGreaterThan(1024);
    await drained;
    expect(channel.bufferedAmount).toBeLessThanOrEqual(1024);
  });
});
