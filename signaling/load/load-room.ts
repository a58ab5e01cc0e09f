import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { limits } from '@ferry/common';
import type { DaemonProcess } from './daemon-process';
import { spawnDaemon } from './daemon-process';
import { MasterDriver } from './master-driver';
import { RssSampler } from './measure';
import { Swarm } from './swarm';

/*
 * One room under load: the real daemon in its own process (a fresh data folder when the CLI keeps
 * one), the master in this process, the simulated peers in the swarm worker, and the daemon's RSS
 * sampled from /proc all along.
 */

export interface LoadRoomOptions {
  trackViews: boolean;
  /** Extra daemon flags. */
  daemonArgs?: string[];
  /** Node flags for the daemon (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Open the daemon's inspector on 127.0.0.1 so the run can force a garbage collection. */
  inspect?: boolean;
  /** The daemon's per-identity message budget, when daemonArgs change it. */
  ratePerSecond?: number;
  burst?: number;
}

export interface LoadRoom {
  daemon: DaemonProcess;
  master: MasterDriver;
  swarm: Swarm;
  rss: RssSampler;
  /** Stops the swarm, the master and the daemon; resolves the daemon's exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const run = promisify(execFile);

/** Whether this daemon keeps its room on disk (issue 5): then every run gets its own folder. */
async function dataDirArgs(root: string): Promise<{ args: string[]; dir: string | null }> {
  const { stdout } = await run(process.execPath, [join(root, 'signaling', 'bin', 'ferry.js'), '--help']);
  if (!stdout.includes('--data-dir')) return { args: [], dir: null };
  const dir = await mkdtemp(join(tmpdir(), 'ferry-load-'));
  return { args: ['--data-dir', dir], dir };
}

export async function startLoadRoom(root: string, options: LoadRoomOptions): Promise<LoadRoom> {
  const data = await dataDirArgs(root);
  const daemon = await spawnDaemon(root, {
    args: [...data.args, ...(options.daemonArgs ?? [])],
    nodeArgs: options.nodeArgs ?? [],
    inspect: options.inspect ?? false,
  });
  const rss = new RssSampler(() => daemon.rssBytes());
  let master: MasterDriver | null = null;
  let swarm: Swarm | null = null;
  const stop = async () => {
    // The daemon first: it closes every socket itself (1001), as when its host stops it. Ten
    // thousand sockets cut by the swarm first would make it announce each loss to the rest.
    rss.stop();
    const exit = await daemon.stop();
    await swarm?.stop();
    master?.close();
    if (data.dir) await rm(data.dir, { recursive: true, force: true });
    return exit;
  };
  try {
    master = await MasterDriver.connect({
      wsUrl: daemon.wsUrl,
      token: daemon.masterToken,
      ratePerSecond: options.ratePerSecond ?? limits.RATE_MESSAGES_PER_SECOND,
      burst: options.burst ?? limits.RATE_BURST_MESSAGES,
    });
    swarm = await Swarm.start(root, { wsUrl: daemon.wsUrl, trackViews: options.trackViews, sourceAddresses: 250 });
    return { daemon, master, swarm, rss, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
