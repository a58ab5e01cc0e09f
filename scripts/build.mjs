#!/usr/bin/env node
// Builds the daemon (dist/daemon/cli.js), the terminal peer (dist/peer/cli.js) and the two web apps (dist/web/{client,master}) with
// esbuild: one fast bundler for both, no dev server needed. `--if-missing` skips the build when
// every output already exists (npm start on a built tree starts at once).
import { build } from 'esbuild';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDaemon, daemonOutfile, peerCliOutfile } from '@ferry/signaling/build/build-daemon.mjs';
import { copyPublicFiles } from '@ferry/signaling/build/public-files.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const outputs = [
  daemonOutfile,
  peerCliOutfile,
  join(dist, 'web', 'client', 'app.js'),
  join(dist, 'web', 'master', 'app.js'),
];

async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function buildAll({ quiet = false } = {}) {
  const started = Date.now();
  await rm(dist, { recursive: true, force: true });
  await buildDaemon({ quiet });
  for (const app of ['client', 'master']) {
    const appDir = join(root, app);
    const out = join(dist, 'web', app);
    await mkdir(out, { recursive: true });
    await build({
      entryPoints: { app: join(appDir, 'src', 'main.tsx') },
      outdir: out,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      // Dynamic imports (simple-peer, hash-wasm, the QR encoder) become chunks loaded on demand,
      // so the first render waits only for the app's own code.
      splitting: true,
      chunkNames: 'chunk-[hash]',
      target: ['chrome110', 'firefox115', 'safari16'],
      minify: true,
      sourcemap: true,
      jsx: 'automatic',
      jsxImportSource: 'preact',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: quiet ? 'error' : 'warning',
    });
    await copyPublicFiles(app, out);
  }
  if (!quiet) console.log(`built dist/ in ${Date.now() - started} ms`);
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const ifMissing = process.argv.includes('--if-missing');
  const missing = [];
  for (const out of outputs) if (!(await exists(out))) missing.push(out);
  if (!ifMissing || missing.length > 0) await buildAll();
}
