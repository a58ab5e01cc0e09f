// One esbuild setup for every Node entry the repository runs from source: the daemon, the bench,
// the signaling-scale runner and the load swarm's worker. Kept apart from build.mjs because
// signaling/load/swarm.ts imports it and so gets it bundled into the bench: this file must stay
// free of side effects and must not locate the repository from its own URL.
import { build } from 'esbuild';
import { join, resolve } from 'node:path';

/**
 * Bundles `entry` into `outfile` (each relative to `root`, or absolute) for Node 20 and returns the
 * outfile's absolute path. Outfiles belong inside the repository so the packages left outside
 * the bundle (some native) resolve from its node_modules.
 */
export async function bundleNodeEntry({ root, entry, outfile, sourcemap = false, logLevel = 'error' }) {
  const outPath = resolve(root, outfile);
  await build({
    entryPoints: [resolve(root, entry)],
    outfile: outPath,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap,
    packages: 'external',
    alias: { '@ferry/common': join(root, 'common', 'src', 'index.ts') },
    logLevel,
  });
  return outPath;
}
