import type { IceServer } from '@ferry/common';
import { limits } from '@ferry/common';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export interface DaemonOptions {
  host: string;
  port: number;
  /** The secret that makes a register the master; empty: the one stored in the room, else a new random one. */
  masterToken: string;
  /** Folder of the room's database (kept across restarts); null keeps the room in memory only. */
  dataDir: string | null;
  /** Advice to peers: false makes every transfer use the HTTP relay. */
  p2p: boolean;
  iceServers: IceServer[];
  /** Relay chunks older than this are deleted even if never fetched. */
  relayTtlMs: number;
  /** Bytes the relay may hold at once, over all peers (PUT answers 507 above it). */
  relayQuotaBytes: number;
  /** Bytes one peer's uploads may hold in the relay at once. */
  relayPeerQuotaBytes: number;
  /**
   * Bytes held in the relay for one asker's downloads (not fetched yet) at once, whoever uploaded
   * them; an asker holding nothing may always have one chunk. Default: a quarter of relayQuotaBytes.
   */
  relayAskerQuotaBytes: number;
  /** How long an offline peer's files stay listed (and a pending peer is remembered). */
  gracePeriodMs: number;
  /** Transfers with no activity for this long are forgotten. */
  transferIdleMs: number;
  heartbeatMs: number;
  /** A socket that has not registered after this long is closed. */
  registerTimeoutMs: number;
  maxPending: number;
  maxPeers: number;
  rateMessagesPerSecond: number;
  rateBurst: number;
  /** Registrations (CLIENT_REGISTER / MASTER_APP_REGISTER) per remote address: sustained rate and burst. */
  registerRatePerSecond: number;
  registerBurst: number;
  /**
   * Sockets not registered yet, held at once from one remote address and in total. On by default
   * (an honest tab registers within milliseconds, so even a crowd behind one NAT holds few).
   */
  maxUnregisteredPerAddress: number;
  maxUnregistered: number;
  /** Resumes (a register presenting a privateId) per identity: sustained rate and burst. */
  resumeRatePerSecond: number;
  resumeBurst: number;
  /** Failed master-token attempts one address may make before its next attempts must wait. */
  masterTokenFreeFailures: number;
  /** The longest wait imposed on an address after failed master-token attempts. */
  masterTokenMaxDelayMs: number;
  /**
   * Host names (or addresses) requests may carry in their Host header besides the daemon's own
   * (its addresses, loopback, the machine's name): against DNS rebinding. '*' allows any.
   */
  allowedHosts: string[];
  /** Relay upload bytes per peer: sustained rate and burst (PUT answers 429 with Retry-After above it). */
  relayBytesPerSecond: number;
  relayBurstBytes: number;
  /** Test hook, set only by tests (never by the CLI or the wire): corrupts chosen relay chunks. */
  relayFaults: RelayFaults | null;
  /**
   * Control frames unsent on a socket past which its reader is behind. Behind for `readerStallMs`
   * on end, it cannot keep up and is dropped; a burst it takes in within that time is no fault.
   */
  maxBufferedBytes: number;
  /** Control frames unsent past which a socket is dropped at once (memory is bounded by this). */
  maxBacklogBytes: number;
  /**
   * How long a reader may stay behind (control) or take nothing (bulk: room pages, relayed
   * SIGNALs) before it is dropped. A slow reader that keeps reading is never cut for bulk.
   */
  readerStallMs: number;
  /** Listed-file bytes (as the room serializes them) one peer may offer, per second and in a burst. */
  listingBytesPerSecond: number;
  listingBurstBytes: number;
  /** SIGNAL bytes one peer may send, per second and in a burst (signal-budget.ts). */
  signalSendBytesPerSecond: number;
  signalSendBurstBytes: number;
  /**
   * SIGNAL bytes one peer may be sent, from everyone together. Larger than one sender's budget,
   * so that one sender alone can never use up what others need to reach the same peer.
   */
  signalReceiveBytesPerSecond: number;
  signalReceiveBurstBytes: number;
  tls: { cert: string; key: string } | null;
  /** The join link as printed (with the LAN address); sent to the master for its invite card. */
  joinUrl: string | null;
  /** Folder holding client/ and master/ as built by scripts/build.mjs. */
  webRoot: string;
  logger: Logger;
  now: () => number;
}

/** Flips one byte of chunk `index` (of any transfer) the first `times` times it is stored; Infinity = always. */
export interface RelayFaults {
  corruptChunks: ReadonlyArray<{ index: number; times: number }>;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {} };

export function withDefaults(partial: Partial<DaemonOptions>, defaultWebRoot: string): DaemonOptions {
  return {
    host: '127.0.0.1',
    port: 0,
    masterToken: '',
    dataDir: null,
    p2p: true,
    iceServers: [],
    relayTtlMs: 60_000,
    relayQuotaBytes: 128 * 1024 * 1024,
    relayPeerQuotaBytes: 64 * 1024 * 1024,
    // A quarter: one asker that never fetches leaves three quarters to everyone else.
    relayAskerQuotaBytes: Math.floor((partial.relayQuotaBytes ?? 128 * 1024 * 1024) / 4),
    gracePeriodMs: 5 * 60_000,
    transferIdleMs: 10 * 60_000,
    heartbeatMs: 30_000,
    registerTimeoutMs: 10_000,
    maxPending: limits.MAX_PENDING_PEERS,
    maxPeers: limits.MAX_PEERS_IN_ROOM,
    rateMessagesPerSecond: limits.RATE_MESSAGES_PER_SECOND,
    rateBurst: limits.RATE_BURST_MESSAGES,
    // Limits on registered peers by remote address are the host's choice (`--register-rate N`):
    // many honest people may share one address (a NAT, a reverse proxy). The two on by default
    // (unregistered sockets, failed master tokens) are ones no honest peer comes near.
    registerRatePerSecond: Number.POSITIVE_INFINITY,
    registerBurst: Number.POSITIVE_INFINITY,
    maxUnregisteredPerAddress: limits.MAX_UNREGISTERED_SOCKETS_PER_ADDRESS,
    maxUnregistered: limits.MAX_UNREGISTERED_SOCKETS,
    // An honest reconnect after a blip is one resume; a burst of 10 covers a flapping network.
    resumeRatePerSecond: 1,
    resumeBurst: 10,
    masterTokenFreeFailures: 5,
    masterTokenMaxDelayMs: 60_000,
    allowedHosts: [],
    relayBytesPerSecond: 64 * 1024 * 1024,
    relayBurstBytes: 256 * 1024 * 1024,
    relayFaults: null,
    maxBufferedBytes: 4 * 1024 * 1024,
    maxBacklogBytes: 32 * 1024 * 1024,
    readerStallMs: 30_000,
    // Two whole listings at once (a peer lists at most 8 MiB), then 1 MiB/s: an honest person
    // adding a 10,000-file folder (3.5 to 5.2 MB) never meets it.
    listingBytesPerSecond: 1024 * 1024,
    listingBurstBytes: 16 * 1024 * 1024,
    // An honest link setup is an offer or answer of a few KiB plus a few candidates (about 8 KiB):
    // a peer opening links to a hundred others at once stays within the burst.
    signalSendBytesPerSecond: 64 * 1024,
    signalSendBurstBytes: 1024 * 1024,
    signalReceiveBytesPerSecond: 256 * 1024,
    signalReceiveBurstBytes: 4 * 1024 * 1024,
    tls: null,
    joinUrl: null,
    webRoot: defaultWebRoot,
    logger: silentLogger,
    now: Date.now,
    ...partial,
  };
}
