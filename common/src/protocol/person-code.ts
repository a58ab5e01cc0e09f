/**
 * A short code and a colour for each person, derived from their publicId, so two people of the
 * same name can be told apart and the host can ask "is your code 7F3A?" before approving.
 *
 * Derived with a hash (32-bit FNV-1a) rather than read off the id: a publicId is any `Id`
 * (`[A-Za-z0-9_-]{1,64}`), not always hex, and the hash spreads ids that share a prefix. The code
 * is 16 bits: it tells honest people apart at a glance and makes a copycat work for it (the
 * daemon picks publicIds, so matching someone's code means about 65,536 join requests on
 * average); it is a check for people, never a secret or an identifier the code relies on.
 */

/** 32-bit FNV-1a over the UTF-16 code units of `text` (ids are ASCII, so these are its bytes). */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export interface PersonMark {
  /** Four upper-case hex digits, e.g. "7F3A". */
  code: string;
  /** A hue in degrees, 0..359, from other bits of the hash than the code's. */
  hue: number;
}

export function personMark(publicId: string): PersonMark {
  const hash = fnv1a32(publicId);
  return {
    code: (hash >>> 16).toString(16).toUpperCase().padStart(4, '0'),
    hue: (hash & 0xffff) % 360,
  };
}

export const personCode = (publicId: string): string => personMark(publicId).code;

/** The name with its code, for sentences and labels that are plain text: "Ana (7F3A)". */
export const personLabel = (name: string, publicId: string): string => `${name} (${personCode(publicId)})`;
