import { en } from 'zod/locales';
import * as z from 'zod/mini';
import * as L from './limits';
import { FORBIDDEN_TEXT_CHARS, FORBIDDEN_TEXT_POST_CHARS, mimeProblem, textProblem, type TextBounds } from './text';

// zod/mini carries no messages (every issue reads "Invalid input"). Full zod installed English on
// import; doing the same here keeps the daemon's BAD_MESSAGE texts and the CLI's errors saying
// what was wrong, for 3 KB instead of every locale.
z.config(en());

/**
 * Characters no name may hold (text.ts): controls, format characters such as the bidirectional
 * overrides that make "gnp.exe" show as "exe.png", lone surrogates, line and paragraph separators.
 */
export const UNSAFE_NAME_CHARS = FORBIDDEN_TEXT_CHARS;

/** A string obeying the text rules of text.ts; the issue names what is wrong. */
const text = (what: string, bounds: TextBounds, forbiddenChars: RegExp = FORBIDDEN_TEXT_CHARS) =>
  z.string().check(
    z.superRefine((value: string, ctx) => {
      const problem = textProblem(value, what, bounds, forbiddenChars);
      if (problem !== null) ctx.issues.push({ code: 'custom', message: problem, input: value });
    }),
  );

export const NAME_BOUNDS: TextBounds = {
  minCodePoints: 1,
  maxCodePoints: L.MAX_NAME_CHARS,
  maxBytes: L.MAX_NAME_BYTES,
};
export const FILE_NAME_BOUNDS: TextBounds = {
  minCodePoints: 1,
  maxCodePoints: L.MAX_FILE_NAME_CHARS,
  maxBytes: L.MAX_FILE_NAME_BYTES,
};
export const PATH_BOUNDS: TextBounds = {
  minCodePoints: 1,
  maxCodePoints: L.MAX_PATH_CHARS,
  maxBytes: L.MAX_PATH_BYTES,
};
export const TEXT_POST_BOUNDS: TextBounds = {
  minCodePoints: 1,
  maxCodePoints: L.MAX_TEXT_POST_CHARS,
  maxBytes: L.MAX_TEXT_POST_BYTES,
};
const REASON_BOUNDS: TextBounds = { minCodePoints: 1, maxCodePoints: L.MAX_REASON_CHARS, maxBytes: L.MAX_REASON_BYTES };

const MimeType = z.string().check(
  z.maxLength(L.MAX_MIME_CHARS),
  z.superRefine((value: string, ctx) => {
    const problem = mimeProblem(value);
    if (problem !== null) ctx.issues.push({ code: 'custom', message: problem, input: value });
  }),
);

/** Ids chosen by peers or by the daemon: URL- and filename-safe, bounded. UUIDs fit. */
export const Id = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected an id of 1-64 characters [A-Za-z0-9_-]'));
export const ReqId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected a reqId of 1-64 characters [A-Za-z0-9_.:-]'));
export const PrivateId = z.string().check(z.minLength(1), z.maxLength(L.MAX_PRIVATE_ID_CHARS));
export const Token = z.string().check(z.minLength(1), z.maxLength(L.MAX_TOKEN_CHARS));

/** A display name: trimmed, 1-64 characters, the text rules of text.ts. Rendered as text, always. */
export const DisplayName = z.pipe(
  z.pipe(
    z.string().check(z.maxLength(L.MAX_NAME_CHARS * 4)),
    z.transform((s: string) => s.trim()),
  ),
  text('name', NAME_BOUNDS),
);

export const ChunkIndex = z.int().check(z.gte(0), z.lte(Number.MAX_SAFE_INTEGER));

/**
 * A feature a peer's software declares on register (Ferry addition): lowercase words with dashes.
 * Names the daemon does not know are accepted and ignored, so newer apps still register.
 */
export const Feature = z
  .string()
  .check(z.regex(new RegExp(`^[a-z0-9-]{1,${L.MAX_FEATURE_CHARS}}$`), 'expected a feature name [a-z0-9-]'));
export const Features = z.array(Feature).check(z.maxLength(L.MAX_FEATURES));
/** The features Ferry's own peers declare. */
export const FEATURES = {
  /** Understands REMOVE_FILES forwarded to the master and FILES_REMOVED from the daemon (PROTOCOL.md §9.5). */
  removeFiles: 'remove-files',
} as const;

/** 1..MAX_FILE_IDS_PER_MESSAGE distinct file ids (REMOVE_FILES, FILES_REMOVED). */
export const FileIds = z.array(Id).check(
  z.minLength(1),
  z.maxLength(L.MAX_FILE_IDS_PER_MESSAGE),
  z.refine((ids) => new Set(ids).size === ids.length, 'fileIds repeats an id'),
);

export const Sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256'));

/** Why the relay refused an upload for now: a relay quota is full, or the uploader's byte rate. */
export const RelayBusyReason = z.enum(['full', 'rate']);
export type RelayBusyReason = z.infer<typeof RelayBusyReason>;

/** A wait the daemon suggests, in milliseconds: at most an hour, as HTTP Retry-After is capped. */
export const RetryAfterMs = z.int().check(z.gte(0), z.lte(3_600_000));

/**
 * The files one person shared in one action (a folder picked or dropped), so that others can tell
 * when all of it is listed: `id` names the batch among its owner's (batches of different owners
 * never mix), `count` is how many files it holds. Every file of the batch carries it; the batch is
 * whole once as many of its files are listed as the smallest `count` among them says (the owner
 * lowers it by re-offering one file when some of the batch is rejected or removed).
 */
export const FileBatch = z.object({
  id: Id,
  count: z.int().check(z.gte(1), z.lte(L.MAX_FILES_PER_PEER)),
});
export type FileBatch = z.infer<typeof FileBatch>;

/**
 * A file as a peer offers it (FileInfo without `owner`). The schema bounds every field and holds
 * its text to the rules of text.ts (a batch with a broken name is BAD_MESSAGE as a whole; the apps
 * check each file first). Whether a well-formed name or path is safe to save (separators, `..`,
 * depth) is the master's call (see file-entry.ts), one file at a time, with a reason.
 */
export const FileOffer = z.object({
  id: Id,
  name: text('name', FILE_NAME_BOUNDS),
  size: z.int().check(z.gte(0), z.lte(L.MAX_FILE_BYTES)),
  mime: z.optional(MimeType),
  lastModified: z.optional(z.int().check(z.gte(0), z.lte(Number.MAX_SAFE_INTEGER))),
  path: z.optional(text('path', PATH_BOUNDS)),
  chunkSize: z.int().check(z.gte(L.MIN_CHUNK_BYTES), z.lte(L.MAX_CHUNK_BYTES)),
  sha256: z.optional(Sha256Hex),
  batch: z.optional(FileBatch),
  /**
   * Present on a text post (a link, a password, a snippet): the entry is this text, not bytes to
   * download. Line feeds and tabs are allowed, other text rules hold. The master also wants `size`
   * to be its UTF-8 length and no path or batch (file-entry.ts); the daemon serves no chunks of it.
   */
  text: z.optional(text('text', TEXT_POST_BOUNDS, FORBIDDEN_TEXT_POST_CHARS)),
  /**
   * Makes the offer direct: meant for this one approved person only. The master accepts it only
   * for an approved peer other than the owner; the daemon shows the entry to its owner, this
   * recipient and the master, never to anyone else, and lets only the recipient fetch it.
   */
  to: z.optional(Id),
  /**
   * Ferry: marks an empty folder of a shared folder (a drop holds them; a folder picker leaves
   * them out). No bytes: `size` is 0, `path` is the folder's own path and `name` its last segment,
   * and it belongs to its folder's batch, so that the folder's ZIP keeps it (file-entry.ts).
   */
  folder: z.optional(z.literal(true)),
});
export type FileOffer = z.infer<typeof FileOffer>;

export const FileInfo = z.extend(FileOffer, { owner: Id });
export type FileInfo = z.infer<typeof FileInfo>;

export const ClientStatus = z.enum(['pending', 'approved', 'rejected']);
export type ClientStatus = z.infer<typeof ClientStatus>;

export const ClientInfo = z.object({
  publicId: Id,
  name: text('name', NAME_BOUNDS),
  status: ClientStatus,
  online: z.boolean(),
  isMaster: z.optional(z.literal(true)),
});
export type ClientInfo = z.infer<typeof ClientInfo>;

export const Rejection = z.object({
  id: Id,
  reason: text('reason', REASON_BOUNDS),
});
export type Rejection = z.infer<typeof Rejection>;

const IceUrl = z
  .string()
  .check(
    z.maxLength(L.MAX_ICE_URL_CHARS),
    z.regex(/^(stun|stuns|turn|turns):/, 'ICE server urls start with stun:, stuns:, turn: or turns:'),
  );

export const IceServer = z.object({
  urls: z.union([IceUrl, z.array(IceUrl).check(z.minLength(1), z.maxLength(L.MAX_ICE_URLS))]),
  username: z.optional(z.string().check(z.maxLength(L.MAX_ICE_CREDENTIAL_CHARS))),
  credential: z.optional(z.string().check(z.maxLength(L.MAX_ICE_CREDENTIAL_CHARS))),
});
export type IceServer = z.infer<typeof IceServer>;
export const IceServers = z.array(IceServer).check(z.maxLength(L.MAX_ICE_SERVERS));

/** Opaque WebRTC signaling payload: any JSON value, bounded in size when serialized. */
export const SignalData = z
  .unknown()
  .check(
    z.refine(
      (v) => v !== undefined && JSON.stringify(v).length <= L.MAX_SIGNAL_CHARS,
      `signal data is required and at most ${L.MAX_SIGNAL_CHARS} characters as JSON`,
    ),
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
