import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@ferry/e2e/support/browser';
import { cleanupWebrtc } from '@ferry/node-peer/wrtc';
import { startBareServer } from './bare-server';
import { benchBrowserItems } from './browser-items';
import { bundleSizes, bundleTable } from './bundle-size';
import type { BrowserBenchOptions } from './browser-transfers';
import { benchNode } from './node-transfer';
import { benchRelayMemory } from './relay-memory';
import { benchSignalingScale } from './signaling-scale';
import { benchTerminal } from './terminal-transfer';
import type { Failed, Figure, Item } from './report';
import { attempt, machine, profileLines, table } from './report';

const ITEMS = ['node', 'terminal', 'memory', 'p2p', 'relay', 'signaling'] as const;
type ItemName = (typeof ITEMS)[number];

/** `--only p2p,relay` runs those items alone (while working on one path); default: all. */
function selectedItems(argv: string[]): Set<ItemName> {
  const at = argv.indexOf('--only');
  const listed = at >= 0 ? (argv[at + 1] ?? '').split(',') : [...ITEMS];
  const unknown = listed.filter((name) => !(ITEMS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown bench items: ${unknown.join(', ')} (known: ${ITEMS.join(', ')})`);
  return new Set(listed as ItemName[]);
}

function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  return run().finally(() =>
    console.log(`bench: ${label} took ${((performance.now() - started) / 1000).toFixed(1)} s`),
  );
}

/**
 * `npm run bench [-- --quick] [-- --profile] [-- --verbose] [-- --only p2p,relay]`: figures, each against a
 * ceiling measured in the same run. Never fails for being slow; it reports. `--profile` records
 * CPU profiles of the owner's and the asker's pages during the browser transfers.
 */
/** Resolves with the names of the items that failed to run (a slow figure is never a failure). */
export async function main(root: string, argv: string[]): Promise<string[]> {
  const quick = argv.includes('--quick');
  const items = selectedItems(argv);
  const isVerbose = argv.includes('--verbose');
  const browserOptions: BrowserBenchOptions = {
    root,
    isQuick: quick,
    isProfiling: argv.includes('--profile'),
    log: (line) => {
      if (isVerbose) console.error(`bench: ${line}`);
    },
  };
  // Read first: dist/ is the build this run measures, and a missing app fails before the long items.
  const bundle = bundleSizes(root);
  const results: Record<string, Item> = {};
  const needsBrowser = items.has('p2p') || items.has('relay') || items.has('memory');
  let browser: Browser | undefined;
  const server = await startBareServer();
  try {
    if (items.has('node')) results['node'] = await timed('node', () => attempt('node', () => benchNode(quick)));
    if (items.has('terminal')) {
      results['terminal'] = await timed('terminal', () => attempt('terminal', () => benchTerminal(root, quick)));
    }
    const memory: Record<string, Figure | Failed> = {};
    if (items.has('memory'))
      memory['daemon'] = await timed('memory.daemon', () =>
        attempt('memory.daemon', () => benchRelayMemory(root, quick)),
      );
    if (needsBrowser) {
      const launched = await launchChromium();
      browser = launched;
      const flags = { p2p: items.has('p2p'), relay: items.has('relay'), memory: items.has('memory') };
      const figures = await timed('browser items', () => benchBrowserItems(launched, server, browserOptions, flags));
      if (figures.p2p) results['p2p'] = figures.p2p;
      if (figures.relay) results['relay'] = figures.relay;
      if (figures.memory) memory['browser'] = figures.memory;
    }
    if (items.has('memory')) results['memory'] = memory;
    if (items.has('signaling')) {
      results['signaling'] = await timed('signaling', () => benchSignalingScale(root, quick));
    }
    const chromium = browser?.version();
    const out = { date: new Date().toISOString(), quick, machine: machine(chromium), bundle, ...results };
    // A partial run (--only) must not pass for the whole bench's figures.
    const fileName = items.size === ITEMS.length ? 'latest.json' : 'partial.json';
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(join(root, 'bench', 'results', fileName), `${JSON.stringify(out, null, 2)}\n`);
    console.log(table(results));
    console.log(`\n${bundleTable(bundle)}`);
    for (const line of profileLines(results)) console.log(line);
    console.log(`\nwritten to bench/results/${fileName}`);
    return failedItems(results);
  } finally {
    await browser?.close();
    await server.close();
    cleanupWebrtc();
  }
}

function failedItems(results: Record<string, Item>): string[] {
  const failed: string[] = [];
  for (const [name, item] of Object.entries(results)) {
    if ('failed' in item) failed.push(name);
    else if (!('ratio' in item) && !('app' in item)) {
      for (const [part, figure] of Object.entries(item)) if ('failed' in figure) failed.push(`${name}.${part}`);
    }
  }
  return failed;
}
