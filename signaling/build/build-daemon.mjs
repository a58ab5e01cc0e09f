// Builds the daemon's bundle, dist/daemon/cli.js, and the terminal peer's, dist/peer/cli.js, which
// bin/ferry.js runs. Tests that spawn the
// CLI rebuild just this; scripts/build.mjs builds it together with the two web apps.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleNodeEntry } from './bundle-node.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const daemonOutfile = join(root, 'dist', 'daemon', 'cli.js');
/** `ferry send` and `ferry get`: the Node peer's command line, which bin/ferry.js hands them to. */
export const peerCliOutfile = join(root, 'dist', 'peer', 'cli.js');

export async function buildDaemon({ quiet = false } = {}) {
  await bundleNodeEntry({
    root,
    entry: join('signaling', 'src', 'cli.ts'),
    outfile: daemonOutfile,
    sourcemap: true,
    logLevel: quiet ? 'error' : 'warning',
  });
  await bundleNodeEntry({
    root,
    entry: join('node-peer', 'src', 'cli', 'main.ts'),
    outfile: peerCliOutfile,
    sourcemap: true,
    logLevel: quiet ? 'error' : 'warning',
  });
}
