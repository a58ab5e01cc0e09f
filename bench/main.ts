import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupWebrtc } from '../node-peer/src/wrtc';
import { benchNode } from './node-transfer';
import { benchRelayMemory } from './relay-memory';
import type { Figure } from './report';
import { machine, table } from './report';

/**
 * `npm run bench [-- --quick]`: figures, each against a ceiling measured in the same run. Never
 * fails for being slow; it reports. Items so far: the engine between two Node peers (`node`) and
 * the daemon's memory while relaying (`memory`). The browser items come with issue 6.
 */
export async function main(root: string, argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const results: Record<string, Figure> = {};
  results['node'] = await benchNode(quick);
  results['memory'] = await benchRelayMemory(root, quick);
  const out = { date: new Date().toISOString(), quick, machine: machine(), ...results };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(table(results));
  console.log(`\nwritten to bench/results/latest.json`);
  cleanupWebrtc();
}
