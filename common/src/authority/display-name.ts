/*
 * Who a guest may be called. The apps tell people apart by name, with a small tag for the host and
 * "(you)" for oneself: a guest named "Host", "Alice (you)" or a copy of someone else's name would
 * read as that person. The daemon refuses such a name at register (NAME_TAKEN), so the join
 * screen can ask for another before anyone sees it; the text rules (text.ts) already removed the
 * invisible characters that would otherwise make two names look alike.
 */

/** The names no guest may take, compared as `nameKey` gives them. */
const RESERVED_KEYS = new Set(['host']);
const YOU_MARK = '(you)';

const keys = new Map<string, string>();
const MAX_CACHED_KEYS = 50_000;

/**
 * What two names must differ in: NFKC (full-width and other compatibility forms fold to plain
 * ones), lower case, and every run of white space as one space, trimmed.
 */
export function nameKey(name: string): string {
  let key = keys.get(name);
  if (key === undefined) {
    key = name.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
    // Registers are rate-limited but many: the cache stays bounded.
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(name, key);
  }
  return key;
}

/** Why a new guest may not be called `name` in a room whose members are called `taken`, or null. */
export function guestNameProblem(name: string, taken: Iterable<string>): string | null {
  const key = nameKey(name);
  if (RESERVED_KEYS.has(key)) return `"${name}" is the host's name; choose another`;
  if (key.includes(YOU_MARK)) return `a name may not contain "${YOU_MARK}"`;
  for (const other of taken) {
    if (nameKey(other) === key) return `someone in this room is already called "${other}"; choose another name`;
  }
  return null;
}
