import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDaemon, daemonOutfile, peerCliOutfile } from '../../build/build-daemon.mjs';

/*
 * The `ferry` command as a real child process, for the tests that need real signals and a real
 * restart (signaling/test/cli.test.ts, node-peer/test/restart.test.ts). The e2e suite has its own
 * daemon handle (e2e/support/daemon.ts): it fixes the token and --data-dir, these tests cannot.
 */

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const ferryBin = join(repoRoot, 'signaling', 'bin', 'ferry.js');
const DEFAULT_START_TIMEOUT_MS = 15_000;
const EXIT_TIMEOUT_MS = 5_000;
/** For a `beforeAll` around buildDaemonIfStale(): a cold esbuild run on a busy machine. */
export const BUILD_TIMEOUT_MS = 60_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Started {
  /** Origin the daemon listens on, e.g. http://127.0.0.1:41235 (no trailing slash). */
  url: string;
  port: number;
  masterLink: URL;
  joinLink: URL;
  /** The master token from the master link, decoded. */
  masterToken: string;
}

function newestMtimeMs(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * bin/ferry.js runs the built bundles (the daemon, and the terminal peer of `ferry send`/`get`).
 * Rebuild them (as scripts/build.mjs does) when the sources are newer, so these tests never run
 * yesterday's code, without touching the web apps.
 */
export async function buildDaemonIfStale(): Promise<void> {
  const sources = Math.max(
    ...['signaling', 'common', 'node-peer'].map((workspace) => newestMtimeMs(join(repoRoot, workspace, 'src'))),
  );
  const isFresh = (bundle: string) => existsSync(bundle) && statSync(bundle).mtimeMs >= sources;
  if (isFresh(daemonOutfile) && isFresh(peerCliOutfile)) return;
  await buildDaemon({ quiet: true });
}

const running = new Set<CliProcess>();
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** kill -9 on every CliProcess still running (for afterEach). */
export async function killAllCli(): Promise<void> {
  for (const cli of running) await cli.kill9();
  running.clear();
}

export class CliProcess {
  /** Everything printed so far, stdout and stderr as they came. */
  output = '';
  /** Resolves once the process exited and all its output is in `output` ('close', not 'exit'). */
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private readonly listeners = new Set<() => void>();
  private readonly startTimeoutMs: number;
  private hasClosed = false;

  /** Spawns `node signaling/bin/ferry.js ...args`; FERRY_MASTER_TOKEN is never inherited, only given in `env`. */
  constructor(args: readonly string[], options: { env?: Record<string, string>; startTimeoutMs?: number } = {}) {
    const { FERRY_MASTER_TOKEN: _ignored, ...inherited } = process.env;
    this.startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    this.child = spawn(process.execPath, [ferryBin, ...args], {
      cwd: repoRoot,
      env: { ...inherited, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const notify = () => {
      for (const listener of this.listeners) listener();
    };
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      notify();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    // 'close' comes after the last output: a pattern not printed by then never will be.
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code, signal) => {
        this.hasClosed = true;
        notify();
        resolve({ code, signal });
      }),
    );
    running.add(this);
  }

  /** Resolves with the first match of `pattern` in stdout+stderr (waiting for more output). */
  waitFor(pattern: RegExp, timeoutMs = this.startTimeoutMs): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const check = () => {
        const match = this.output.match(pattern);
        if (match) {
          done();
          resolve(match);
        } else if (this.hasClosed) {
          done();
          reject(new Error(`the daemon exited without printing ${String(pattern)}; output:\n${this.output}`));
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; output:\n${this.output}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** The base URL once the daemon listens, and the master and join links it printed. */
  async started(): Promise<Started> {
    const [, url = ''] = await this.waitFor(/listening on (https?:\/\/[^\s/]+)/);
    await this.waitFor(new RegExp(`${escape(url)}\\S*#token=\\S+`));
    await this.waitFor(new RegExp(`(?:join|client)[^\\n]*${escape(url)}`, 'i'));
    const all = [...this.output.matchAll(/https?:\/\/\S+/g)].map((m) => new URL(m[0]));
    const masterLink = all.find((u) => u.hash.startsWith('#token='));
    const joinLink = all.find((u) => u.origin === new URL(url).origin && !u.hash.includes('token'));
    if (!masterLink || !joinLink) throw new Error(`links not found in:\n${this.output}`);
    const masterToken = decodeURIComponent(masterLink.hash.slice('#token='.length));
    return { url, port: Number(new URL(url).port), masterLink, joinLink, masterToken };
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /** Sends `name` and resolves with how the process ended; fails if it is still running after EXIT_TIMEOUT_MS. */
  async exit(name: NodeJS.Signals): Promise<Exit> {
    this.signal(name);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`still running ${EXIT_TIMEOUT_MS} ms after ${name}`)), EXIT_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** kill -9: no handler runs, nothing is flushed or closed by the daemon itself. */
  async kill9(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
