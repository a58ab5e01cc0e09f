import type { FileInfo, FileOffer, Rejection } from '@ferry/common';
import type { SerializedView, ViewDigest } from './room-view';

/*
 * The commands the parent (test or benchmark) sends to the swarm worker over IPC, and their
 * results. Times are wall-clock milliseconds (performance.timeOrigin + performance.now()), so a
 * time taken in the worker compares with one taken in the parent.
 */

export interface SwarmConfig {
  /** ws://HOST:PORT/ws */
  wsUrl: string;
  /** Keep each client's file list and approved set (the load test); off for the 10,000-peer bench. */
  trackViews: boolean;
  /**
   * Spread the clients over this many loopback source addresses (127.0.0.2, 127.0.0.3, ...): real
   * peers come from many machines, and the daemon limits registrations per address.
   */
  sourceAddresses: number;
}

export interface JoinTiming {
  index: number;
  publicId: string;
  registerSentAt: number;
  ackAt: number;
  roomStateAt: number;
  /** Characters of the ROOM_STATE this client received. */
  roomStateChars: number;
  /** Registers answered LIMIT_EXCEEDED (pending cap) and sent again. */
  retries: number;
}

export type ReconnectMode = 'close' | 'terminate' | 'takeover';

export interface SignalLoadResult {
  relaysReceived: number;
  startedAt: number;
  endedAt: number;
  errors: number;
}

export interface SwarmStats {
  framesReceived: number;
  charsReceived: number;
  framesSent: number;
  errorsByCode: Record<string, number>;
  /** Closes the swarm did not ask for (a daemon cut, a crash), by close code. */
  unexpectedCloses: Record<string, number>;
  /** The first few socket errors the clients saw (connect failures, bad frames), for a failing run. */
  socketErrors: string[];
  clients: number;
  approvedOnline: number;
  /** The worker's own event-loop delay (p99 and max, ms): how much of a latency is the swarm's. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export interface ClientDigest {
  index: number;
  publicId: string;
  digest: ViewDigest;
}

export type AddFilesAnswer = { ok: true; files: FileInfo[]; rejected: Rejection[] } | { ok: false; code: string };
export type RemoveFileAnswer = { ok: true } | { ok: false; code: string };

export type SwarmCommand =
  | { cmd: 'configure'; config: SwarmConfig }
  | { cmd: 'join'; count: number; window: number }
  | { cmd: 'reconnect'; indices: number[]; mode: ReconnectMode }
  | { cmd: 'leave'; indices: number[] }
  | { cmd: 'addFiles'; index: number; reqId: string; files: FileOffer[] }
  | { cmd: 'removeFile'; index: number; reqId: string; fileId: string }
  | { cmd: 'awaitMarker'; reqId: string; timeoutMs: number }
  | { cmd: 'awaitQuiet'; timeoutMs: number }
  | { cmd: 'signalLoad'; pairs: [number, number][]; window: number; durationMs: number }
  | { cmd: 'digests' }
  | { cmd: 'views'; indices: number[] }
  | { cmd: 'stats' }
  | { cmd: 'shutdown' };

export interface SwarmResults {
  configure: null;
  join: JoinTiming[];
  reconnect: JoinTiming[];
  leave: null;
  addFiles: AddFilesAnswer;
  removeFile: RemoveFileAnswer;
  /** Receipt time of the marker at each approved online client. */
  awaitMarker: number[];
  /** Resolves once no client is connecting, registering or recovering from a lost socket. */
  awaitQuiet: null;
  signalLoad: SignalLoadResult;
  digests: ClientDigest[];
  views: SerializedView[];
  stats: SwarmStats;
  shutdown: null;
}

export type SwarmRequest = { id: number } & SwarmCommand;
export type SwarmReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** FILES_ADDED whose reqId starts with this is a marker: every client records when it arrives. */
export const MARKER_PREFIX = 'mark-';

export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
