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
