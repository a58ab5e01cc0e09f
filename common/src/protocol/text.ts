/**
 * The text rules of the wire, in one place: every display name, file name, path, mime type and
 * rejection reason obeys them. The schemas use them (the daemon answers BAD_MESSAGE) and so does
 * the master's authority (file-entry.ts), so both sides refuse the same strings.
 *
 * Why: a lone surrogate or a control character grows six-fold when JSON-escaped (`\ud800`), which
 * let a guest's listing outgrow every frame limit; format characters (zero-width, bidi overrides)
 * and line separators let a name pass for another.
 */

/**
 * Characters no text on the wire may hold: controls (Cc), format characters (Cf: zero-width
 * spaces and joiners, bidi embeddings, overrides and isolates, the BOM, soft hyphen), lone
 * surrogates (Cs: in a `u` regex a paired surrogate is one code point and never matches), and the
 * line and paragraph separators (Zl, Zp). Space separators (Zs) are allowed: NFKC folds them into
 * a plain space where names are compared.
 */
export const FORBIDDEN_TEXT_CHARS = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/**
 * What a text post may not hold: the same characters as FORBIDDEN_TEXT_CHARS except the line feed
 * and the tab, which a snippet needs. A carriage return is still refused (the apps send `\n` line
 * ends), so one text has one spelling and dedupe compares like with like.
 */
export const FORBIDDEN_TEXT_POST_CHARS = /(?![\n\t])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

export interface TextBounds {
  /** At least this many code points (default 0). */
  readonly minCodePoints?: number;
  readonly maxCodePoints: number;
  /** At most this many bytes once encoded as UTF-8. */
  readonly maxBytes: number;
}

/** Code points of a string (a character outside the BMP counts once). */
export function codePointCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** Bytes of a string in UTF-8; a lone surrogate counts as its replacement character (3 bytes). */
export function utf8ByteCount(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Why `text` breaks the text rules, or null. `what` names the field in the answer ("name",
 * "path", ...), so the reason reads as a sentence a person can act on.
 */
export function textProblem(
  text: string,
  what: string,
  bounds: TextBounds,
  forbiddenChars: RegExp = FORBIDDEN_TEXT_CHARS,
): string | null {
  const forbidden = forbiddenChars.exec(text);
  if (forbidden) return `${what} has ${describeChar(forbidden[0])}`;
  const codePoints = codePointCount(text);
  if (codePoints < (bounds.minCodePoints ?? 0)) return `${what} is empty`;
  if (codePoints > bounds.maxCodePoints) return `${what} is longer than ${bounds.maxCodePoints} characters`;
  if (utf8ByteCount(text) > bounds.maxBytes) return `${what} is longer than ${bounds.maxBytes} bytes in UTF-8`;
  return null;
}

function describeChar(char: string): string {
  if (/\p{Cs}/u.test(char)) return 'a broken character (a lone surrogate)';
  if (/\p{Cc}/u.test(char)) return 'control characters';
  if (/[\p{Zl}\p{Zp}]/u.test(char)) return 'a line or paragraph separator';
  return 'invisible formatting characters';
}

/**
 * A mime type as the wire carries it: `type/subtype`, each a restricted name of RFC 6838 §4.2
 * (a letter or digit, then up to 126 of letters, digits and `!#$&^_.+-`), no parameters, ASCII.
 */
export const MIME_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

export function mimeProblem(mime: string): string | null {
  return MIME_TYPE.test(mime) ? null : 'mime type is not of the form type/subtype';
}
