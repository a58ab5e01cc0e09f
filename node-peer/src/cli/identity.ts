import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir, platform } from 'node:os';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { Id } from '@ferry/common';

/*
 * Who this terminal is in each room: the privateId the room gave it, so running again is the same
 * person and needs no second approval. Kept in the user's config folder, readable by the user only
 * (mode 0600): the privateId is the identity.
 */

const Stored = z.object({
  version: z.literal(1),
  rooms: z.record(z.string().check(z.maxLength(2048)), z.object({ privateId: Id, name: z.string() })),
});
type Stored = z.infer<typeof Stored>;

export interface Identity {
  privateId: string;
  name: string;
}

/** The user's config folder for Ferry: $XDG_CONFIG_HOME, %APPDATA%, ~/Library/Application Support. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FERRY_CONFIG_DIR) return env.FERRY_CONFIG_DIR;
  if (platform() === 'win32' && env.APPDATA) return join(env.APPDATA, 'ferry');
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Application Support', 'ferry');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'ferry');
}

/** One room per origin and path ("https://ferry.lan:8787/"): a token or query never counts. */
export const roomKey = (joinLink: URL): string => `${joinLink.origin}${joinLink.pathname}`;

export class IdentityStore {
  readonly file: string;

  constructor(configDir: string = defaultConfigDir()) {
    this.file = join(configDir, 'identities.json');
  }

  async get(joinLink: URL): Promise<Identity | null> {
    return (await this.read()).rooms[roomKey(joinLink)] ?? null;
  }

  async put(joinLink: URL, identity: Identity): Promise<void> {
    const stored = await this.read();
    stored.rooms[roomKey(joinLink)] = identity;
    await this.write(stored);
  }

  /** Drops this room's identity; true if there was one. */
  async forget(joinLink: URL): Promise<boolean> {
    const stored = await this.read();
    const key = roomKey(joinLink);
    if (!(key in stored.rooms)) return false;
    delete stored.rooms[key];
    await this.write(stored);
    return true;
  }

  private async read(): Promise<Stored> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, rooms: {} };
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    // A file that does not parse is not ours to half-use: start again (it held only identities).
    const parsed = Stored.safeParse(json);
    return parsed.success ? parsed.data : { version: 1, rooms: {} };
  }

  /** Whole file replaced at once (written beside it, then renamed), mode 0600 from the start. */
  private async write(stored: Stored): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.file);
  }
}
