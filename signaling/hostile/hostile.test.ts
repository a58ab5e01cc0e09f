import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupWebrtc } from '@ferry/node-peer/wrtc';
import { spawnDaemon, type DaemonProcess } from '../load/daemon-process';
import { BUILD_TIMEOUT_MS, buildDaemonIfStale, repoRoot } from '../test/support/cli-process';
import { ABUSES, type AbuseOutcome } from './abuses';
import { Attacker } from './attacker';
import { HONEST_BOUNDS_MS, HonestRoom, type RoundFigures } from './honest-room';

/*
 * The standing "hostile guest" suite (issue 11). The real daemon (the CLI, `--p2p off` so every
 * byte goes through the relay the attacker also uses) in its own process; an honest host and two
 * honest guests on the real transfer engine; one approved attacker who runs every abuse in turn.
 * Each abuse is judged by the honest side only: a newcomer is let in and sees the whole room, a
 * guest shares, a guest downloads 16 MiB byte-exact, each within its bound; nobody honest is cut;
 * the daemon's resident memory stays under its bound.
 */

const MIB = 1024 * 1024;
/** The daemon's VmRSS after any abuse: an idle daemon holds about 70 MiB, the relay at most 128. */
const RSS_BOUND_BYTES = 384 * MIB;

interface Row {
  abuse: string;
  finding: string;
  figures: RoundFigures | null;
  reconnects: number;
  rssMiB: number;
  outcome: AbuseOutcome | null;
  error: string | null;
}

const rows: Row[] = [];
let daemon: DaemonProcess;
let honest: HonestRoom;
let attacker: Attacker;

beforeAll(async () => {
  await buildDaemonIfStale();
  daemon = await spawnDaemon(repoRoot, { args: ['--p2p', 'off'] });
  honest = await HonestRoom.start(daemon.url, daemon.masterToken);
  attacker = await Attacker.join(daemon.wsUrl, (publicId) => honest.host.approve(publicId));
}, BUILD_TIMEOUT_MS + 30_000);

afterAll(async () => {
  printTable();
  await honest?.close();
  cleanupWebrtc();
  await daemon?.stop();
});

describe('against a hostile guest, the honest side keeps working', () => {
  it('before any abuse (the control round)', async () => {
    const figures = await honest.round();
    rows.push({ abuse: '(none)', finding: '-', figures, reconnects: 0, rssMiB: rss(), outcome: null, error: null });
  });

  for (const abuse of ABUSES) {
    it(`${abuse.name} (finding ${abuse.finding})`, async () => {
      const row: Row = {
        abuse: abuse.name,
        finding: abuse.finding,
        figures: null,
        reconnects: 0,
        rssMiB: 0,
        outcome: null,
        error: null,
      };
      rows.push(row);
      const reconnectsBefore = honest.reconnects;
      const ctx = { url: daemon.url, wsUrl: daemon.wsUrl, attacker, honest };
      const stop = await abuse.start(ctx);
      try {
        row.figures = await honest.round();
      } catch (error) {
        row.error = error instanceof Error ? error.message : String(error);
      } finally {
        row.outcome = await stop();
        row.reconnects = honest.reconnects - reconnectsBefore;
        row.rssMiB = rss();
      }
      expect(daemon.isAlive()).toBe(true);
      expect(row.error).toBeNull();
      expect(row.outcome.problem).toBeUndefined();
      expect(row.reconnects).toBe(0);
      expect(row.rssMiB * MIB).toBeLessThan(RSS_BOUND_BYTES);
    });
  }
});

function rss(): number {
  return daemon.isAlive() ? Math.round(daemon.rssBytes() / MIB) : 0;
}

function printTable(): void {
  const b = HONEST_BOUNDS_MS;
  const lines = [
    `Hostile guest: bounds join ${b.join} ms, share ${b.share} ms, 16 MiB download ${b.download} ms, daemon RSS ${RSS_BOUND_BYTES / MIB} MiB`,
    `${'abuse'.padEnd(46)} ${'join'.padStart(6)} ${'share'.padStart(6)} ${'16MiB'.padStart(6)} ${'cut'.padStart(4)} ${'RSS'.padStart(5)}  result`,
  ];
  for (const row of rows) {
    const f = row.figures;
    const cell = (v: number | undefined) => (v === undefined ? '-' : String(v)).padStart(6);
    const failed = row.error ?? row.outcome?.problem ?? (row.reconnects > 0 ? 'an honest peer was cut' : null);
    const overRss = row.rssMiB * MIB >= RSS_BOUND_BYTES ? 'RSS over bound' : null;
    const verdict = (failed ?? overRss) ? `FAIL: ${failed ?? overRss}` : 'pass';
    lines.push(
      `${`${row.abuse} (${row.finding})`.padEnd(46)} ${cell(f?.joinMs)} ${cell(f?.shareMs)} ${cell(f?.downloadMs)} ${String(row.reconnects).padStart(4)} ${String(row.rssMiB).padStart(5)}  ${verdict}${row.outcome ? `  [${row.outcome.note}]` : ''}`,
    );
  }
  console.log(lines.join('\n'));
}
