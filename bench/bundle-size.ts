import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Issue 10's goal: each app's JavaScript at most 60 KB gzipped, for a phone on a slow LAN. */
const GOAL_GZIP_BYTES = 60_000;

export interface BundleSize {
  rawBytes: number;
  gzipBytes: number;
  goalGzipBytes: number;
}

/** Each built app's JavaScript (dist/web/<app>/app.js), raw and gzipped at level 9. */
export function bundleSizes(root: string): Record<'client' | 'master', BundleSize> {
  const sizeOf = (app: string): BundleSize => {
    const code = readFileSync(join(root, 'dist', 'web', app, 'app.js'));
    return { rawBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, goalGzipBytes: GOAL_GZIP_BYTES };
  };
  return { client: sizeOf('client'), master: sizeOf('master') };
}

export function bundleTable(sizes: Record<string, BundleSize>): string {
  const kb = (bytes: number) => (bytes / 1000).toFixed(1);
  const rows = Object.entries(sizes).map(([app, size]) =>
    [`bundle.${app}`, kb(size.rawBytes), kb(size.gzipBytes), `gzip <= ${kb(size.goalGzipBytes)}`].join(' | '),
  );
  return ['item | raw KB | gzip KB | goal', '--- | --- | --- | ---', ...rows].join('\n');
}
