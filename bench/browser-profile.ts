import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';

// `--profile`: a CPU profile of a page (CDP Profiler, the sampler behind DevTools' Performance
// panel) during the app's transfer, saved as .cpuprofile (open it in DevTools) and summarised as
// the functions with the most self time. The apps are minified, so positions are mapped back to
// the sources through the bundle's source map.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  readonly what: string;
  readonly selfMs: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  readonly top: SelfTime[];
}

const SAMPLING_INTERVAL_US = 200;

export async function startProfiling(page: Page): Promise<CDPSession> {
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await session.send('Profiler.start');
  return session;
}

/** Loads the source map of a served bundle ("http://host/app.js" -> dist/web/client/app.js.map). */
function sourceMapFor(root: string, url: string, cache: Map<string, SourceMap | null>): SourceMap | null {
  if (cache.has(url)) return cache.get(url) ?? null;
  let map: SourceMap | null = null;
  const match = /^https?:\/\/[^/]+\/(?:(client|master)\/)?app\.js$/.exec(url);
  if (match) {
    const app = match[1] ?? 'client';
    try {
      map = new SourceMap(
        JSON.parse(readFileSync(join(root, 'dist', 'web', app, 'app.js.map'), 'utf8')) as SourceMapPayload,
      );
    } catch {
      map = null;
    }
  }
  cache.set(url, map);
  return map;
}

function describeFrame(root: string, frame: ProfileNode['callFrame'], maps: Map<string, SourceMap | null>): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const map = sourceMapFor(root, frame.url, maps);
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
  if (entry && 'originalSource' in entry) {
    const source = entry.originalSource.replace(/^.*?\/(common|client|master|node_modules)\//, '$1/');
    const original = 'name' in entry && typeof entry.name === 'string' && entry.name ? entry.name : name;
    return `${original} ${source}:${entry.originalLine + 1}`;
  }
  return `${name} ${frame.url.replace(/^https?:\/\/[^/]+/, '')}:${frame.lineNumber + 1}`;
}

/** Self time per function (by the profile's samples), most first. */
export function summarise(root: string, profile: CpuProfile, topCount: number): { totalMs: number; top: SelfTime[] } {
  const byNode = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Each sample's time is the gap to the next one.
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i];
    if (id === undefined) continue;
    byNode.set(id, (byNode.get(id) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  const maps = new Map<string, SourceMap | null>();
  const byWhat = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = byNode.get(node.id) ?? 0;
    if (ms === 0) continue;
    const what = describeFrame(root, node.callFrame, maps);
    byWhat.set(what, (byWhat.get(what) ?? 0) + ms);
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const top = [...byWhat.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topCount)
    .map(([what, selfMs]) => ({
      what,
      selfMs: Math.round(selfMs),
      percent: Math.round((selfMs / totalMs) * 1000) / 10,
    }));
  return { totalMs: Math.round(totalMs), top };
}

/** Stops the profiler, writes bench/results/profiles/<name>.cpuprofile and summarises it. */
export async function stopProfiling(session: CDPSession, root: string, name: string): Promise<ProfileSummary> {
  const { profile } = (await session.send('Profiler.stop')) as unknown as { profile: CpuProfile };
  await session.detach();
  const dir = join(root, 'bench', 'results', 'profiles');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.cpuprofile`);
  await writeFile(file, JSON.stringify(profile));
  return { file: `bench/results/profiles/${name}.cpuprofile`, ...summarise(root, profile, 15) };
}
