import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * Issue 10's goal: each app's JavaScript at most 60 KB gzipped, for a phone on a slow LAN. It
 * holds for what the first render waits for (app.js); simple-peer, hash-wasm and the QR encoder
 * are chunks loaded on demand right after, counted in the totals.
 */
const GOAL_GZIP_BYTES = 60_000;

export interface BundleSize {
  /** app.js: what the page waits for before it shows anything. */
  rawBytes: number;
  gzipBytes: number;
  /** app.js and every chunk it may load. */
  totalRawBytes: number;
  totalGzipBytes: number;
  goalGzipBytes: number;
}

/** Each built app's JavaScript (dist/web/<app>/*.js), raw and gzipped at level 9. */
export function bundleSizes(root: string): Record<'client' | 'master', BundleSize> {
  const sizeOf = (app: string): BundleSize => {
    const dir = join(root, 'dist', 'web', app);
    const measure = (file: string) => {
      const code = readFileSync(join(dir, file));
      return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
    };
    const entry = measure('app.js');
    const all = readdirSync(dir)
      .filter((file) => file.endsWith('.js'))
      .map(measure);
    return {
      rawBytes: entry.raw,
      gzipBytes: entry.gzip,
      totalRawBytes: all.reduce((sum, size) => sum + size.raw, 0),
      totalGzipBytes: all.reduce((sum, size) => sum + size.gzip, 0),
      goalGzipBytes: GOAL_GZIP_BYTES,
    };
  };
  return { client: sizeOf('client'), master: sizeOf('master') };
}

export function bundleTable(sizes: Record<string, BundleSize>): string {
  const kb = (bytes: number) => (bytes / 1000).toFixed(1);
  const rows = Object.entries(sizes).map(([app, size]) =>
    [
      `bundle.${app}`,
      kb(size.rawBytes),
      kb(size.gzipBytes),
      kb(size.totalRawBytes),
      kb(size.totalGzipBytes),
      `first load gzip <= ${kb(size.goalGzipBytes)}`,
    ].join(' | '),
  );
  return [
    'item | first load raw KB | first load gzip KB | with chunks raw KB | with chunks gzip KB | goal',
    '--- | --- | --- | --- | --- | ---',
    ...rows,
  ].join('\n');
}
