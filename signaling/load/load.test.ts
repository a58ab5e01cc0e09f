import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDaemon } from '../build/build-daemon.mjs';
import { DEFAULT_CHURN, offer, runChurn, type ChurnReport, type Person } from './churn';
import type { LoadRoom } from './load-room';
import { startLoadRoom } from './load-room';
import { MIB, percentile, round } from './measure';
import { digestView, describeDifference, serializeView, type ViewDigest } from './room-view';
import { MARKER_PREFIX } from './swarm-protocol';

/*
 * Issue 5, guarantee 6 (`npm run test:load`): 1,000 WebSocket peers register, are approved and
 * receive a 5,000-file list; then 60 s of churn. The daemon must not crash, its memory must come
 * back within 20% of where it settled after the initial load, and at the end every peer's file
 * list and approved-peer set must equal the master's.
 *
 * "Settled": the daemon's RSS is sampled every 200 ms. A reading forces a full garbage collection
 * in the daemon (through its inspector), then waits until the samples of the last 3 s lie within
 * 5% of their median; that median is the settled value (waiting at most 20 s; a run that does not
 * settle says so in the figures). Without the forced collection the two readings would compare
 * when V8 last collected (runs here showed the same state at 131 MiB and at 288 MiB).
 */

const root = join(import.meta.dirname, '..', '..');
const PEERS = 1000;
const OWNERS = 5;
const FILES = 5000;
const CHURN_MS = 60_000;
const JOIN_WINDOW = 150; // below the daemon's cap of 200 pending identities
const SETTLE = { windowMs: 3000, tolerance: 0.05, maxWaitMs: 20_000 };
const SEED = 6;

let room: LoadRoom;
const figures: Record<string, number | string> = {};

async function barrier(name: string): Promise<void> {
  const reqId = `${MARKER_PREFIX}${name}`;
  // The marker is the last frame the daemon sends in this quiet room: once every peer and the
  // master have it, everything the daemon sent them before has arrived too.
  const echoed = room.master.waitFor((m) => m.type === 'FILES_ADDED' && m.reqId === reqId);
  room.master.shareOwn(reqId, [{ ...offer(`barrier-${name}`, 1), owner: room.master.publicId }]);
  await Promise.all([echoed, room.swarm.call({ cmd: 'awaitMarker', reqId, timeoutMs: 60_000 })]);
}

/** Every online approved peer's view against the master's; a few differences spelled out. */
async function viewMismatches(): Promise<{ compared: number; mismatches: string[] }> {
  const reference: ViewDigest = digestView(room.master.view);
  const digests = await room.swarm.call({ cmd: 'digests' });
  const wrong = digests.filter((d) => JSON.stringify(d.digest) !== JSON.stringify(reference));
  const mismatches: string[] = [];
  if (wrong.length > 0) {
    const views = await room.swarm.call({ cmd: 'views', indices: wrong.slice(0, 3).map((d) => d.index) });
    const master = serializeView(room.master.view);
    views.forEach((view, i) =>
      mismatches.push(`peer ${wrong[i]?.index}: ${describeDifference(view, master).join('; ')}`),
    );
    mismatches.push(`${wrong.length} of ${digests.length} peers differ from the master`);
  }
  return { compared: digests.length, mismatches };
}

async function readSettledRss(): Promise<{ bytes: number; settled: boolean }> {
  await room.daemon.collectGarbage();
  return room.rss.settle(SETTLE);
}

async function health(): Promise<{ peers: number; online: number; files: number }> {
  const response = await fetch(`${room.daemon.url}/healthz`);
  return (await response.json()) as { peers: number; online: number; files: number };
}

describe('the daemon under load (1,000 peers, 5,000 files, 60 s of churn)', () => {
  const people: Person[] = [];
  let settledRss = 0;
  let churn: ChurnReport;

  beforeAll(async () => {
    await buildDaemon({ quiet: true });
    // FERRY_LOAD_CPU_PROF=DIR writes the daemon's CPU profile there (to find what a slow run spends on).
    const profileDir = process.env['FERRY_LOAD_CPU_PROF'];
    room = await startLoadRoom(root, {
      trackViews: true,
      nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      inspect: true,
      // As the host of a room open to strangers would run it: the limits by address on, with the
      // swarm spread over 250 source addresses like real machines.
      daemonArgs: ['--register-rate', '20'],
    });
  });

  afterAll(async () => {
    if (room?.daemon.isAlive()) {
      const stats = await room.swarm.call({ cmd: 'stats' }, 10_000).catch(() => null);
      console.log(
        `swarm: ${JSON.stringify(stats)}\nthe daemon's last lines:\n${room.daemon.log().split('\n').slice(-15).join('\n')}`,
      );
      await room.stop().catch(() => undefined);
    }
    console.log(`load figures: ${JSON.stringify(figures, null, 2)}`);
  });

  it('registers and approves 1,000 peers, who all receive the 5,000-file list', async () => {
    const { swarm, master, daemon } = room;
    const started = performance.now();
    const owners = await swarm.call({ cmd: 'join', count: OWNERS, window: OWNERS });
    const ownersJoinMs = performance.now() - started;
    for (const o of owners)
      people.push({ index: o.index, publicId: o.publicId, isOwner: true, isBusy: false, state: 'approved' });
    await Promise.all(
      owners.map(async (owner, k) => {
        const perOwner = FILES / OWNERS;
        for (let from = 0; from < perOwner; from += 256) {
          const files = Array.from({ length: Math.min(256, perOwner - from) }, (_, i) =>
            offer(`seed-${k}-${from + i}`, 1 + from + i),
          );
          const answer = await swarm.call({ cmd: 'addFiles', index: owner.index, reqId: `seed-${k}-${from}`, files });
          expect(answer).toMatchObject({ ok: true, rejected: [] });
        }
      }),
    );
    // Each owner's ACK and the master's copy of the broadcast leave the daemon in the same tick but
    // reach this process on different paths (the swarm's IPC, the master's socket): wait for the copy.
    await expect.poll(() => master.files.size, { timeout: 30_000, interval: 20 }).toBe(FILES);
    const joinStarted = performance.now();
    const joined = await swarm.call({ cmd: 'join', count: PEERS - OWNERS, window: JOIN_WINDOW }, 540_000);
    for (const j of joined)
      people.push({ index: j.index, publicId: j.publicId, isOwner: false, isBusy: false, state: 'approved' });
    // Joining only: the owners' join plus everyone else's, not the owners' sharing in between.
    figures['registerAndApprove1000Seconds'] = round((ownersJoinMs + performance.now() - joinStarted) / 1000, 1);
    figures['initialLoadSeconds'] = round((performance.now() - started) / 1000, 1);
    figures['registerToRoomStateP50Ms'] = round(
      percentile(
        joined.map((t) => t.roomStateAt - t.registerSentAt),
        50,
      ),
    );
    figures['registerToRoomStateP99Ms'] = round(
      percentile(
        joined.map((t) => t.roomStateAt - t.registerSentAt),
        99,
      ),
    );
    figures['roomStateChars'] = Math.max(...joined.map((t) => t.roomStateChars));

    await barrier('initial');
    const { compared, mismatches } = await viewMismatches();
    expect(mismatches).toEqual([]);
    expect(compared).toBe(PEERS);
    expect(room.master.view.files.size).toBe(FILES + 1);
    expect(daemon.isAlive()).toBe(true);

    const settled = await readSettledRss();
    settledRss = settled.bytes;
    figures['rssSettledMiB'] = round(settled.bytes / MIB);
    figures['rssSettledWithinWindow'] = String(settled.settled);
    figures['rssPeakInitialMiB'] = round(room.rss.peakBytes / MIB);
  });

  it('keeps every peer in step with the master through 60 s of churn, with bounded memory', async () => {
    const { swarm, daemon, master } = room;
    expect(settledRss).toBeGreaterThan(0);
    const statsBefore = await swarm.call({ cmd: 'stats' });
    const churnStarted = performance.now();
    churn = await runChurn(room, people, DEFAULT_CHURN, CHURN_MS, SEED);
    const churnSeconds = (performance.now() - churnStarted) / 1000;
    const statsAfter = await swarm.call({ cmd: 'stats' });
    figures['churnActions'] = JSON.stringify(churn.actions);
    figures['churnFilesAddedRemoved'] = `${churn.filesAdded}/${churn.filesRemoved}`;
    figures['churnNewPeople'] = churn.newPeople;
    figures['churnSkippedBusy'] = churn.skipped;
    figures['churnSeconds'] = round(churnSeconds);
    figures['framesToPeersPerSecondDuringChurn'] = Math.round(
      (statsAfter.framesReceived - statsBefore.framesReceived) / churnSeconds,
    );
    figures['framesFromPeersPerSecondDuringChurn'] = Math.round(
      (statsAfter.framesSent - statsBefore.framesSent) / churnSeconds,
    );
    figures['rssPeakMiB'] = round(room.rss.peakBytes / MIB);
    expect(churn.failures).toEqual([]);
    expect(daemon.isAlive()).toBe(true);

    // Peers whose socket dropped reconnect by themselves (as the apps do); the room is compared
    // once they are all back.
    await swarm.call({ cmd: 'awaitQuiet', timeoutMs: 120_000 }, 130_000);
    await barrier('final');
    const { compared, mismatches } = await viewMismatches();
    expect(mismatches).toEqual([]);
    const present = people.filter((p) => p.state === 'approved').length;
    expect(compared).toBe(present);
    const final = await swarm.call({ cmd: 'stats' });
    figures['unexpectedCloses'] = JSON.stringify(final.unexpectedCloses);
    figures['requestsLostToDisconnect'] = churn.lostToDisconnect;
    figures['swarmLoopDelayP99Ms'] = round(final.loopDelayP99Ms);
    // Refusals a correct swarm never earns (RATE_LIMITED, LIMIT_EXCEEDED, NOT_APPROVED, ...).
    expect(final.errorsByCode).toEqual({});
    expect(master.errors).toEqual([]);
    const h = await health();
    expect(h.files).toBe(master.files.size);
    expect(h.online).toBe(present + 1);

    const end = await readSettledRss();
    figures['rssEndMiB'] = round(end.bytes / MIB);
    figures['rssEndWithinWindow'] = String(end.settled);
    figures['rssEndOverSettled'] = round(end.bytes / settledRss, 3);
    expect(end.bytes).toBeLessThanOrEqual(settledRss * 1.2);
  });

  it('shuts down cleanly afterwards (exit code 0, no dropped or failed session in its log)', async () => {
    const log = () => room.daemon.log();
    expect(room.daemon.isAlive()).toBe(true);
    const exit = await room.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(log()).not.toMatch(/dropping session|error handling a message/);
  });
});
