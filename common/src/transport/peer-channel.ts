/**
 * A reliable, ordered, message-based channel to one other peer: what a WebRTC data channel gives
 * and what the transfer engine needs. Implemented by the simple-peer adapter (browser and Node)
 * and by an in-memory pair for unit tests.
 */
export type ChannelState = 'connecting' | 'open' | 'closed';

export interface PeerChannel {
  readonly state: ChannelState;
  /** Largest message the remote end accepts (from its SDP), capped by the engine to 256 KiB. */
  readonly maxMessageBytes: number;
  /** Bytes queued locally and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** `bufferedamountlow` fires when bufferedAmount falls to or below this. */
  bufferedAmountLowThreshold: number;
  /** Copies `data` (as RTCDataChannel.send does): the caller may reuse its buffer once this returns. */
  send(data: Uint8Array): void;
  onOpen(listener: () => void): () => void;
  onMessage(listener: (data: Uint8Array) => void): () => void;
  onBufferedAmountLow(listener: () => void): () => void;
  onClose(listener: (error?: Error) => void): () => void;
  /** Idempotent. */
  close(): void;
}

/** Why a channel refused a send or closed; the sentence is for logs, code for decisions and tests. */
export type ChannelErrorCode =
  /** send() before the channel opened or after it closed. */
  | 'NOT_OPEN'
  /** send() of more than maxMessageBytes. */
  | 'MESSAGE_TOO_LARGE'
  /** The remote's signal data is not an offer, answer, candidate or renegotiation. */
  | 'MALFORMED_SIGNAL'
  /** The remote sent a text message; every Ferry message is binary. */
  | 'NON_BINARY_MESSAGE'
  /** The remote sent more than MAX_EARLY_BYTES before the channel opened. */
  | 'EARLY_FLOOD'
  /** The installed simple-peer no longer has the private fields the adapter reads. */
  | 'SIMPLE_PEER_CHANGED'
  /**
   * ICE says no connection can form: no local candidate once gathering completed (no usable
   * interface, or relay-only with no TURN server), or iceConnectionState `failed`.
   */
  | 'ICE_FAILED';

export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  constructor(
    readonly code: ChannelErrorCode,
    message: string,
  ) {
    super(message);
  }
}
