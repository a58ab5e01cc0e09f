import { personCode, type ClientInfo, type FileInfo } from '@ferry/common';
import { CliError, EXIT } from './exit-codes';

/*
 * Which of the room's entries `ferry get` fetches: by --from (a name or a person code), then by
 * --file (an id, a name, a path or a folder), or everything with --all. Pure, so it is tested
 * with tables; every ambiguity is an error that says how to be precise, never a guess.
 */

export interface Selection {
  /** Files to download (text posts and empty folders apart). */
  files: FileInfo[];
  /** Empty folders to create (FileOffer.folder entries). */
  folders: FileInfo[];
  /** Text posts the selection names: printed, not downloaded. */
  texts: FileInfo[];
}

/** The people whose entries `from` names: by person code ("7F3A") or by name, case ignored. */
export function ownersFrom(from: string, clients: readonly ClientInfo[]): Set<string> {
  const wanted = from.trim();
  const byCode = clients.filter((c) => personCode(c.publicId) === wanted.toUpperCase());
  if (byCode.length > 0) return new Set(byCode.map((c) => c.publicId));
  const byName = clients.filter((c) => c.name.toLowerCase() === wanted.toLowerCase());
  if (byName.length === 0) {
    const names = clients.map((c) => `${c.name} (${personCode(c.publicId)})`).join(', ');
    throw new CliError(
      EXIT.usage,
      `--from: nobody in the room is called "${from}"${names ? `; the room has ${names}` : ''}`,
    );
  }
  if (byName.length > 1) {
    const codes = byName.map((c) => personCode(c.publicId)).join(', ');
    throw new CliError(
      EXIT.usage,
      `--from: ${byName.length} people are called "${from}": give their code instead (${codes})`,
    );
  }
  return new Set(byName.map((c) => c.publicId));
}

/** What one --file names: an id, a file's path or name, or a folder (everything under it). */
function matching(wanted: string, entries: readonly FileInfo[]): { isFolder: boolean; found: FileInfo[] } {
  const byId = entries.filter((f) => f.id === wanted);
  if (byId.length > 0) return { isFolder: false, found: byId };
  const trimmed = wanted.replace(/\/+$/, '');
  const byPath = entries.filter((f) => (f.path ?? f.name) === trimmed && f.folder !== true);
  if (byPath.length > 0) return { isFolder: false, found: byPath };
  const inFolder = entries.filter(
    (f) => f.path !== undefined && (f.path === trimmed || f.path.startsWith(`${trimmed}/`)),
  );
  if (inFolder.length > 0) return { isFolder: true, found: inFolder };
  return { isFolder: false, found: entries.filter((f) => f.name === trimmed && f.folder !== true) };
}

export function select(
  entries: readonly FileInfo[],
  clients: readonly ClientInfo[],
  selfId: string,
  request: { files: readonly string[]; from: string | null; all: boolean },
): Selection {
  let pool = entries.filter((f) => f.owner !== selfId);
  if (request.from !== null) {
    const owners = ownersFrom(request.from, clients);
    pool = pool.filter((f) => owners.has(f.owner));
  }
  let chosen: FileInfo[];
  if (request.all) chosen = pool;
  else {
    const seen = new Set<string>();
    chosen = [];
    for (const wanted of request.files) {
      const { isFolder, found } = matching(wanted, pool);
      if (found.length === 0) {
        const from = request.from === null ? '' : ` from ${request.from}`;
        throw new CliError(EXIT.transferFailed, `no file or folder "${wanted}" in the room${from} (see --list)`);
      }
      if (new Set(found.map((f) => f.owner)).size > 1) {
        throw new CliError(EXIT.usage, `--file "${wanted}" is shared by several people: add --from NAME-OR-CODE`);
      }
      if (!isFolder && found.length > 1) {
        const ids = found.map((f) => f.id).join(', ');
        throw new CliError(EXIT.usage, `--file "${wanted}" names ${found.length} files: give an id instead (${ids})`);
      }
      for (const file of found)
        if (!seen.has(file.id)) {
          seen.add(file.id);
          chosen.push(file);
        }
    }
  }
  return {
    files: chosen.filter((f) => f.folder !== true && f.text === undefined),
    folders: chosen.filter((f) => f.folder === true),
    texts: chosen.filter((f) => f.text !== undefined),
  };
}

/** Two owners may share files of one path: each owner's go under a folder of their name then. */
export function placeOf(file: FileInfo, selection: readonly FileInfo[], ownerName: (id: string) => string): string {
  const own = file.path ?? file.name;
  const clash = selection.some((other) => other.owner !== file.owner && (other.path ?? other.name) === own);
  return clash ? `${ownerName(file.owner)} (${personCode(file.owner)})/${own}` : own;
}
