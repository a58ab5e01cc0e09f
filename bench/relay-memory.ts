import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FerryPeer } from '@ferry/node-peer/ferry-peer';
import type { Figure } from './report';

const MIB = 1024 * 1024;
const TOKEN = 'bench-token-0123456789abcdef';

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/**
 * The daemon as its own process (`--p2p off`), relaying one file between two Node peers; its RSS
 * is sampled every 50 ms. Peak growth over the settled start is what relaying costs.
 */
export async function benchRelayMemory(root: string, quick: boolean): Promise<Figure> {
  const totalBytes = (quick ? 64 : 1024) * MIB;
  const child = spawn(
    process.execPath,
    [
      join(root, 'signaling', 'bin', 'ferry.js'),
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--master-token',
      TOKEN,
      '--p2p',
      'off',
      '--no-qr',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', () => reject(new Error('the daemon exited')));
  });
  const pid = child.pid ?? 0;
  const master = await FerryPeer.connect({ url, masterToken: TOKEN });
  const owner = await FerryPeer.connect({ url, name: 'owner' });
  const asker = await FerryPeer.connect({ url, name: 'asker' });
  await master.approve(owner.publicId);
  await master.approve(asker.publicId);
  const file = await owner.share('relay.bin', randomBytes(totalBytes));
  const baseline = rssBytes(pid);
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssBytes(pid));
  }, 50);
  const started = performance.now();
  await asker.download(file);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await Promise.all([master.close(), owner.close(), asker.close()]);
  child.kill('SIGTERM');
  const growthMiB = (peak - baseline) / MIB;
  return {
    app: growthMiB,
    ceiling: 64,
    ratio: growthMiB / 64,
    unit: 'MiB peak RSS growth (goal: under the ceiling)',
    sizeBytes: totalBytes,
    goal: '< 64 MiB',
    extra: { relayMiBPerSecond: totalBytes / MIB / seconds, baselineRssMiB: baseline / MIB },
  };
}
