#!/usr/bin/env node
// `npm run bench`: bundles bench/main.ts with esbuild (as the daemon is built) and runs it.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'bench', 'main.js');
await build({
  entryPoints: [join(root, 'bench', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  alias: { '@ferry/common': join(root, 'common', 'src', 'index.ts') },
  logLevel: 'error',
});
const { main } = await import(pathToFileURL(outfile).href);
await main(root, process.argv.slice(2));
process.exit(0);
