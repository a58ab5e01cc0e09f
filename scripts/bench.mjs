#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --profile] [-- --no-build]`: as root on Linux it first
// re-executes itself inside a loopback-only network namespace (the browsers' ICE stays on
// loopback, as in the e2e suite); then it rebuilds the apps (so the figures are the tree's, not a
// stale dist/; `--no-build` keeps dist/ when it exists), bundles bench/main.ts with esbuild (as
// the daemon is built) and runs it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildAll } from './build.mjs';
import { bundleNodeEntry } from '@ferry/signaling/build/bundle-node.mjs';
import { describeNetwork, reexecInLoopbackNamespace } from '@ferry/e2e/support/netns.mjs';

const thisFile = fileURLToPath(import.meta.url);
const root = join(dirname(thisFile), '..');
const args = process.argv.slice(2);

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

await reexecInLoopbackNamespace({
  marker: 'FERRY_BENCH_ISOLATED',
  entryFile: thisFile,
  args,
  cwd: root,
  label: 'the benchmark',
  fail,
});
console.log(describeNetwork('bench'));

const isBuilt =
  existsSync(join(root, 'dist', 'web', 'client', 'app.js')) && existsSync(join(root, 'dist', 'daemon', 'cli.js'));
if (!args.includes('--no-build') || !isBuilt) await buildAll({ quiet: true });

const outfile = await bundleNodeEntry({
  root,
  entry: join('bench', 'main.ts'),
  outfile: join('dist', 'bench', 'main.js'),
});
const { main } = await import(pathToFileURL(outfile).href);
// Figures are never judged, but an item that could not run at all means the harness rotted.
const failed = await main(root, args);
if (failed.length > 0) console.error(`bench: these items failed to run: ${failed.join(', ')}`);
process.exit(failed.length > 0 ? 1 : 0);
