import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
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
  /** Origin the daemon listens on, e.g. http://127.0.0.1:41235 (no trailing slash). */
  readonly url: string;
  readonly masterToken: string;
  /** Everything the daemon printed so far (stdout and stderr, interleaved by line). */
  log(): string;
  /** Sends SIGTERM and fails unless the daemon exits on its own with code 0. */
  stop(): Promise<void>;
}

/** Starts the real daemon as a child process on a free port of 127.0.0.1. */
export async function startDaemon(options: DaemonOptions = {}): Promise<RunningDaemon> {
  // Hex: a base64url token may start with '-', which the CLI would read as an option.
  const masterToken = randomBytes(24).toString('hex');
  const args = [daemonEntry, '--host', '127.0.0.1', '--port', '0', '--master-token', masterToken];
  if (options.isP2pOn === false) args.push('--p2p', 'off');
  args.push(...(options.extraArgs ?? []));

  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
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

  let readyUrl: string;
  try {
    readyUrl = await listening;
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    url: readyUrl,
    masterToken,
    log: () => lines.join('\n'),
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`the daemon had already exited (code ${child.exitCode}, signal ${child.signalCode}):\n${lines.join('\n')}`);
        }
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
        });
        const outcome = await Promise.race([exited, timeout]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          child.kill('SIGKILL');
          throw new Error(`the daemon did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM:\n${lines.join('\n')}`);
        }
        const [code, signal] = outcome;
        if (code !== 0) {
          throw new Error(`the daemon exited with code ${code} (signal ${signal}) after SIGTERM, expected 0:\n${lines.join('\n')}`);
        }
      })();
      return stopping;
    },
  };
}
