import { isAbsolute, join } from 'node:path';

/** The database inside a data folder; its -wal and -shm companions sit beside it. */
export const DATABASE_FILE = 'ferry.sqlite';
/** Held with an exclusive SQLite lock while a daemon runs, so a second one on the same folder is refused. */
export const LOCK_FILE = 'ferry.lock';

export interface System {
  platform: NodeJS.Platform;
  homedir: string;
  env: NodeJS.ProcessEnv;
}

/** The user's data folder for Ferry, as each platform names it. */
export function userDataRoot({ platform, homedir, env }: System): string {
  if (platform === 'win32') return join(env['LOCALAPPDATA'] ?? join(homedir, 'AppData', 'Local'), 'ferry');
  if (platform === 'darwin') return join(homedir, 'Library', 'Application Support', 'ferry');
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env['XDG_DATA_HOME'];
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir, '.local', 'share'), 'ferry');
}

/**
 * The data folder the CLI uses when no --data-dir is given: one room per requested port, so two
 * daemons on two ports never share (or fight over) one room. Port 0 gets none: a restarted daemon
 * would listen elsewhere and no tab could find the room again, so its state stays in memory.
 */
export function defaultDataDir(port: number, system: System): string | null {
  if (port === 0) return null;
  return join(userDataRoot(system), 'rooms', `port-${port}`);
}
