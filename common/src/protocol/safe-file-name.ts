/*
 * Names a download is saved under come from another peer: they must never climb out of the
 * download folder, hide as dot files, name a device on Windows, or break a file system's limits.
 * Pure, so the browsers (downloads, ZIP entries) and `ferry get` (files on disk) share one rule.
 */

// C0, DEL, C1, and the bidirectional overrides and isolates that make "gnp.exe" read "exe.png".
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** Separators and the characters Windows refuses in a name. */
const RESERVED_CHARS = /[/\\<>:"|?*]/g;
/** Device names Windows keeps for itself, whatever the extension ("con.txt" too). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\.|$)/i;
/** Most file systems allow 255 bytes per name; room is left for a browser's " (1)" suffix. */
export const MAX_SAVED_NAME_BYTES = 200;
const MAX_EXTENSION_CHARS = 16;

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).length;

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a code point. */
function cutToBytes(text: string, maxBytes: number): string {
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = byteLength(char);
    if (used + size > maxBytes) break;
    out += char;
    used += size;
  }
  return out;
}

/** Keeps the extension when a long name is cut. */
function capLength(name: string): string {
  if (byteLength(name) <= MAX_SAVED_NAME_BYTES) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= MAX_EXTENSION_CHARS ? name.slice(dot) : '';
  const stem = name.slice(0, name.length - extension.length);
  return cutToBytes(stem, MAX_SAVED_NAME_BYTES - byteLength(extension)).trimEnd() + extension;
}

/**
 * A name that is safe to save a file under, on any desktop system: one segment (separators become
 * `_`), no control characters, no leading dots or spaces, no trailing dots or spaces (Windows drops
 * them), Windows device names prefixed with `_`, at most MAX_SAVED_NAME_BYTES of UTF-8. Never empty.
 */
export function safeFileName(name: string, fallback = 'download'): string {
  let safe = name.normalize('NFC').replace(UNSAFE_CHARS, '').replace(RESERVED_CHARS, '_');
  safe = safe.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  if (WINDOWS_DEVICE.test(safe)) safe = `_${safe}`;
  safe = capLength(safe).replace(/[\s.]+$/, '');
  return safe.length > 0 ? safe : fallback;
}

/** At most this many folders deep inside an archive, like the protocol's paths. */
const MAX_DEPTH = 32;

/**
 * A folder-relative path made safe segment by segment, '/'-separated, for a ZIP entry. Empty,
 * `.` and `..` segments are dropped (never followed), so the result never leaves the archive's root.
 */
export function safeRelativePath(path: string, fallback = 'file'): string {
  const segments = path
    .split(/[/\\]/)
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
    .map((segment) => safeFileName(segment, '_'));
  const kept =
    segments.length > MAX_DEPTH
      ? [...segments.slice(0, MAX_DEPTH - 1), segments[segments.length - 1] ?? fallback]
      : segments;
  return kept.length > 0 ? kept.join('/') : safeFileName(fallback);
}
