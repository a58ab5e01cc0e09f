import type { Instance, Options, SignalData, SimplePeer } from 'simple-peer';
import { ListenerSet } from './listener-set';
import { ChannelError, type ChannelState, type PeerChannel } from './peer-channel';
import {
  clearIceCompleteTimer,
  dataChannelOf,
  internalsProblem,
  remoteMaxMessageSizeOf,
  type DataChannelLike,
} from './simple-peer-internals';

/**
 * The one adapter around simple-peer: a PeerChannel over a WebRTC data channel, in browsers and in
 * Node alike. Nothing from simple-peer is imported at runtime: the constructor is injected (the
 * browser passes `simple-peer/simplepeer.min.js`, Node passes `simple-peer`), so this file bundles
 * anywhere. Signals, messages, sends and closes go through simple-peer's public API; the three
 * things it lacks (the data channel's low-water event, the remote's message limit, a timer it
 * leaks) come from simple-peer-internals.ts, the one file that reads its private fields.
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
/** Signals held while simple-peer loads: an offer and its candidates (one per interface) fit. */
export const MAX_SIGNALS_BEFORE_LOAD = 64;

export interface SimplePeerLinkOptions {
  /**
   * simple-peer's constructor, or its module still loading: the web apps fetch simple-peer (their
   * largest dependency) after the first render, and a link asked for before it arrives waits in
   * `connecting`, holding the remote's signals (at most MAX_SIGNALS_BEFORE_LOAD).
   */
  SimplePeer: SimplePeer | Promise<SimplePeer>;
  initiator: boolean;
  /** Node's WebRTC implementation; browsers leave it out. */
  wrtc?: Options['wrtc'];
  config: RTCConfiguration;
  /** Called with each signal (offer, answer, candidate) for the remote's `signal()`. */
  sendSignal: (data: unknown) => void;
  channelName: string;
  /**
   * Fail the link (ICE_FAILED) as soon as ICE gathering completes without one local candidate:
   * nothing can connect then, and waiting for the connect timeout only delays the relay. Browsers
   * turn it on. The Node wiring holds its offerer's candidates back until the answer is applied
   * (node-peer/src/wrtc.ts), so a gathering that completes first would look empty there.
   */
  failWithoutCandidates?: boolean;
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

/** Whether a signal carries at least one ICE candidate (trickled, or inside an SDP). */
function hasCandidate(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const { type, sdp } = data as Record<string, unknown>;
  return type === 'candidate' || (typeof sdp === 'string' && /^a=candidate:/m.test(sdp));
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
  let peer: Instance | null = null;
  let signalsBeforeLoad: SignalData[] = [];
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

  // simple-peer's readable stream is the one way messages arrive: a `data` listener keeps it
  // flowing, so nothing piles up in it. Messages that beat `connect` (simple-peer first looks up
  // the candidate pair) are held until then.
  const onData = (data: unknown): void => {
    const bytes = toBytes(data);
    if (!bytes) return finish(new ChannelError('NON_BINARY_MESSAGE', 'received a non-binary data channel message'));
    if (state === 'open') return messageListeners.emit(bytes);
    earlyBytes += bytes.byteLength;
    if (earlyBytes > MAX_EARLY_BYTES) {
      return finish(new ChannelError('EARLY_FLOOD', 'remote sent too much before the link opened'));
    }
    earlyMessages.push(bytes);
  };
  const onChannelLow = (): void => lowListeners.emit();

  // A throwing sendSignal (say, a closed socket) would otherwise escape from a WebRTC event
  // listener, which in Node ends the process.
  let hasLocalCandidate = false;
  const onSignal = (data: unknown): void => {
    hasLocalCandidate ||= hasCandidate(data);
    try {
      options.sendSignal(data);
    } catch (error) {
      finish(asError(error));
    }
  };
  const onConnect = (): void => {
    if (state !== 'connecting' || !peer) return;
    const problem = internalsProblem(peer, true);
    if (problem) return finish(new ChannelError('SIMPLE_PEER_CHANGED', problem));
    dataChannel = dataChannelOf(peer);
    if (dataChannel) {
      // simple-peer sets its own 64 KiB threshold in _setupData, which has run by now.
      dataChannel.bufferedAmountLowThreshold = lowThresholdBytes;
      dataChannel.addEventListener('bufferedamountlow', onChannelLow);
    }
    maxMessageBytes = messageBytesFor(remoteMaxMessageSizeOf(peer));
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
  // simple-peer emits this on every ICE connection and gathering state change, before it acts on
  // them itself (it destroys the peer on `failed`, with an error the engine could not tell apart).
  const onIceStateChange = (connectionState: unknown, gatheringState: unknown): void => {
    if (state !== 'connecting') return;
    if (connectionState === 'failed') {
      return finish(new ChannelError('ICE_FAILED', 'ICE could not connect (iceConnectionState failed)'));
    }
    if (options.failWithoutCandidates && gatheringState === 'complete' && !hasLocalCandidate) {
      finish(new ChannelError('ICE_FAILED', 'ICE gathering completed without a local candidate'));
    }
  };
  const onError = (error: Error): void => {
    lastError = error;
  };
  const onPeerClose = (): void => finish(lastError);

  const start = (SimplePeer: SimplePeer): void => {
    if (state === 'closed') return;
    const started = new SimplePeer({
      initiator: options.initiator,
      channelName: options.channelName,
      // simple-peer's default config lists public STUN servers; Ferry uses only what the host gives.
      config: { ...options.config, iceServers: options.config.iceServers ?? [] },
      ...(options.wrtc ? { wrtc: options.wrtc } : {}),
    });
    peer = started;
    started.on('signal', onSignal);
    started.on('connect', onConnect);
    started.on('data', onData);
    started.on('error', onError);
    started.on('close', onPeerClose);
    started.on('iceStateChange', onIceStateChange);
    const problem = internalsProblem(started, false);
    if (problem) queueMicrotask(() => finish(new ChannelError('SIMPLE_PEER_CHANGED', problem)));
    const held = signalsBeforeLoad;
    signalsBeforeLoad = [];
    for (const data of held) feedSignal(started, data);
  };
  const feedSignal = (target: Instance, data: SignalData): void => {
    try {
      target.signal(data);
    } catch (error) {
      finish(asError(error));
    }
  };
  if (options.SimplePeer instanceof Promise) {
    options.SimplePeer.then(start, (error: unknown) => finish(asError(error)));
  } else {
    start(options.SimplePeer);
  }

  function finish(error: Error | undefined): void {
    if (state === 'closed') return;
    state = 'closed';
    dataChannel?.removeEventListener('bufferedamountlow', onChannelLow);
    dataChannel = null;
    earlyMessages = [];
    earlyBytes = 0;
    signalsBeforeLoad = [];
    if (peer) {
      peer.off('signal', onSignal);
      peer.off('connect', onConnect);
      peer.off('data', onData);
      peer.off('close', onPeerClose);
      peer.off('iceStateChange', onIceStateChange);
      // `onError` stays: an 'error' emitted with no listener would throw.
      peer.destroy();
      // simple-peer's destroy runs in a microtask; no candidate can re-arm the timer before then.
      clearIceCompleteTimer(peer);
    }
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
      if (state !== 'open') throw new ChannelError('NOT_OPEN', `cannot send on a ${state} channel`);
      if (data.byteLength > maxMessageBytes) {
        throw new ChannelError(
          'MESSAGE_TOO_LARGE',
          `message of ${data.byteLength} bytes exceeds maxMessageBytes ${maxMessageBytes}`,
        );
      }
      // Open means `connect` came from a constructed peer.
      peer?.send(data);
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
      if (!isSignalData(data)) return finish(new ChannelError('MALFORMED_SIGNAL', 'malformed signal data'));
      if (peer) return feedSignal(peer, data);
      if (signalsBeforeLoad.push(data) > MAX_SIGNALS_BEFORE_LOAD) {
        finish(new ChannelError('EARLY_FLOOD', 'remote sent too many signals before the link could start'));
      }
    },
    destroy: () => finish(undefined),
  };
}
