export type { ChannelState, PeerChannel } from './peer-channel';
export {
  createMemoryChannelPair,
  realScheduler,
  type MemoryChannel,
  type MemoryChannelOptions,
  type Scheduler,
} from './memory-channel';
export {
  MAX_EARLY_BYTES,
  MAX_SIGNALS_BEFORE_LOAD,
  MAX_MESSAGE_BYTES_CAP,
  MAX_MESSAGE_BYTES_FLOOR,
  createSimplePeerLink,
  messageBytesFor,
  type SimplePeerLink,
  type SimplePeerLinkOptions,
} from './simple-peer-channel';
export { ChannelError, type ChannelErrorCode } from './peer-channel';
// Exported for node-peer/test/simple-peer-internals.test.ts, which checks them on a real pair.
export { dataChannelOf, internalsProblem, remoteMaxMessageSizeOf } from './simple-peer-internals';
