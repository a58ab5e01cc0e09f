import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { startDaemon } from '@ferry/signaling/daemon';
import { FerryPeer } from '@ferry/node-peer/ferry-peer';
import { rawChannelMibPerSecond } from './node-transfer';
import type { Figure } from './report';

const MIB = 1024 * 1024;
const TOKEN = 'bench-token-0123456789abcdef';

/** One `ferry send` → `ferry get` run: speed from the get's start to its exit, and peak RSS of each. */
interface TerminalRun {
  mibPerSecond: number;
  sendPeakRssMib: number;
  getPeakRssMib: number;
}

/** A file of random bytes written in 16 MiB steps (never whole in memory). */
async function randomFileOf(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  for (let left = bytes; left > 0; left -= 16 * MIB) {
    if (!out.write(randomBytes(Math.min(16 * MIB, left)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

/** `node signaling/bin/ferry.js …args --json`, with its peak RSS (VmHWM) read while it runs. */
function ferry(root: string, args: string[], configDir: string) {
  const child = spawn(process.execPath, [join(root, 'signaling', 'bin', 'ferry.js'), ...args, '--json'], {
    cwd: root,
    env: { ...process.env, FERRY_CONFIG_DIR: configDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  let peakKib = 0;
  child.stdout.on('data', (part: Buffer) => (output += part.toString()));
  const readPeak = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peakKib = Math.max(peakKib, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // Gone already: the last reading stands.
    }
  };
  const timer = setInterval(readPeak, 100);
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      clearInterval(timer);
      resolve(code);
    }),
  );
  return {
    child,
    exited,
    peakMib: () => peakKib / 1024,
    readPeak,
    event: async (name: string): Promise<Record<string, unknown>> => {
      for (;;) {
        const line = output.split('\n').find((l) => l.includes(`"event":"${name}"`));
        if (line) return JSON.parse(line) as Record<string, unknown>;
        if (child.exitCode !== null) throw new Error(`ferry ${args[0]} exited without ${name}: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

async function terminalRun(root: string, totalBytes: number): Promise<TerminalRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-terminal-'));
  const daemon = await startDaemon({ masterToken: TOKEN, host: '127.0.0.1', port: 0 });
  const host = await FerryPeer.connect({ url: daemon.url, masterToken: TOKEN });
  try {
    await randomFileOf(join(dir, 'big.bin'), totalBytes);
    const url = `${daemon.url}/`;
    const send = ferry(root, ['send', url, join(dir, 'big.bin')], join(dir, 'send-config'));
    await host.approve(String((await send.event('waiting'))['publicId']));
    await send.event('shared');
    const get = ferry(root, ['get', url, '--all', '-o', join(dir, 'out')], join(dir, 'get-config'));
    await host.approve(String((await get.event('waiting'))['publicId']));
    await get.event('admitted');
    const started = performance.now();
    const code = await get.exited;
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`ferry get exited ${code}`);
    send.readPeak();
    send.child.kill('SIGINT');
    await send.exited;
    return { mibPerSecond: totalBytes / MIB / seconds, sendPeakRssMib: send.peakMib(), getPeakRssMib: get.peakMib() };
  } finally {
    await host.close();
    await daemon.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `ferry send` to `ferry get` on one machine, against the raw node-datachannel channel: speed
 * (goal >= 0.9) and each process's peak RSS at a small and a large size (flat: the large within
 * 10 % of the small).
 */
export async function benchTerminal(root: string, quick: boolean): Promise<Figure> {
  const small = (quick ? 32 : 256) * MIB;
  const large = (quick ? 256 : 4096) * MIB;
  const ceiling = await rawChannelMibPerSecond(small);
  const atSmall = await terminalRun(root, small);
  const atLarge = await terminalRun(root, large);
  return {
    app: atLarge.mibPerSecond,
    ceiling,
    ratio: atLarge.mibPerSecond / ceiling,
    unit: 'MiB/s',
    sizeBytes: large,
    goal: '>= 0.9; RSS flat',
    extra: {
      smallMibPerSecond: atSmall.mibPerSecond,
      sendPeakRssMibSmall: atSmall.sendPeakRssMib,
      sendPeakRssMibLarge: atLarge.sendPeakRssMib,
      getPeakRssMibSmall: atSmall.getPeakRssMib,
      getPeakRssMibLarge: atLarge.getPeakRssMib,
    },
  };
}
