/**
 * Ids chosen by peers (file ids, transfer ids, download ids): URL- and filename-safe and bounded,
 * so they go into relay URLs, IndexedDB keys and data-channel frames (one length byte) as they are.
 * UUIDs fit. The protocol's `Id` schema (common/src/protocol/shapes.ts) accepts the same strings.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const isId = (value: unknown): value is string => typeof value === 'string' && ID_PATTERN.test(value);

/** A source of fresh ids, injected so tests can hand out predictable ones. */
export type NewId = () => string;

/**
 * A random UUID v4. From `crypto.getRandomValues`, which browsers offer on plain-HTTP pages too
 * (`crypto.randomUUID` exists only in secure contexts, and a LAN room is often plain HTTP).
 */
export const randomId: NewId = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
