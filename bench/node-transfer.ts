import { randomBytes } from 'node:crypto';
import { startDaemon } from '@ferry/signaling/daemon';
import { FerryPeer } from '@ferry/node-peer/ferry-peer';
import { nodeLink, opened } from '@ferry/node-peer/test/support/links';
import { pump } from '@ferry/node-peer/test/support/pump';
import { speedFigure, type Figure } from './report';

const MIB = 1024 * 1024;
const TOKEN = 'bench-token-0123456789abcdef';

/** Speed, and the CPU the whole process (every thread, native ones included) spent per MiB. */
interface Run {
  mibPerSecond: number;
  cpuMsPerMib: number;
}

/** Marks the start and the end of the measured part of a run (not its setup or teardown). */
export interface Marks {
  start(): void;
  stop(): void;
}

/**
 * Runs `transfer` and reads the process's CPU time between its marks. The machine is shared, so
 * wall-clock speed is noisy; CPU per MiB is much steadier.
 */
async function measured(totalBytes: number, transfer: (marks: Marks) => Promise<void>): Promise<Run> {
  let startedAt = 0;
  let elapsedMs = 0;
  let cpuAtStart = process.cpuUsage();
  let cpuMs = 0;
  await transfer({
    start: () => {
      cpuAtStart = process.cpuUsage();
      startedAt = performance.now();
    },
    stop: () => {
      elapsedMs = performance.now() - startedAt;
      const cpu = process.cpuUsage(cpuAtStart);
      cpuMs = (cpu.user + cpu.system) / 1000;
    },
  });
  const mib = totalBytes / MIB;
  return { mibPerSecond: mib / (elapsedMs / 1000), cpuMsPerMib: cpuMs / mib };
}

/**
 * Raw ceiling: two node-datachannel peers, the same 256 KiB messages and 4 MiB / 1 MiB water
 * marks as the engine, SHA-256 of the stream at both ends; the receiver keeps nothing.
 */
async function rawChannel(totalBytes: number, marks: Marks): Promise<void> {
  let a: ReturnType<typeof nodeLink> | null = null;
  let b: ReturnType<typeof nodeLink> | null = null;
  a = nodeLink(true, (data) => b?.signal(data));
  b = nodeLink(false, (data) => a?.signal(data));
  await Promise.all([opened(a.channel), opened(b.channel)]);
  marks.start();
  await pump(a.channel, b.channel, {
    totalBytes,
    messageBytes: Math.min(a.channel.maxMessageBytes, 256 * 1024),
    highWaterBytes: 4 * MIB,
    lowWaterBytes: MIB,
  });
  marks.stop();
  a.destroy();
  b.destroy();
}

/**
 * The whole engine: daemon signaling, chunk requests, per-chunk and whole-file SHA-256. Unlike the
 * ceiling, the asker keeps the file (in memory): fresh pages, which cost a lot on these VMs.
 */
export async function appTransfer(totalBytes: number, p2p: boolean, marks: Marks): Promise<void> {
  const daemon = await startDaemon({ masterToken: TOKEN, host: '127.0.0.1', port: 0, p2p, relayQuotaBytes: 256 * MIB });
  const master = await FerryPeer.connect({ url: daemon.url, masterToken: TOKEN });
  const owner = await FerryPeer.connect({ url: daemon.url, name: 'owner' });
  const asker = await FerryPeer.connect({ url: daemon.url, name: 'asker' });
  try {
    await master.approve(owner.publicId);
    await master.approve(asker.publicId);
    const file = await owner.share('bench.bin', randomBytes(totalBytes));
    marks.start();
    await asker.download(file);
    marks.stop();
  } finally {
    await Promise.all([master.close(), owner.close(), asker.close()]);
    await daemon.close();
  }
}

/** The raw channel's speed over `totalBytes` (the ceiling other Node figures compare with). */
export async function rawChannelMibPerSecond(totalBytes: number): Promise<number> {
  return (await measured(totalBytes, (marks) => rawChannel(totalBytes, marks))).mibPerSecond;
}

export async function benchNode(quick: boolean): Promise<Figure> {
  const totalBytes = (quick ? 16 : 256) * MIB;
  // Interleaved runs, best of each: the machine is shared, so single runs are noisy.
  const runs = quick ? 1 : 2;
  const ceilings: Run[] = [];
  const apps: Run[] = [];
  for (let i = 0; i < runs; i++) {
    ceilings.push(await measured(totalBytes, (marks) => rawChannel(totalBytes, marks)));
    apps.push(await measured(totalBytes, (marks) => appTransfer(totalBytes, true, marks)));
  }
  const ceiling = Math.max(...ceilings.map((r) => r.mibPerSecond));
  const app = Math.max(...apps.map((r) => r.mibPerSecond));
  const ceilingCpu = Math.min(...ceilings.map((r) => r.cpuMsPerMib));
  const appCpu = Math.min(...apps.map((r) => r.cpuMsPerMib));
  // CPU per MiB is the steadier comparison on a shared machine: ceiling over app, like `ratio`.
  return speedFigure(app, ceiling, totalBytes, '>= 0.9', {
    appCpuMsPerMib: appCpu,
    ceilingCpuMsPerMib: ceilingCpu,
    cpuRatio: ceilingCpu / appCpu,
  });
}
