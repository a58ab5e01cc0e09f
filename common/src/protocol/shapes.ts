import { z } from 'zod';
import * as L from './limits';

// C0, DEL and C1: every code point of Unicode category Cc.
/**
 * Characters no name may hold: C0/C1 controls, and the bidirectional overrides and isolates that
 * make a name read as something else ("gnp.exe" shown as "exe.png").
 */
// eslint-disable-next-line no-control-regex
export const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const CONTROL_CHARS = UNSAFE_NAME_CHARS;

const noControlChars = (s: string): boolean => !CONTROL_CHARS.test(s);

/** Ids chosen by peers or by the daemon: URL- and filename-safe, bounded. UUIDs fit. */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected an id of 1-64 characters [A-Za-z0-9_-]');
export const ReqId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected a reqId of 1-64 characters [A-Za-z0-9_.:-]');
export const PrivateId = z.string().min(1).max(L.MAX_PRIVATE_ID_CHARS);
export const Token = z.string().min(1).max(L.MAX_TOKEN_CHARS);

/** A display name: trimmed, 1-64 characters, no control characters. Rendered as text, always. */
export const DisplayName = z
  .string()
  .max(L.MAX_NAME_CHARS * 4)
  .transform((s) => s.trim())
  .pipe(z.string().min(1, 'name is empty').max(L.MAX_NAME_CHARS).refine(noControlChars, 'name has control characters'));

export const ChunkIndex = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256');

/** Why the relay refused an upload for now: a relay quota is full, or the uploader's byte rate. */
export const RelayBusyReason = z.enum(['full', 'rate']);
export type RelayBusyReason = z.infer<typeof RelayBusyReason>;

/** A wait the daemon suggests, in milliseconds: at most an hour, as HTTP Retry-After is capped. */
export const RetryAfterMs = z.int().min(0).max(3_600_000);

/**
 * A file as a peer offers it (FileInfo without `owner`). The schema bounds every field; whether a
 * name or path is safe to show and save is the master's call (see file-entry.ts), so one odd name
 * is rejected with a reason instead of failing the whole batch.
 */
export const FileOffer = z.object({
  id: Id,
  name: z.string().min(1).max(L.MAX_FILE_NAME_CHARS),
  size: z.int().min(0).max(L.MAX_FILE_BYTES),
  mime: z.string().max(L.MAX_MIME_CHARS).optional(),
  lastModified: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  path: z.string().min(1).max(L.MAX_PATH_CHARS).optional(),
  chunkSize: z.int().min(L.MIN_CHUNK_BYTES).max(L.MAX_CHUNK_BYTES),
  sha256: Sha256Hex.optional(),
});
export type FileOffer = z.infer<typeof FileOffer>;

export const FileInfo = FileOffer.extend({ owner: Id });
export type FileInfo = z.infer<typeof FileInfo>;

export const ClientStatus = z.enum(['pending', 'approved', 'rejected']);
export type ClientStatus = z.infer<typeof ClientStatus>;

export const ClientInfo = z.object({
  publicId: Id,
  name: z.string().min(1).max(L.MAX_NAME_CHARS).refine(noControlChars, 'name has control characters'),
  status: ClientStatus,
  online: z.boolean(),
  isMaster: z.literal(true).optional(),
});
export type ClientInfo = z.infer<typeof ClientInfo>;

export const Rejection = z.object({
  id: Id,
  reason: z.string().min(1).max(L.MAX_REASON_CHARS),
});
export type Rejection = z.infer<typeof Rejection>;

const IceUrl = z
  .string()
  .max(L.MAX_ICE_URL_CHARS)
  .regex(/^(stun|stuns|turn|turns):/, 'ICE server urls start with stun:, stuns:, turn: or turns:');

export const IceServer = z.object({
  urls: z.union([IceUrl, z.array(IceUrl).min(1).max(L.MAX_ICE_URLS)]),
  username: z.string().max(L.MAX_ICE_CREDENTIAL_CHARS).optional(),
  credential: z.string().max(L.MAX_ICE_CREDENTIAL_CHARS).optional(),
});
export type IceServer = z.infer<typeof IceServer>;
export const IceServers = z.array(IceServer).max(L.MAX_ICE_SERVERS);

/** Opaque WebRTC signaling payload: any JSON value, bounded in size when serialized. */
export const SignalData = z
  .unknown()
  .refine(
    (v) => v !== undefined && JSON.stringify(v).length <= L.MAX_SIGNAL_CHARS,
    `signal data is required and at most ${L.MAX_SIGNAL_CHARS} characters as JSON`,
  );

/** Number of chunks of a file; an empty file has none. */
export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/** Exact byte length of chunk `index`: chunk i covers [i*chunkSize, min(size, (i+1)*chunkSize)). */
export function chunkLength(size: number, chunkSize: number, index: number): number {
  if (index < 0) return 0;
  const start = index * chunkSize;
  return Math.max(0, Math.min(size, start + chunkSize) - start);
}
