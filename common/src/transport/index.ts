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
  MAX_MESSAGE_BYTES_CAP,
  MAX_MESSAGE_BYTES_FLOOR,
  createSimplePeerLink,
  messageBytesFor,
  type SimplePeerLink,
  type SimplePeerLinkOptions,
} from './simple-peer-channel';
