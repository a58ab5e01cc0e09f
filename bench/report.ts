import { cpus } from 'node:os';
import type { ProfileSummary } from './browser-profile';

export interface Figure {
  app: number;
  ceiling: number;
  ratio: number;
  unit: string;
  sizeBytes: number;
  goal: string;
  extra?: Record<string, number>;
  /** `--profile`: the pages' CPU profiles during the app's transfer, by role. */
  profiles?: Record<string, ProfileSummary>;
}

/** A speed: the app's and the ceiling's MiB/s over the same bytes, and their ratio. */
export function speedFigure(
  app: number,
  ceiling: number,
  sizeBytes: number,
  goal: string,
  extra: Record<string, number>,
): Figure {
  return { app, ceiling, ratio: app / ceiling, unit: 'MiB/s', sizeBytes, goal, extra };
}

/** An item that could not be measured: the bench reports it and goes on with the others. */
export interface Failed {
  failed: string;
}

/** An item that is one figure, or several under names (`memory`: `daemon` and `browser`). */
export type Item = Figure | Failed | Record<string, Figure | Failed>;

/** Runs one item; a failure becomes its result instead of ending the whole bench. */
export async function attempt<T>(name: string, run: () => Promise<T>): Promise<T | Failed> {
  try {
    return await run();
  } catch (error) {
    console.error(`bench: ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { failed: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error) };
  }
}

export function machine(chromiumVersion?: string): Record<string, string | number> {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: process.platform,
    ...(chromiumVersion === undefined ? {} : { chromium: chromiumVersion }),
  };
}

function isFigure(item: Item): item is Figure {
  return typeof (item as Partial<Figure>).ratio === 'number';
}

function isFailed(item: Item): item is Failed {
  return typeof (item as Partial<Failed>).failed === 'string';
}

function row(name: string, f: Figure | Failed): string {
  if (isFailed(f)) return [name, 'failed', '', '', '', f.failed.slice(0, 120), ''].join(' | ');
  return [
    name,
    f.app.toFixed(1),
    f.ceiling.toFixed(1),
    f.ratio.toFixed(2),
    f.goal,
    f.unit,
    `${(f.sizeBytes / 1024 / 1024).toFixed(0)} MiB`,
  ].join(' | ');
}

export function table(results: Record<string, Item>): string {
  const rows = Object.entries(results).flatMap(([name, item]) =>
    isFigure(item) || isFailed(item)
      ? [row(name, item)]
      : Object.entries(item).map(([part, f]) => row(`${name}.${part}`, f)),
  );
  return ['item | app | ceiling | ratio | goal | unit | size', '--- | --- | --- | --- | --- | --- | ---', ...rows].join(
    '\n',
  );
}

/** The top self-time functions of each profile, for the console. */
export function profileLines(results: Record<string, Item>): string[] {
  const lines: string[] = [];
  for (const [name, item] of Object.entries(results)) {
    if (!isFigure(item) || item.profiles === undefined) continue;
    for (const [role, summary] of Object.entries(item.profiles)) {
      lines.push(`\n${name}, ${role} page (${summary.totalMs} ms profiled, ${summary.file}): top self time`);
      for (const entry of summary.top)
        lines.push(`  ${String(entry.selfMs).padStart(6)} ms ${entry.percent.toFixed(1).padStart(5)}%  ${entry.what}`);
    }
  }
  return lines;
}
