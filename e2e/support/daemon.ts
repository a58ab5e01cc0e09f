import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { daemonEntry, repoRoot } from './paths.js';

// Generous: a tree without dist/ builds it before listening (signaling/bin/ferry.js).
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const LISTENING_LINE = /listening on (https?:\/\/[^\s/]+)/;

export interface DaemonOptions {
  /** `false` passes `--p2p off`: every transfer goes through the HTTP relay. */
  isP2pOn?: boolean;
  extraArgs?: readonly string[];
}

export interface RunningDaemon {
  /** Origin the daemon listens on, e.g. http://127.0.0.1:41235 (no trailing slash); kept across restart(). */
  readonly url: string;
  readonly masterToken: string;
  /** The daemon's --data-dir: a fresh temporary folder per daemon, removed by stop(). */
  readonly dataDir: string;
  /** Everything the daemon printed so far, over every run (stdout and stderr, interleaved by line). */
  log(): string;
  /** Sends SIGTERM and fails unless the daemon exits on its own with code 0. */
  stop(): Promise<void>;
  /** SIGKILL: the daemon dies at once, closing nothing; resolves once it has exited. */
  kill9(): Promise<void>;
  /** Starts the daemon again on the same port, --data-dir and options; resolves once it listens. */
  restart(): Promise<void>;
}

interface Run {
  child: ChildProcess;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  url: string;
}

/** Spawns the CLI with `args` and waits for "listening on"; `lines` collects its output. */
async function spawnDaemon(args: readonly string[], lines: string[]): Promise<Run> {
  const child = spawn(process.execPath, [daemonEntry, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let url: string | undefined;

  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the daemon did not print "listening on" within ${START_TIMEOUT_MS} ms:\n${lines.join('\n')}`));
    }, START_TIMEOUT_MS);
    const onLine = (prefix: string) => (line: string) => {
      lines.push(prefix + line);
      const match = LISTENING_LINE.exec(line);
      if (match?.[1] !== undefined && url === undefined) {
        url = match[1];
        clearTimeout(timer);
        resolve(url);
      }
    };
    createInterface({ input: child.stdout }).on('line', onLine(''));
    createInterface({ input: child.stderr }).on('line', onLine('[stderr] '));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then(([code, signal]) => {
      clearTimeout(timer);
      reject(new Error(`the daemon exited (code ${code}, signal ${signal}) before listening:\n${lines.join('\n')}`));
    });
  });

  try {
    return { child, exited, url: await listening };
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  }
}

const isRunning = (run: Run) => run.child.exitCode === null && run.child.signalCode === null;

/** Starts the real daemon as a child process on a free port of 127.0.0.1, with its own --data-dir. */
export async function startDaemon(options: DaemonOptions = {}): Promise<RunningDaemon> {
  // Hex: a base64url token may start with '-', which the CLI would read as an option.
  const masterToken = randomBytes(24).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'ferry-e2e-'));
  const argsFor = (port: number) => {
    const args = ['--host', '127.0.0.1', '--port', String(port), '--master-token', masterToken, '--data-dir', dataDir];
    if (options.isP2pOn === false) args.push('--p2p', 'off');
    return [...args, ...(options.extraArgs ?? [])];
  };
  const lines: string[] = [];
  let run: Run;
  try {
    run = await spawnDaemon(argsFor(0), lines);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const url = run.url;
  const port = Number(new URL(url).port);
  let isKilledOnPurpose = false;

  let stopping: Promise<void> | undefined;
  return {
    url,
    masterToken,
    dataDir,
    log: () => lines.join('\n'),
    kill9: async () => {
      isKilledOnPurpose = true;
      if (isRunning(run)) run.child.kill('SIGKILL');
      await run.exited;
    },
    restart: async () => {
      if (isRunning(run)) throw new Error('restart() needs the daemon stopped first (kill9())');
      lines.push(`== restart on port ${port}`);
      run = await spawnDaemon(argsFor(port), lines);
      isKilledOnPurpose = false;
      if (run.url !== url) throw new Error(`the restarted daemon listens on ${run.url}, not ${url}`);
    },
    stop: () => {
      stopping ??= (async () => {
        try {
          if (!isRunning(run)) {
            if (isKilledOnPurpose) return;
            throw new Error(
              `the daemon had already exited (code ${run.child.exitCode}, signal ${run.child.signalCode}):\n${lines.join('\n')}`,
            );
          }
          run.child.kill('SIGTERM');
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<'timeout'>((resolve) => {
            timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
          });
          const outcome = await Promise.race([run.exited, timeout]);
          clearTimeout(timer);
          if (outcome === 'timeout') {
            run.child.kill('SIGKILL');
            throw new Error(`the daemon did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM:\n${lines.join('\n')}`);
          }
          const [code, signal] = outcome;
          if (code !== 0) {
            throw new Error(
              `the daemon exited with code ${code} (signal ${signal}) after SIGTERM, expected 0:\n${lines.join('\n')}`,
            );
          }
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      })();
      return stopping;
    },
  };
}
