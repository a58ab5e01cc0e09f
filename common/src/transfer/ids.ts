import { v4 as uuidV4 } from 'uuid';

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
 * A random UUID v4, from the design card's `uuid` package: it draws on `crypto.getRandomValues`,
 * which browsers offer on plain-HTTP pages too (`crypto.randomUUID` exists only in secure
 * contexts, and a LAN room is often plain HTTP).
 */
export const randomId: NewId = () => uuidV4();
