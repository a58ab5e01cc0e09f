import type { FileInfo } from '@ferry/common';
import { readCpuSeconds } from '@ferry/signaling/load/daemon-process';
import { startLoadRoom } from '@ferry/signaling/load/load-room';
import { MIB, percentile, round } from '@ferry/signaling/load/measure';
import { MARKER_PREFIX } from '@ferry/signaling/load/swarm-protocol';
import type { Figure } from './report';

/*
 * Issue 6, item 4: simulated peers (plain `ws` clients in the swarm worker, a process of its own)
 * against one real daemon (another process). For each room size:
 * - register: CLIENT_REGISTER -> CLIENT_REGISTER_ACK at the client (the daemon's part of joining);
 *   approve: the master's APPROVE_CLIENT leaving -> ROOM_STATE at the client (a pending client gets
 *   its ROOM_STATE only once approved, so this is the approval's path through the daemon); and
 *   join: CLIENT_REGISTER -> ROOM_STATE with a master that approves each newcomer as it appears.
 * - fan-out: the master's FILES_ADDED leaving -> its arrival at every peer, p50/p99 over the
 *   peers' receipt times (pooled over FANOUT_ROUNDS rounds).
 * - RSS per peer: (settled RSS with every peer in) - (settled RSS with the master alone), / peers,
 *   each reading taken after a full garbage collection forced through the daemon's inspector.
 * - relays per second: SIGNAL frames the daemon relays while RELAY_PAIRS pairs of peers ping-pong
 *   them (each answer sent when the previous one arrives, RELAY_WINDOW in flight per pair), so the
 *   offered load follows what the daemon sustains; with the daemon's CPU share over that time.
 * The swarm's own event loop is in every latency: at 10,000 peers one process reads 10,000
 * sockets, so the figures are upper bounds on what the daemon alone adds.
 */

const JOIN_WINDOW = 150; // below the daemon's cap of 200 pending identities
const FANOUT_ROUNDS = 3;
const RELAY_PAIRS = 500;
const RELAY_WINDOW = 4;
const FANOUT_GOAL_MS = 500;
const RSS_GOAL_MIB = 1024;

export interface ScaleRun {
  peers: number;
  joinSeconds: number;
  /** CPU time over wall time while joining: the daemon's, and the swarm worker's. */
  joinDaemonCpuShare: number;
  joinSwarmCpuShare: number;
  registerAckP50Ms: number;
  registerAckP99Ms: number;
  approveToRoomStateP50Ms: number;
  approveToRoomStateP99Ms: number;
  registerToRoomStateP50Ms: number;
  registerToRoomStateP99Ms: number;
  registerRetries: number;
  lastRoomStateChars: number;
  fanoutP50Ms: number;
  fanoutP99Ms: number;
  fanoutMaxMs: number;
  baselineRssMiB: number;
  rssMiB: number;
  peakRssMiB: number;
  rssPerPeerKiB: number;
  relaysPerSecond: number;
  relayDaemonCpuShare: number;
  /** relaysPerSecond / relayDaemonCpuShare: what one core of the daemon relays per second. */
  relaysPerDaemonCpuSecond: number;
  relayErrors: number;
  framesToSwarm: number;
  unexpectedCloses: number;
  daemonExitCode: number | null;
}

function fanoutFile(ownerId: string, round: number): FileInfo {
  return {
    id: `fanout-${round}-${Date.now()}`,
    owner: ownerId,
    name: `fan-out ${round}.bin`,
    size: 1,
    chunkSize: 1024 * 1024,
  };
}

export interface ScaleOptions {
  log?: (line: string) => void;
  /** Node flags for the daemon, e.g. ['--cpu-prof', '--cpu-prof-dir=DIR'] to profile it. */
  daemonNodeArgs?: string[];
}

export async function runScale(root: string, peers: number, options: ScaleOptions = {}): Promise<ScaleRun> {
  const log = options.log ?? (() => {});
  const room = await startLoadRoom(root, { trackViews: false, nodeArgs: options.daemonNodeArgs ?? [], inspect: true });
  const { daemon, master, swarm, rss } = room;
  try {
    // Both readings after a forced full collection: what the daemon holds, not when V8 last collected.
    await daemon.collectGarbage();
    const baseline = await rss.settle({ windowMs: 1000, tolerance: 0.02, maxWaitMs: 5000 });
    const joinStartedMs = performance.now();
    const joinCpuBefore = { daemon: daemon.cpuSeconds(), swarm: readCpuSeconds(swarm.pid) };
    // Generous: at 10,000 peers every approval is announced to every approved peer (n^2 / 2 frames).
    const joined = await swarm.call({ cmd: 'join', count: peers, window: JOIN_WINDOW }, 30 * 60_000);
    const joinSeconds = (performance.now() - joinStartedMs) / 1000;
    const joinDaemonCpuShare = (daemon.cpuSeconds() - joinCpuBefore.daemon) / joinSeconds;
    const joinSwarmCpuShare = (readCpuSeconds(swarm.pid) - joinCpuBefore.swarm) / joinSeconds;
    log(`signaling: ${peers} peers registered and approved in ${joinSeconds.toFixed(1)} s`);
    const registerAck = joined.map((t) => t.ackAt - t.registerSentAt);
    const registerToRoomState = joined.map((t) => t.roomStateAt - t.registerSentAt);
    const approveToRoomState = joined.flatMap((t) => {
      const sentAt = master.approveSentAt.get(t.publicId);
      return sentAt === undefined ? [] : [t.roomStateAt - sentAt];
    });
    const peakWhileJoining = rss.peakBytes;
    await daemon.collectGarbage();
    const settled = await rss.settle({ windowMs: 2000, tolerance: 0.03, maxWaitMs: 15_000 });

    const fanout: number[] = [];
    let fanoutMax = 0;
    for (let round = 0; round < FANOUT_ROUNDS; round++) {
      const reqId = `${MARKER_PREFIX}fanout-${round}`;
      const sentAt = master.shareOwn(reqId, [fanoutFile(master.publicId, round)]);
      const receipts = await swarm.call({ cmd: 'awaitMarker', reqId, timeoutMs: 60_000 });
      for (const at of receipts) {
        fanout.push(at - sentAt);
        fanoutMax = Math.max(fanoutMax, at - sentAt);
      }
    }

    const pairCount = Math.min(RELAY_PAIRS, Math.floor(peers / 2));
    const pairs = Array.from({ length: pairCount }, (_, i) => [2 * i, 2 * i + 1] as [number, number]);
    const cpuBefore = daemon.cpuSeconds();
    const relays = await swarm.call({
      cmd: 'signalLoad',
      pairs,
      window: RELAY_WINDOW,
      durationMs: peers >= 5000 ? 8000 : 4000,
    });
    const relaySeconds = (relays.endedAt - relays.startedAt) / 1000;
    const cpuShare = (daemon.cpuSeconds() - cpuBefore) / relaySeconds;
    const stats = await swarm.call({ cmd: 'stats' });
    const peak = Math.max(peakWhileJoining, rss.peakBytes);
    const exit = await room.stop();
    const run: ScaleRun = {
      peers,
      joinSeconds: round(joinSeconds),
      joinDaemonCpuShare: round(joinDaemonCpuShare, 2),
      joinSwarmCpuShare: round(joinSwarmCpuShare, 2),
      registerAckP50Ms: round(percentile(registerAck, 50)),
      registerAckP99Ms: round(percentile(registerAck, 99)),
      approveToRoomStateP50Ms: round(percentile(approveToRoomState, 50)),
      approveToRoomStateP99Ms: round(percentile(approveToRoomState, 99)),
      registerToRoomStateP50Ms: round(percentile(registerToRoomState, 50)),
      registerToRoomStateP99Ms: round(percentile(registerToRoomState, 99)),
      registerRetries: joined.reduce((n, t) => n + t.retries, 0),
      lastRoomStateChars: joined.reduce((n, t) => Math.max(n, t.roomStateChars), 0),
      fanoutP50Ms: round(percentile(fanout, 50)),
      fanoutP99Ms: round(percentile(fanout, 99)),
      fanoutMaxMs: round(fanoutMax),
      baselineRssMiB: round(baseline.bytes / MIB),
      rssMiB: round(settled.bytes / MIB),
      peakRssMiB: round(peak / MIB),
      rssPerPeerKiB: round((settled.bytes - baseline.bytes) / peers / 1024),
      relaysPerSecond: Math.round(relays.relaysReceived / relaySeconds),
      relayDaemonCpuShare: round(cpuShare, 2),
      relaysPerDaemonCpuSecond: Math.round(relays.relaysReceived / relaySeconds / cpuShare),
      relayErrors: relays.errors,
      framesToSwarm: stats.framesReceived,
      unexpectedCloses: Object.values(stats.unexpectedCloses).reduce((a, b) => a + b, 0),
      daemonExitCode: exit.code,
    };
    log(`signaling: ${JSON.stringify(run)}`);
    return run;
  } catch (error) {
    log(
      `signaling: run of ${peers} peers failed; the daemon's last lines:\n${daemon.log().split('\n').slice(-20).join('\n')}`,
    );
    await room.stop().catch(() => undefined);
    throw error;
  }
}

/** Numbers of the largest run, with each figure's size in its name, for `extra`. */
function flatten(runs: ScaleRun[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const run of runs) {
    for (const [key, value] of Object.entries(run))
      if (typeof value === 'number' && key !== 'peers') out[`${key}@${run.peers}`] = value;
  }
  return out;
}

/**
 * `results.signaling`: the fan-out and memory goals at the largest size (10,000 peers; 1,000
 * with `quick`) as figures against their goals, every measured number in `extra`, and the runs.
 */
export async function benchSignalingScale(root: string, quick: boolean): Promise<Record<string, Figure>> {
  const sizes = quick ? [200, 1000] : [1000, 10_000];
  const runs: ScaleRun[] = [];
  for (const peers of sizes) runs.push(await runScale(root, peers, { log: (line) => console.log(line) }));
  const largest = runs[runs.length - 1];
  if (!largest) throw new Error('no run');
  const extra = flatten(runs);
  return {
    fanout: {
      app: largest.fanoutP99Ms,
      ceiling: FANOUT_GOAL_MS,
      ratio: largest.fanoutP99Ms / FANOUT_GOAL_MS,
      unit: `ms, one FILES_ADDED to ${largest.peers} peers, p99 (goal: under the ceiling)`,
      sizeBytes: 0,
      goal: `< ${FANOUT_GOAL_MS} ms at 10,000 peers`,
      extra,
    },
    memory: {
      app: largest.rssMiB,
      ceiling: RSS_GOAL_MIB,
      ratio: largest.rssMiB / RSS_GOAL_MIB,
      unit: `MiB daemon RSS with ${largest.peers} peers (goal: under the ceiling)`,
      sizeBytes: 0,
      goal: `< ${RSS_GOAL_MIB} MiB at 10,000 peers`,
      extra: { rssPerPeerKiB: largest.rssPerPeerKiB, peakRssMiB: largest.peakRssMiB },
    },
  };
}
