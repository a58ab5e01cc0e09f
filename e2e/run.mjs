#!/usr/bin/env node
// The e2e entry (`npm run test:e2e`). As root on Linux it first re-executes itself inside a
// loopback-only network namespace, so no ICE or mDNS packet of the tests ever leaves the machine
// (see docs/TESTING.md); then it runs vitest with e2e/vitest.config.ts and exits with vitest's code.
// Extra arguments go to vitest (e.g. `node e2e/run.mjs room-files` to run one file).
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeNetwork, reexecInLoopbackNamespace } from './support/netns.mjs';

const ISOLATED_MARKER = 'FERRY_E2E_ISOLATED';
const thisFile = fileURLToPath(import.meta.url);
const root = join(dirname(thisFile), '..');
const args = process.argv.slice(2);
const chromiumPath = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

/** Runs a command with inherited stdio, forwarding Ctrl-C and SIGTERM; resolves its exit code. */
function run(command, argv, env) {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: root, env, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (error) => fail(`could not start ${command}: ${error.message}`));
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}

// A browser test never skips quietly: no Chromium, no run.
if (!existsSync(chromiumPath)) {
  fail(
    `Chromium not found at ${chromiumPath}. The e2e suite drives a real Chromium: install it ` +
      '(Debian: apt-get install -y chromium; .ci/run does) or set FERRY_CHROMIUM to its path.',
  );
}

await reexecInLoopbackNamespace({
  marker: ISOLATED_MARKER,
  entryFile: thisFile,
  args,
  cwd: root,
  label: 'the e2e suite',
  fail,
});
console.log(describeNetwork('e2e'));

// Screenshots and logs describe the last run only.
rmSync(join(root, 'e2e', 'artifacts'), { recursive: true, force: true });

const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
if (!existsSync(vitest)) fail(`vitest not found at ${vitest}: run npm install first`);
process.exit(
  await run(process.execPath, [vitest, 'run', '--config', join(root, 'e2e', 'vitest.config.ts'), ...args], process.env),
);
