// One esbuild setup for every Node entry the repository runs from source: the daemon, the bench,
// the signaling-scale runner and the load swarm's worker. Kept apart from build-daemon.mjs because
// signaling/load/swarm.ts imports it and so gets it bundled into the bench: this file must stay
// free of side effects and must not locate the repository from its own URL.
import { build } from 'esbuild';
import { resolve } from 'node:path';

/**
 * Ferry's own workspaces (`@ferry/*`) are bundled from their TypeScript sources; every other
 * package stays outside the bundle and resolves from node_modules at run time (some are native).
 */
const workspacesBundled = {
  name: 'ferry-workspaces-bundled',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@ferry/') ? undefined : { path: args.path, external: true },
    );
  },
};

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
    plugins: [workspacesBundled],
    logLevel,
  });
  return outPath;
}
