import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

/*
 * The real daemon (`node signaling/bin/ferry.js`) as its own process, so its memory and CPU are
 * read from /proc/<pid> and are not mixed with the simulated peers'.
 */

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const LISTENING_LINE = /listening on (https?:\/\/[^\s/]+)/;

export interface DaemonProcess {
  readonly url: string;
  readonly wsUrl: string;
  readonly pid: number;
  readonly masterToken: string;
  isAlive(): boolean;
  /** Resident memory from /proc/<pid>/status. */
  rssBytes(): number;
  /** User plus system CPU time so far, from /proc/<pid>/stat. */
  cpuSeconds(): number;
  log(): string;
  /**
   * A full garbage collection in the daemon, through its inspector (spawned with `inspect`), so
   * two RSS readings compare what the daemon holds rather than when V8 last collected.
   */
  collectGarbage(): Promise<void>;
  /** SIGTERM, then the exit code (the daemon exits 0 after closing every connection). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function readRssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

const CLOCK_TICKS_PER_SECOND = 100;

export function readCpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces, so split after its closing paren).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 here (state is field 3).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

const INSPECTOR_LINE = /Debugger listening on (ws:\/\/\S+)/;

async function inspectorCall(inspectorUrl: string, method: string): Promise<void> {
  const ws = new WebSocket(inspectorUrl, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const reply = JSON.parse(data.toString('utf8')) as { id?: number; error?: { message: string } };
      if (reply.id !== 1) return;
      if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
      else resolve();
    });
    ws.send(JSON.stringify({ id: 1, method }));
  });
  ws.close();
}

export async function spawnDaemon(
  root: string,
  options: { args?: string[]; nodeArgs?: string[]; inspect?: boolean } = {},
): Promise<DaemonProcess> {
  let inspectorUrl: string | null = null;
  // Hex: a base64url token may start with '-', which reads as an option.
  const masterToken = randomBytes(24).toString('hex');
  const args = [
    ...(options.nodeArgs ?? []),
    ...(options.inspect ? ['--inspect=127.0.0.1:0'] : []),
    join(root, 'signaling', 'bin', 'ferry.js'),
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--master-token',
    masterToken,
    '--no-qr',
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the daemon did not listen within ${START_TIMEOUT_MS} ms:\n${lines.join('\n')}`)),
      START_TIMEOUT_MS,
    );
    const onLine = (prefix: string) => (line: string) => {
      if (lines.length < 10_000) lines.push(prefix + line);
      inspectorUrl ??= INSPECTOR_LINE.exec(line)?.[1] ?? null;
      const match = LISTENING_LINE.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    createInterface({ input: child.stdout }).on('line', onLine(''));
    createInterface({ input: child.stderr }).on('line', onLine('[stderr] '));
    void exited.then(([code, signal]) => {
      clearTimeout(timer);
      reject(new Error(`the daemon exited (code ${code}, signal ${signal}) before listening:\n${lines.join('\n')}`));
    });
  });
  const pid = child.pid ?? 0;
  const isAlive = () => child.exitCode === null && child.signalCode === null;
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
    pid,
    masterToken,
    isAlive,
    rssBytes: () => readRssBytes(pid),
    cpuSeconds: () => readCpuSeconds(pid),
    log: () => lines.join('\n'),
    collectGarbage: async () => {
      if (!inspectorUrl) throw new Error('spawn the daemon with inspect: true to collect its garbage');
      await inspectorCall(inspectorUrl, 'HeapProfiler.collectGarbage');
    },
    stop: async () => {
      if (!isAlive()) return { code: child.exitCode, signal: child.signalCode };
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      const outcome = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        child.kill('SIGKILL');
        const [code, signal] = await exited;
        return { code, signal };
      }
      return { code: outcome[0], signal: outcome[1] };
    },
  };
}
