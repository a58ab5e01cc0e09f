// Builds the daemon's bundle, dist/daemon/cli.js, which bin/ferry.js runs. Tests that spawn the
// CLI rebuild just this; scripts/build.mjs builds it together with the two web apps.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleNodeEntry } from './bundle-node.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const daemonOutfile = join(root, 'dist', 'daemon', 'cli.js');

export async function buildDaemon({ quiet = false } = {}) {
  await bundleNodeEntry({
    root,
    entry: join('signaling', 'src', 'cli.ts'),
    outfile: daemonOutfile,
    sourcemap: true,
    logLevel: quiet ? 'error' : 'warning',
  });
}
