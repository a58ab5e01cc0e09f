import { link } from 'node:fs/promises';
import { join } from 'node:path';
import type { CDPSession } from 'playwright-core';
import type { BareServer } from './bare-server';
import { rawChannelMiBps, rawRelayMiBps } from './browser-ceilings';
import { startProfiling, stopProfiling, type ProfileSummary } from './browser-profile';
import { CpuWatch } from './browser-processes';
import { downloadThroughApp, randomFileOnDisk, type AppRoom, type SourceFile } from './browser-room';
import { speedFigure, type Figure } from './report';

const MIB = 1024 * 1024;

export interface BrowserBenchOptions {
  readonly root: string;
  readonly isQuick: boolean;
  /** Record CPU profiles of the owner's and the asker's pages during the app's last transfer. */
  readonly isProfiling: boolean;
  /** Progress lines on stderr (`--verbose`). */
  readonly log: (line: string) => void;
}

type Ceiling = (room: AppRoom, totalBytes: number) => Promise<number>;

/** CPU milliseconds per MiB moved, by process role, while `run` ran (where the CPU went). */
async function cpuPerMiB<T>(
  totalBytes: number,
  run: () => Promise<T>,
): Promise<{ value: T; msPerMiB: Record<string, number> }> {
  const watch = new CpuWatch();
  let value: T;
  try {
    value = await run();
  } catch (error) {
    watch.stop();
    throw error;
  }
  const seconds = watch.stop();
  const msPerMiB: Record<string, number> = {};
  for (const [role, used] of Object.entries(seconds))
    if (used > 0) msPerMiB[role] = Math.round((used * 1000) / (totalBytes / MIB));
  msPerMiB['total'] = Object.values(seconds).reduce(
    (sum, used) => sum + Math.round((used * 1000) / (totalBytes / MIB)),
    0,
  );
  return { value, msPerMiB };
}

const flatCpu = (side: string, msPerMiB: Record<string, number> = {}) =>
  Object.fromEntries(Object.entries(msPerMiB).map(([role, ms]) => [`${side}CpuMsPerMiB.${role}`, ms]));

const describeCpu = (msPerMiB: Record<string, number>) =>
  Object.entries(msPerMiB)
    .map(([role, ms]) => `${role} ${ms}`)
    .join(', ');

/** The same bytes under another name (a hard link), so each run is its own shared file. */
async function renamed(room: AppRoom, source: SourceFile, name: string): Promise<SourceFile> {
  const path = join(room.tempDir, name);
  await link(source.path, path);
  return { ...source, name, path };
}

/**
 * Ceiling and app, interleaved (best of each: the machine is shared, so single runs are noisy),
 * between the owner's and the asker's contexts of one room.
 */
async function measure(
  room: AppRoom,
  options: BrowserBenchOptions,
  item: { label: string; route: string; ceiling: Ceiling; goal: string },
): Promise<Figure> {
  const totalBytes = (options.isQuick ? 16 : 256) * MIB;
  const runs = options.isQuick ? 1 : 2;
  const timeoutMs = Math.max(120_000, (totalBytes / MIB) * 1500);
  const log = (line: string) => options.log(`${item.label}: ${line}`);
  const source = await randomFileOnDisk(room.tempDir, `${item.label}.bin`, totalBytes);
  let ceiling = 0;
  let app = 0;
  let tailSeconds = 0;
  // From the last run of each: CPU ms per MiB by process role.
  const cpuMsPerMiB: { ceiling?: Record<string, number>; app?: Record<string, number> } = {};
  const profiles: Record<string, ProfileSummary> = {};
  for (let run = 1; run <= runs; run++) {
    const { value: runCeiling, msPerMiB: ceilingCpu } = await cpuPerMiB(totalBytes, () =>
      item.ceiling(room, totalBytes),
    );
    cpuMsPerMiB.ceiling = ceilingCpu;
    log(`ceiling ${runCeiling.toFixed(1)} MiB/s; CPU ms per MiB: ${describeCpu(ceilingCpu)}`);
    ceiling = Math.max(ceiling, runCeiling);
    const file = await renamed(room, source, `${item.label}-${run}.bin`);
    const isProfiled = options.isProfiling && run === runs;
    let sessions: { owner: CDPSession; asker: CDPSession } | undefined;
    const { value: result, msPerMiB: appCpu } = await cpuPerMiB(totalBytes, () =>
      downloadThroughApp(room, file, timeoutMs, {
        onStarted: async () => {
          if (!isProfiled) return;
          const [owner, asker] = await Promise.all([startProfiling(room.owner.page), startProfiling(room.asker.page)]);
          sessions = { owner, asker };
        },
      }),
    );
    cpuMsPerMiB.app = appCpu;
    if (sessions) {
      profiles['owner'] = await stopProfiling(sessions.owner, options.root, `${item.label}-owner`);
      profiles['asker'] = await stopProfiling(sessions.asker, options.root, `${item.label}-asker`);
    }
    if (result.route !== item.route)
      throw new Error(`${item.label}: the download went ${result.route}, expected ${item.route}`);
    log(
      `app ${(totalBytes / MIB / result.seconds).toFixed(1)} MiB/s (${result.seconds.toFixed(1)} s, of which ${result.tailSeconds.toFixed(1)} s checking and saving); CPU ms per MiB: ${describeCpu(appCpu)}`,
    );
    if (totalBytes / MIB / result.seconds > app) tailSeconds = result.tailSeconds;
    app = Math.max(app, totalBytes / MIB / result.seconds);
  }
  return {
    // The best app run's time from "Checking" (every chunk stored) to the saved file, and where
    // the CPU went in the last run of each side, by process role (`appCpuMsPerMiB.<role>`).
    ...speedFigure(app, ceiling, totalBytes, item.goal, {
      tailSeconds,
      ...flatCpu('ceiling', cpuMsPerMiB.ceiling),
      ...flatCpu('app', cpuMsPerMiB.app),
    }),
    ...(options.isProfiling ? { profiles } : {}),
  };
}

/** Item 1: a download between two contexts over P2P, against a raw RTCDataChannel. */
export function benchBrowserP2p(room: AppRoom, server: BareServer, options: BrowserBenchOptions): Promise<Figure> {
  return measure(room, options, {
    label: 'p2p',
    route: 'p2p',
    goal: '>= 0.9',
    ceiling: (room, totalBytes) => rawChannelMiBps(room.owner.context, room.asker.context, server, totalBytes),
  });
}

/** Item 2: the same through the daemon's relay (a room at `--p2p off`), against raw PUT-then-GET. */
export function benchBrowserRelay(room: AppRoom, server: BareServer, options: BrowserBenchOptions): Promise<Figure> {
  return measure(room, options, {
    label: 'relay',
    route: 'relay',
    goal: '>= 0.6',
    ceiling: (room, totalBytes) => rawRelayMiBps(room.owner.context, room.asker.context, server, totalBytes),
  });
}
