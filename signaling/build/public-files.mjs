// The files the daemon serves for each app besides its bundle: web/public/ (the icons both apps
// share), then the app's own public/ (its page), which wins where a name is in both. The build
// (scripts/build.mjs) and the daemon's static test lay them out with this one function.
import { cp, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Copies the public files of `app` ('client' or 'master') into `outDir`. */
export async function copyPublicFiles(app, outDir) {
  for (const folder of [join(root, 'web', 'public'), join(root, app, 'public')]) {
    for (const entry of await readdir(folder)) {
      await cp(join(folder, entry), join(outDir, entry), { recursive: true });
    }
  }
}
