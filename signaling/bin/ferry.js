#!/usr/bin/env node
// The `ferry` command: plain JavaScript, no wrapper shell, so signals reach the daemon itself.
// `npm install` builds dist/ (the root "prepare" script); if it is missing, build it first.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'daemon', 'cli.js');
if (!existsSync(cli)) {
  const { buildAll } = await import(pathToFileURL(join(root, 'scripts', 'build.mjs')).href);
  await buildAll({ quiet: true });
}
const { main } = await import(pathToFileURL(cli).href);
await main(process.argv.slice(2));
