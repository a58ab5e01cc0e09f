#!/usr/bin/env node
// Runs the signaling-scale benchmark alone: `node signaling/load/run-scale.mjs [--peers 1000,10000]
// [--quick] [--cpu-prof DIR]`. Bundles bench/signaling-scale.ts with esbuild (as scripts/bench.mjs
// bundles the whole bench) and prints each run's figures as JSON. --cpu-prof writes the daemon's
// CPU profile (.cpuprofile, open it in Chrome DevTools) to DIR.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleNodeEntry } from '../build/bundle-node.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: { peers: { type: 'string' }, quick: { type: 'boolean' }, 'cpu-prof': { type: 'string' } },
});
const outfile = await bundleNodeEntry({
  root,
  entry: join('bench', 'signaling-scale.ts'),
  outfile: join('dist', 'bench', 'signaling-scale.js'),
});
const { benchSignalingScale, runScale } = await import(pathToFileURL(outfile).href);
const log = (line) => console.log(line);
if (values.peers === undefined) {
  console.log(JSON.stringify(await benchSignalingScale(root, values.quick === true), null, 2));
} else {
  const profileDir = values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']);
  const daemonNodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  for (const peers of values.peers.split(',').map(Number)) {
    console.log(JSON.stringify(await runScale(root, peers, { log, daemonNodeArgs }), null, 2));
  }
}
process.exit(0);
