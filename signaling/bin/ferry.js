#!/usr/bin/env node
// The `ferry` command: plain JavaScript, no wrapper shell, so signals reach the daemon itself.
// `npm install` builds dist/ (the root "prepare" script); if it is missing, build it first.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
// `ferry send …` and `ferry get …` are the terminal peer; anything else is the daemon.
const isPeer = argv[0] === 'send' || argv[0] === 'get';
const cli = join(root, 'dist', isPeer ? 'peer' : 'daemon', 'cli.js');
if (!existsSync(cli)) {
  const { buildAll } = await import(pathToFileURL(join(root, 'scripts', 'build.mjs')).href);
  await buildAll({ quiet: true });
}
const { main } = await import(pathToFileURL(cli).href);
if (isPeer) {
  process.exitCode = await main(argv);
  // Output drains first; a native WebRTC thread or a late socket must not keep the command alive.
  setTimeout(() => process.exit(), 2_000).unref();
} else {
  await main(argv);
}
