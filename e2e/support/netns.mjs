// Runs an entry script inside a loopback-only network namespace when that is possible and wanted:
// as root on Linux, not yet isolated. Then no ICE or mDNS packet of a browser ever leaves the
// machine (see docs/TESTING.md). The e2e suite and the benchmark both start this way.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { delimiter, join } from 'node:path';

/** Finds a command on PATH or in the sbin folders, where Debian keeps `ip`. */
export function findCommand(name) {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const folder of folders) {
    if (folder && existsSync(join(folder, name))) return join(folder, name);
  }
  return undefined;
}

/** Runs a command with inherited stdio, forwarding Ctrl-C and SIGTERM; resolves its exit code. */
export function runInherited(command, argv, { cwd, env, onError }) {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd, env, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (error) => onError(`could not start ${command}: ${error.message}`));
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}

/**
 * As root on Linux and not yet isolated (`env[marker] !== '1'`): re-executes `node entryFile
 * ...args` under `unshare -n` with only `lo` up, then exits with its code (never returns). Else
 * returns at once. `fail(message)` must end the process; `label` prefixes its messages.
 */
export async function reexecInLoopbackNamespace({ marker, entryFile, args, cwd, label, fail }) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.platform !== 'linux' || !isRoot || process.env[marker] === '1') return;
  const unshare = findCommand('unshare');
  const ip = findCommand('ip');
  if (!unshare || !ip) {
    fail(
      `as root ${label} runs in a loopback-only network namespace, which needs \`unshare\` ` +
        `(util-linux) and \`ip\` (iproute2); missing: ${[!unshare && 'unshare', !ip && 'ip'].filter(Boolean).join(', ')}. ` +
        'Install them (apt-get install -y util-linux iproute2), or run as a non-root user to skip isolation.',
    );
  }
  const probe = spawnSync(unshare, ['-n', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    fail(
      `\`unshare -n\` failed (${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim()}): this ` +
        'environment does not allow a new network namespace (a container without CAP_SYS_ADMIN?). ' +
        'Run as a non-root user to skip isolation, or give the container that capability.',
    );
  }
  // sh -c 'SCRIPT' $0 $@...: the paths travel as arguments, never spliced into the script.
  const code = await runInherited(
    unshare,
    ['-n', 'sh', '-c', '"$0" link set lo up && exec "$@"', ip, process.execPath, entryFile, ...args],
    { cwd, env: { ...process.env, [marker]: '1' }, onError: fail },
  );
  process.exit(code);
}

/** One line saying whether this process sees only loopback. */
export function describeNetwork(label) {
  const interfaces = Object.keys(networkInterfaces());
  return interfaces.every((name) => name === 'lo')
    ? `${label}: network namespace with loopback only`
    : `${label}: not isolated (interfaces: ${interfaces.join(', ')}); WebRTC may gather LAN candidates`;
}
