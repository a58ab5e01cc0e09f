#!/usr/bin/env node
// The e2e entry (`npm run test:e2e`). As root on Linux it first re-executes itself inside a
// loopback-only network namespace, so no ICE or mDNS packet of the tests ever leaves the machine
// (see TESTING.md); then it runs vitest with e2e/vitest.config.ts and exits with vitest's code.
// Extra arguments go to vitest (e.g. `node e2e/run.mjs room-files` to run one file).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ISOLATED_MARKER = 'FERRY_E2E_ISOLATED';
const thisFile = fileURLToPath(import.meta.url);
const root = join(dirname(thisFile), '..');
const args = process.argv.slice(2);
const chromiumPath = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

/** Finds a command on PATH or in the sbin folders, where Debian keeps `ip`. */
function findCommand(name) {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const folder of folders) {
    if (folder && existsSync(join(folder, name))) return join(folder, name);
  }
  return undefined;
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

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (process.platform === 'linux' && isRoot && process.env[ISOLATED_MARKER] !== '1') {
  const unshare = findCommand('unshare');
  const ip = findCommand('ip');
  if (!unshare || !ip) {
    fail(
      `as root the e2e suite runs in a loopback-only network namespace, which needs \`unshare\` ` +
        `(util-linux) and \`ip\` (iproute2); missing: ${[!unshare && 'unshare', !ip && 'ip'].filter(Boolean).join(', ')}. ` +
        'Install them (apt-get install -y util-linux iproute2), or run as a non-root user to skip isolation.',
    );
  }
  const probe = spawnSync(unshare, ['-n', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    fail(
      `\`unshare -n\` failed (${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim()}): this ` +
        'environment does not allow a new network namespace (a container without CAP_SYS_ADMIN?). ' +
        'Run the suite as a non-root user to skip isolation, or give the container that capability.',
    );
  }
  // sh -c 'SCRIPT' $0 $@...: the paths travel as arguments, never spliced into the script.
  const code = await run(
    unshare,
    ['-n', 'sh', '-c', '"$0" link set lo up && exec "$@"', ip, process.execPath, thisFile, ...args],
    { ...process.env, [ISOLATED_MARKER]: '1' },
  );
  process.exit(code);
}

const interfaces = Object.keys(networkInterfaces());
const isLoopbackOnly = interfaces.every((name) => name === 'lo');
console.log(
  isLoopbackOnly
    ? 'e2e: network namespace with loopback only'
    : `e2e: not isolated (interfaces: ${interfaces.join(', ')}); WebRTC may gather LAN candidates`,
);

// Screenshots and logs describe the last run only.
rmSync(join(root, 'e2e', 'artifacts'), { recursive: true, force: true });

const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
if (!existsSync(vitest)) fail(`vitest not found at ${vitest}: run npm install first`);
process.exit(await run(process.execPath, [vitest, 'run', '--config', join(root, 'e2e', 'vitest.config.ts'), ...args], process.env));
