import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type CDPSession } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@ferry/e2e/support/browser';
import { treeRssByType, withNewChild } from './browser-processes';
import { downloadThroughApp, randomFileOnDisk, type AppRoom } from './browser-room';
import type { Figure } from './report';

const MIB = 1024 * 1024;
const SAMPLE_MS = 200;

export interface AskerMemory {
  readonly sizeBytes: number;
  /** Peak growth over the settled start, of the asker page's JS heap (CDP JSHeapUsedSize). */
  readonly jsHeapGrowthMiB: number;
  /** Peak growth of the asker's whole browser (every process of its tree, VmRSS summed). */
  readonly rssGrowthMiB: number;
  readonly baselineRssMiB: number;
  readonly mibPerSecond: number;
  /** Each process role's own peak growth (they need not peak at the same moment). */
  readonly rssGrowthMiBByType: Record<string, number>;
}

function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((total, value) => total + value, 0);
}

/**
 * Processes Chrome starts on its own, whatever the page does: `OnDeviceModelService` (its
 * on-device AI model) appeared once, 20-45 s into a download, with 46 MiB. They are left out of
 * the total and still reported on their own line.
 */
const CHROME_SERVICES = new Set(['utility:OnDeviceModelService']);

function withoutChromeServices(byType: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(byType).filter(([type]) => !CHROME_SERVICES.has(type)));
}

/**
 * The asker's browser with a real profile on disk. Playwright's `browser.newContext()` is an
 * off-the-record profile, whose IndexedDB lives in memory: every stored chunk would count.
 */
async function launchWithProfile(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
}

async function jsHeapUsedBytes(session: CDPSession): Promise<number> {
  const { metrics } = await session.send('Performance.getMetrics');
  return metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0;
}

/**
 * A new asker in a browser of its own (so its process tree is the asker alone) joins `room` and
 * downloads a file of `sizeBytes` over P2P from the room's owner. Heap and RSS are sampled every
 * 200 ms from the click until the saved file is complete.
 */
async function askerMemory(room: AppRoom, sizeBytes: number): Promise<AskerMemory> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'ferry-bench-profile-'));
  const { value: askerContext, pid } = await withNewChild(() => launchWithProfile(userDataDir));
  try {
    if (pid === undefined) throw new Error("could not find the asker's browser process");
    const asker = await room.addGuest(`asker-${sizeBytes / MIB}`, askerContext);
    const source = await randomFileOnDisk(room.tempDir, `memory-${sizeBytes / MIB}.bin`, sizeBytes);
    const session = await asker.context.newCDPSession(asker.page);
    await session.send('Performance.enable');
    await session.send('HeapProfiler.collectGarbage');
    const baselineHeap = await jsHeapUsedBytes(session);
    const baselineByType = treeRssByType(pid);
    const baselineRss = sum(withoutChromeServices(baselineByType));
    const peakByType: Record<string, number> = { ...baselineByType };
    let peakHeap = baselineHeap;
    let peakRss = baselineRss;
    let isSampling = false;
    const sample = async () => {
      if (isSampling) return; // a slow CDP answer must not pile samples up
      isSampling = true;
      try {
        peakHeap = Math.max(peakHeap, await jsHeapUsedBytes(session));
        const byType = treeRssByType(pid);
        peakRss = Math.max(peakRss, sum(withoutChromeServices(byType)));
        for (const [type, bytes] of Object.entries(byType)) peakByType[type] = Math.max(peakByType[type] ?? 0, bytes);
      } catch {
        // the page is busy closing: the samples so far stand
      } finally {
        isSampling = false;
      }
    };
    const timer = setInterval(() => void sample(), SAMPLE_MS);
    try {
      const result = await downloadThroughApp(room, source, Math.max(120_000, (sizeBytes / MIB) * 1500), { asker });
      await sample();
      return {
        sizeBytes,
        jsHeapGrowthMiB: (peakHeap - baselineHeap) / MIB,
        rssGrowthMiB: (peakRss - baselineRss) / MIB,
        baselineRssMiB: baselineRss / MIB,
        mibPerSecond: sizeBytes / MIB / result.seconds,
        rssGrowthMiBByType: Object.fromEntries(
          Object.entries(peakByType).map(([type, bytes]) => [
            type,
            Math.round(((bytes - (baselineByType[type] ?? 0)) / MIB) * 10) / 10,
          ]),
        ),
      };
    } finally {
      clearInterval(timer);
      await session.detach().catch(() => undefined);
    }
  } finally {
    await askerContext.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}

/**
 * Item 3, browser half: the asker's peak memory growth at a small and a large size, each asker in
 * a fresh browser. Bounded means independent of the size: `ratio` is large over small (goal:
 * about 1), `app` the large size's growth and `ceiling` the small size's.
 */
export async function benchBrowserMemory(
  room: AppRoom,
  isQuick: boolean,
  log: (line: string) => void,
): Promise<Figure> {
  const [smallBytes, largeBytes] = isQuick ? [4 * MIB, 16 * MIB] : [256 * MIB, 1024 * MIB];
  // Large first: each asker has a fresh browser, so the order does not matter, and the long run fails early.
  const large = await askerMemory(room, largeBytes);
  log(
    `memory: ${largeBytes / MIB} MiB: RSS +${large.rssGrowthMiB.toFixed(0)} MiB ${JSON.stringify(large.rssGrowthMiBByType)}, JS heap +${large.jsHeapGrowthMiB.toFixed(0)} MiB`,
  );
  const small = await askerMemory(room, smallBytes);
  log(
    `memory: ${smallBytes / MIB} MiB: RSS +${small.rssGrowthMiB.toFixed(0)} MiB ${JSON.stringify(small.rssGrowthMiBByType)}, JS heap +${small.jsHeapGrowthMiB.toFixed(0)} MiB`,
  );
  return {
    app: large.rssGrowthMiB,
    ceiling: small.rssGrowthMiB,
    ratio: large.rssGrowthMiB / small.rssGrowthMiB,
    unit: `MiB peak RSS growth of the asker's browser: ${largeBytes / MIB} MiB file (app) vs ${smallBytes / MIB} MiB (ceiling)`,
    sizeBytes: largeBytes,
    goal: '~1 (bounded)',
    extra: {
      smallSizeBytes: smallBytes,
      smallRssGrowthMiB: small.rssGrowthMiB,
      largeRssGrowthMiB: large.rssGrowthMiB,
      smallJsHeapGrowthMiB: small.jsHeapGrowthMiB,
      largeJsHeapGrowthMiB: large.jsHeapGrowthMiB,
      smallBaselineRssMiB: small.baselineRssMiB,
      largeBaselineRssMiB: large.baselineRssMiB,
      smallMiBPerSecond: small.mibPerSecond,
      largeMiBPerSecond: large.mibPerSecond,
      ...Object.fromEntries(
        Object.entries(small.rssGrowthMiBByType).map(([type, mib]) => [`smallRssGrowthMiB.${type}`, mib]),
      ),
      ...Object.fromEntries(
        Object.entries(large.rssGrowthMiBByType).map(([type, mib]) => [`largeRssGrowthMiB.${type}`, mib]),
      ),
    },
  };
}
