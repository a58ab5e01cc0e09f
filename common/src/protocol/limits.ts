/**
 * Every bound of the wire protocol, in one place. The daemon's `maxPayload` comes from here, so a
 * frame the schemas could never accept is refused before it is even parsed.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;
/**
 * Frames from the daemon may be far larger: ROOM_STATE lists the whole room (up to
 * MAX_FILES_IN_ROOM files). The apps accept up to this.
 */
export const MAX_FROM_DAEMON_FRAME_CHARS = 64 * 1024 * 1024;
/** Nesting a legitimate message never reaches; deeper frames are refused before schema checks. */
export const MAX_JSON_DEPTH = 16;

export const MAX_ID_CHARS = 64;
export const MAX_REQ_ID_CHARS = 64;
export const MAX_PRIVATE_ID_CHARS = 256;
export const MAX_TOKEN_CHARS = 256;
/*
 * Text is bounded in code points (what a person counts) and in UTF-8 bytes (what frames and
 * budgets count); see text.ts for the characters it may hold.
 */
export const MAX_NAME_CHARS = 64;
export const MAX_NAME_BYTES = 256;
export const MAX_FILE_NAME_CHARS = 255;
/** 255 UTF-16 units (the longest name macOS or Windows allows) are at most 765 bytes. */
export const MAX_FILE_NAME_BYTES = 765;
export const MAX_PATH_CHARS = 1024;
/** Linux's PATH_MAX. */
export const MAX_PATH_BYTES = 4096;
export const MAX_PATH_DEPTH = 32;
/** `type/subtype`, ASCII: characters are bytes. */
export const MAX_MIME_CHARS = 255;
export const MAX_REASON_CHARS = 200;
export const MAX_REASON_BYTES = 600;
export const MAX_ERROR_MESSAGE_CHARS = 500;
/**
 * A text post (FileOffer.text): a link, a password, a snippet. 4,096 characters is a long page of
 * notes; at most 4 bytes a code point make it 16 KiB in UTF-8 at most (stated for the budgets).
 */
export const MAX_TEXT_POST_CHARS = 4096;
export const MAX_TEXT_POST_BYTES = 16 * 1024;
/** A serialized SIGNAL payload (an SDP with its candidates is a few KiB). */
export const MAX_SIGNAL_CHARS = 64 * 1024;

export const MAX_FILES_PER_MESSAGE = 256;
/**
 * File ids in one REMOVE_FILES or FILES_REMOVED (Ferry addition). Ids are short: 1,000 of the
 * longest (64 characters) make a 67 KB frame, so a whole folder of MAX_FILES_PER_PEER files leaves
 * in 10 messages, and one message bounds the daemon's work (lookups, one transaction) and every
 * frame it sends for it.
 */
export const MAX_FILE_IDS_PER_MESSAGE = 1000;
/** `features` of a register (Ferry addition): what the peer's software understands beyond the contract. */
export const MAX_FEATURES = 16;
export const MAX_FEATURE_CHARS = 32;
export const MAX_FILES_PER_PEER = 10_000;
export const MAX_FILES_IN_ROOM = 100_000;
export const MAX_PEERS_IN_ROOM = 20_000;
export const MAX_PENDING_PEERS = 200;
/**
 * Listed-file metadata, in bytes as the room serializes it: the UTF-8 JSON of each FileInfo, owner
 * included. A typical entry is 350 bytes (a long path and an office mime type about 520), so an
 * honest 10,000-file folder takes 3.3 to 5.0 MiB of a peer's 8 MiB. The room's total keeps the
 * whole state (files and clients) well inside one MAX_FROM_DAEMON_FRAME_CHARS frame, whoever lists.
 */
export const MAX_LISTED_BYTES_PER_PEER = 8 * 1024 * 1024;
export const MAX_LISTED_BYTES_IN_ROOM = 48 * 1024 * 1024;
/**
 * WebSocket upgrades not yet followed by a register, held at once: per remote address (behind a
 * reverse proxy everyone shares the proxy's) and in total. Past either the upgrade is refused
 * before the handshake (429 for the address, 503 for the daemon). An honest tab registers one
 * round trip after its upgrade, so even a room of tabs behind one NAT joining at once holds few:
 * the per-address cap is on by default.
 */
export const MAX_UNREGISTERED_SOCKETS_PER_ADDRESS = 64;
export const MAX_UNREGISTERED_SOCKETS = 1024;

/** 2^50 bytes (1 PiB): larger than any file, small enough that chunk arithmetic stays exact. */
export const MAX_FILE_BYTES = 2 ** 50;
export const MIN_CHUNK_BYTES = 1;
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export const MAX_ICE_SERVERS = 8;
export const MAX_ICE_URLS = 8;
export const MAX_ICE_URL_CHARS = 512;
export const MAX_ICE_CREDENTIAL_CHARS = 256;

/** Token bucket per connection: sustained messages per second and burst size. */
export const RATE_MESSAGES_PER_SECOND = 100;
export const RATE_BURST_MESSAGES = 300;
