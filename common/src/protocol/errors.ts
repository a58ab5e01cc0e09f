/** Machine-readable error codes carried by `ERROR` frames. The first eleven are the contract's. */
export const ERROR_CODES = [
  'BAD_MESSAGE',
  'UNKNOWN_TYPE',
  'NOT_REGISTERED',
  'NOT_APPROVED',
  'FORBIDDEN',
  'BAD_TOKEN',
  'MASTER_EXISTS',
  'MASTER_OFFLINE',
  'NO_SUCH_FILE',
  'NO_SUCH_PEER',
  'RATE_LIMITED',
  // Ferry's additions (docs/PROTOCOL.md):
  'NO_SUCH_TRANSFER',
  'ALREADY_REGISTERED',
  'LIMIT_EXCEEDED',
  'NAME_TAKEN',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * WebSocket close codes the daemon uses. 1008/1009 are the standard policy/size codes; the 4xxx
 * range is application-defined (RFC 6455 section 7.4.2).
 */
export const CLOSE_CODES = {
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
  /** The same identity registered from another socket; the old one must not auto-reconnect. */
  sessionReplaced: 4001,
  /** The peer left the room on purpose (LEAVE). */
  left: 4002,
  /** The host ended the room (END_ROOM): this identity is gone, do not reconnect. */
  roomEnded: 4003,
} as const;
