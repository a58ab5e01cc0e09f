import type { Instance } from 'simple-peer';

/**
 * The only place that reads simple-peer's private fields, for what its public API cannot do:
 * - `_channel`, its RTCDataChannel: simple-peer exposes `bufferSize` but not the channel's
 *   `bufferedAmountLowThreshold` nor the `bufferedamountlow` event. Its own backpressure (the
 *   Duplex stream's `write` callback) waits for 64 KiB buffered, which caps a channel far below
 *   its ceiling; the engine keeps megabytes in flight and needs the real event.
 * - `_pc`, its RTCPeerConnection: `sctp.maxMessageSize`, the remote's advertised message limit
 *   (simple-peer sends whatever it is given; an oversized message kills the channel).
 * - `_iceCompleteTimer`: a 5 s timer simple-peer arms on the first candidate and never clears on
 *   destroy; left alone it keeps a Node process alive for 5 s after the link is gone.
 * Everything else (signals, `connect`, `data`, `close`, `send`, `destroy`) goes through the public
 * API. `internalsProblem` checks the fields are where this file expects them: the adapter refuses
 * to run on a simple-peer that moved them, and node-peer/test/simple-peer-internals.test.ts fails
 * on such an upgrade (checked against a real connected pair).
 */

/** The data channel members used here; the DOM's RTCDataChannel and node-datachannel's both have them. */
export interface DataChannelLike {
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  addEventListener(type: 'bufferedamountlow', listener: () => void): void;
  removeEventListener(type: 'bufferedamountlow', listener: () => void): void;
}

interface PeerConnectionLike {
  readonly sctp?: { readonly maxMessageSize: number | null } | null;
}

interface SimplePeerInternals {
  readonly _channel?: DataChannelLike | null;
  readonly _pc?: PeerConnectionLike | null;
  readonly _iceCompleteTimer?: ReturnType<typeof setTimeout> | null;
}

function internalsOf(peer: Instance): SimplePeerInternals {
  return peer as unknown as SimplePeerInternals;
}

/**
 * What is missing, or null when all is as expected. Before `connect` only the fields' presence
 * can be checked (the answerer's `_channel` is still null); once connected, their shapes too.
 */
export function internalsProblem(peer: Instance, connected: boolean): string | null {
  const internals = internalsOf(peer);
  for (const field of ['_channel', '_pc', '_iceCompleteTimer'] as const) {
    if (!(field in internals)) return `simple-peer has no ${field}`;
  }
  if (!connected) return null;
  const channel = internals._channel;
  if (!channel || typeof channel.bufferedAmount !== 'number' || typeof channel.addEventListener !== 'function') {
    return 'simple-peer _channel is not a data channel once connected';
  }
  if (!internals._pc || typeof internals._pc !== 'object') return 'simple-peer _pc is not a peer connection';
  return null;
}

export function dataChannelOf(peer: Instance): DataChannelLike | null {
  return internalsOf(peer)._channel ?? null;
}

/** The remote's advertised max message size, when the peer connection knows it. */
export function remoteMaxMessageSizeOf(peer: Instance): number | null | undefined {
  return internalsOf(peer)._pc?.sctp?.maxMessageSize;
}

export function clearIceCompleteTimer(peer: Instance): void {
  const timer = internalsOf(peer)._iceCompleteTimer;
  if (timer !== null && timer !== undefined) clearTimeout(timer);
}
