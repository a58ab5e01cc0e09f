import type { Instance, Options, SignalData, SimplePeer } from 'simple-peer';
import { ListenerSet } from './listener-set';
import type { ChannelState, PeerChannel } from './peer-channel';

/**
 * The one adapter around simple-peer: a PeerChannel over a WebRTC data channel, in browsers and in
 * Node alike. Nothing from simple-peer is imported at runtime: the constructor is injected (the
 * browser passes `simple-peer/simplepeer.min.js`, Node passes `simple-peer`), so this file bundles
 * anywhere.
 */

/** Messages are never larger than this, whatever the remote advertises (Chrome's own limit). */
export const MAX_MESSAGE_BYTES_CAP = 256 * 1024;
/** Used when the remote's limit is unknown: every browser accepts 64 KiB. */
export const MAX_MESSAGE_BYTES_FLOOR = 64 * 1024;
/**
 * Messages that arrive between the data channel opening and simple-peer's `connect` (it first
 * looks up the candidate pair) are held until then; a remote that sends more than this meanwhile
 * is misbehaving.
 */
export const MAX_EARLY_BYTES = 16 * 1024 * 1024;

export interface SimplePeerLinkOptions {
  SimplePeer: SimplePeer;
  initiator: boolean;
  /** Node's WebRTC implementation; browsers leave it out. */
  wrtc?: Options['wrtc'];
  config: RTCConfiguration;
  /** Called with each signal (offer, answer, candidate) for the remote's `signal()`. */
  sendSignal: (data: unknown) => void;
  channelName: string;
}

export interface SimplePeerLink {
  readonly channel: PeerChannel;
  /** Feeds a signal from the remote. Malformed data closes the link with an error. */
  signal(data: unknown): void;
  /** Idempotent: closes the channel (firing its close listeners once) and releases everything. */
  destroy(): void;
}

/** The remote's max message size, capped to MAX_MESSAGE_BYTES_CAP; the floor when unknown. */
export function messageBytesFor(remoteMaxMessageSize: number | null | undefined): number {
  // An SDP `max-message-size:0` means "no limit", which browsers report as Infinity.
  if (remoteMaxMessageSize === Infinity) return MAX_MESSAGE_BYTES_CAP;
  if (typeof remoteMaxMessageSize !== 'number' || !Number.isFinite(remoteMaxMessageSize) || remoteMaxMessageSize <= 0) {
    return MAX_MESSAGE_BYTES_FLOOR;
  }
  return Math.min(Math.floor(remoteMaxMessageSize), MAX_MESSAGE_BYTES_CAP);
}

/** The data channel members used here; the DOM's RTCDataChannel and node-datachannel's both have them. */
interface DataChannelLike {
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  addEventListener(type: 'message' | 'bufferedamountlow', listener: (event: { data?: unknown }) => void): void;
  removeEventListener(type: 'message' | 'bufferedamountlow', listener: (event: { data?: unknown }) => void): void;
}

interface PeerConnectionLike {
  readonly sctp?: { readonly maxMessageSize: number | null } | null;
  addEventListener(type: 'datachannel', listener: () => void): void;
  removeEventListener(type: 'datachannel', listener: () => void): void;
}

/**
 * simple-peer's private fields, read for what its public API lacks:
 * - `_channel`: its data channel. simple-peer exposes only a 64 KiB-threshold stream
 *   backpressure; the engine needs the real `bufferedAmount`, its own threshold and the
 *   `bufferedamountlow` event, and binary messages without the Buffer and stream layers.
 * - `_pc`: its RTCPeerConnection, for `sctp.maxMessageSize` (the remote's advertised limit) and to
 *   hear `datachannel` (right after simple-peer stores the answerer's channel in `_channel`).
 * - `_iceCompleteTimer`: a 5 s timer simple-peer arms on the first candidate and never clears on
 *   destroy; left alone it keeps a Node process alive for 5 s after the link is gone.
 */
interface SimplePeerInternals {
  readonly _channel: DataChannelLike | null;
  readonly _pc: PeerConnectionLike | null;
  readonly _iceCompleteTimer: ReturnType<typeof setTimeout> | null;
}

function internalsOf(peer: Instance): SimplePeerInternals {
  return peer as unknown as SimplePeerInternals;
}

/** The signals a data-only link exchanges; media renegotiation (`transceiverRequest`) is refused. */
function isSignalData(data: unknown): data is SignalData {
  if (typeof data !== 'object' || data === null) return false;
  const { type, sdp, candidate, renegotiate } = data as Record<string, unknown>;
  if (type === 'offer' || type === 'answer') return typeof sdp === 'string';
  if (type === 'candidate') {
    return (
      typeof candidate === 'object' &&
      candidate !== null &&
      typeof (candidate as Record<string, unknown>)['candidate'] === 'string'
    );
  }
  return type === 'renegotiate' && renegotiate === true;
}

function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

export function createSimplePeerLink(options: SimplePeerLinkOptions): SimplePeerLink {
  const peer = new options.SimplePeer({
    initiator: options.initiator,
    channelName: options.channelName,
    // simple-peer's default config lists public STUN servers; Ferry uses only what the host gives.
    config: { ...options.config, iceServers: options.config.iceServers ?? [] },
    ...(options.wrtc ? { wrtc: options.wrtc } : {}),
  });
  const internals = internalsOf(peer);

  let state: ChannelState = 'connecting';
  let maxMessageBytes = MAX_MESSAGE_BYTES_FLOOR;
  let lowThresholdBytes = 0;
  let dataChannel: DataChannelLike | null = null;
  let earlyMessages: Uint8Array[] = [];
  let earlyBytes = 0;
  let lastError: Error | undefined;
  const openListeners = new ListenerSet<[]>();
  const messageListeners = new ListenerSet<[Uint8Array]>();
  const lowListeners = new ListenerSet<[]>();
  const closeListeners = new ListenerSet<[Error | undefined]>();

  const onChannelMessage = (event: { data?: unknown }): void => {
    const bytes = toBytes(event.data);
    if (!bytes) return finish(new Error('received a non-binary data channel message'));
    if (state === 'open') return messageListeners.emit(bytes);
    earlyBytes += bytes.byteLength;
    if (earlyBytes > MAX_EARLY_BYTES) return finish(new Error('remote sent too much before the link opened'));
    earlyMessages.push(bytes);
  };
  const onChannelLow = (): void => lowListeners.emit();

  // Attach as soon as simple-peer has the channel, so no message that arrives before `connect`
  // is lost: the initiator creates it in the constructor, the answerer on `datachannel`.
  const attachChannel = (): void => {
    const found = internals._channel;
    if (dataChannel || !found || state === 'closed') return;
    dataChannel = found;
    // simple-peer sets its own 64 KiB threshold in _setupData, which has run by now.
    found.bufferedAmountLowThreshold = lowThresholdBytes;
    found.addEventListener('message', onChannelMessage);
    found.addEventListener('bufferedamountlow', onChannelLow);
  };
  const peerConnection = internals._pc;
  peerConnection?.addEventListener('datachannel', attachChannel);

  // A throwing sendSignal (say, a closed socket) would otherwise escape from a WebRTC event
  // listener, which in Node ends the process.
  const onSignal = (data: unknown): void => {
    try {
      options.sendSignal(data);
    } catch (error) {
      finish(asError(error));
    }
  };
  const onConnect = (): void => {
    if (state !== 'connecting') return;
    attachChannel();
    maxMessageBytes = messageBytesFor(internals._pc?.sctp?.maxMessageSize);
    state = 'open';
    openListeners.emit();
    const held = earlyMessages;
    earlyMessages = [];
    earlyBytes = 0;
    for (const bytes of held) {
      if (state !== 'open') break;
      messageListeners.emit(bytes);
    }
  };
  const onError = (error: Error): void => {
    lastError = error;
  };
  const onPeerClose = (): void => finish(lastError);

  peer.on('signal', onSignal);
  peer.on('connect', onConnect);
  peer.on('error', onError);
  peer.on('close', onPeerClose);
  // Messages are read from the data channel above; simple-peer also pushes each one into its
  // readable stream, which would hold every byte ever received unless the stream flows.
  peer.resume();
  attachChannel();

  function finish(error: Error | undefined): void {
    if (state === 'closed') return;
    state = 'closed';
    peerConnection?.removeEventListener('datachannel', attachChannel);
    dataChannel?.removeEventListener('message', onChannelMessage);
    dataChannel?.removeEventListener('bufferedamountlow', onChannelLow);
    dataChannel = null;
    earlyMessages = [];
    earlyBytes = 0;
    peer.off('signal', onSignal);
    peer.off('connect', onConnect);
    peer.off('close', onPeerClose);
    // `onError` stays: an 'error' emitted with no listener would throw.
    peer.destroy();
    // simple-peer's destroy runs in a microtask; no candidate can re-arm the timer before then.
    if (internals._iceCompleteTimer !== null) clearTimeout(internals._iceCompleteTimer);
    closeListeners.emit(error);
    openListeners.clear();
    messageListeners.clear();
    lowListeners.clear();
    closeListeners.clear();
  }

  const channel: PeerChannel = {
    get state() {
      return state;
    },
    get maxMessageBytes() {
      return maxMessageBytes;
    },
    get bufferedAmount() {
      return dataChannel?.bufferedAmount ?? 0;
    },
    get bufferedAmountLowThreshold() {
      return lowThresholdBytes;
    },
    set bufferedAmountLowThreshold(bytes: number) {
      lowThresholdBytes = Number.isFinite(bytes) && bytes > 0 ? Math.floor(bytes) : 0;
      if (dataChannel) dataChannel.bufferedAmountLowThreshold = lowThresholdBytes;
    },
    send(data: Uint8Array): void {
      if (state !== 'open') throw new Error(`cannot send on a ${state} channel`);
      if (data.byteLength > maxMessageBytes) {
        throw new RangeError(`message of ${data.byteLength} bytes exceeds maxMessageBytes ${maxMessageBytes}`);
      }
      peer.send(data);
    },
    onOpen: (listener) => openListeners.add(listener),
    onMessage: (listener) => messageListeners.add(listener),
    onBufferedAmountLow: (listener) => lowListeners.add(listener),
    onClose: (listener) => closeListeners.add(listener),
    close: () => finish(undefined),
  };

  return {
    channel,
    signal(data: unknown): void {
      if (state === 'closed') return;
      if (!isSignalData(data)) return finish(new Error('malformed signal data'));
      try {
        peer.signal(data);
      } catch (error) {
        finish(asError(error));
      }
    },
    destroy: () => finish(undefined),
  };
}
