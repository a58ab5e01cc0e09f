import type { PeerChannel } from '../transport/peer-channel';
import type { Frame, FrameErrorCode } from './framing';
import { decodeFrame } from './framing';
import type { Clock } from './clock';

/** One WebRTC connection to one peer, as the simple-peer adapter (or a test double) provides it. */
export interface Link {
  readonly channel: PeerChannel;
  signal(data: unknown): void;
  destroy(): void;
}

export type CreateLink = (options: { initiator: boolean; remote: string; sendSignal: (data: unknown) => void }) => Link;

export interface PeerLinksDeps {
  self(): string;
  createLink: CreateLink;
  sendSignal(to: string, data: unknown): void;
  /** The daemon's `p2p` advice (false: always use the relay). */
  p2pEnabled(): boolean;
  clock: Clock;
  onFrame(from: string, frame: Frame): void;
  onBadFrame?(from: string, code: FrameErrorCode): void;
}

export interface PeerLinksTuning {
  /** A connection not open by then counts as failed: its transfers go by relay. */
  connectTimeoutMs: number;
  /** After a failure, P2P to that peer is not tried again for this long. */
  retryAfterFailureMs: number;
}

const DEFAULT_LINK_TUNING: PeerLinksTuning = { connectTimeoutMs: 10_000, retryAfterFailureMs: 60_000 };

interface Entry {
  readonly link: Link;
  readonly initiator: boolean;
  readonly opened: Promise<boolean>;
}

/** Reads the state afresh (after an await, a narrowed `state` would be stale). */
function isOpen(channel: PeerChannel): boolean {
  return channel.state === 'open';
}

function isOffer(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'offer';
}

/**
 * One peer connection per pair of peers, reused by every transfer between them. The side that has
 * something to send dials; if both dial at once, the smaller publicId stays the initiator.
 */
export class PeerLinks {
  private readonly links = new Map<string, Entry>();
  private readonly failedUntil = new Map<string, number>();
  private readonly tuning: PeerLinksTuning;

  constructor(
    private readonly deps: PeerLinksDeps,
    tuning: Partial<PeerLinksTuning> = {},
  ) {
    this.tuning = { ...DEFAULT_LINK_TUNING, ...tuning };
  }

  /** An open channel to `remote`, or null when the relay must be used. */
  async channelTo(remote: string): Promise<PeerChannel | null> {
    if (!this.deps.p2pEnabled()) return null;
    if ((this.failedUntil.get(remote) ?? 0) > this.deps.clock.now()) return null;
    const entry = this.links.get(remote) ?? this.open(remote, true);
    const channel = entry.link.channel;
    if (channel.state === 'open') return channel;
    const opened = await entry.opened;
    return opened && isOpen(channel) ? channel : null;
  }

  /** A SIGNAL from the daemon. */
  handleSignal(from: string, data: unknown): void {
    let entry = this.links.get(from);
    if (isOffer(data)) {
      if (entry?.initiator && this.deps.self() < from) return;
      // A fresh offer replaces whatever we had: the remote reloaded, or lost the dial-off.
      if (entry) this.drop(from, entry);
      entry = this.open(from, false);
    }
    entry?.link.signal(data);
  }

  /** Whether a connection to `remote` is open right now. */
  isOpen(remote: string): boolean {
    return this.links.get(remote)?.link.channel.state === 'open';
  }

  /**
   * The remote is back online: a link still connecting was dialled while it was away (its offer
   * was dropped) and would only time out, so it is dropped and the next send dials afresh.
   */
  remoteReturned(remote: string): void {
    const entry = this.links.get(remote);
    if (entry && entry.link.channel.state !== 'open') this.drop(remote, entry);
    this.failedUntil.delete(remote);
  }

  forget(remote: string): void {
    const entry = this.links.get(remote);
    if (entry) this.drop(remote, entry);
    this.failedUntil.delete(remote);
  }

  destroy(): void {
    for (const [remote, entry] of [...this.links]) this.drop(remote, entry);
  }

  private open(remote: string, initiator: boolean): Entry {
    const link = this.deps.createLink({ initiator, remote, sendSignal: (data) => this.deps.sendSignal(remote, data) });
    const opened = new Promise<boolean>((resolve) => {
      const cancelTimeout = this.deps.clock.after(this.tuning.connectTimeoutMs, () => {
        if (link.channel.state === 'open') return resolve(true);
        this.failedUntil.set(remote, this.deps.clock.now() + this.tuning.retryAfterFailureMs);
        const current = this.links.get(remote);
        if (current?.link === link) this.drop(remote, current);
        resolve(false);
      });
      link.channel.onOpen(() => {
        cancelTimeout();
        this.failedUntil.delete(remote);
        resolve(true);
      });
      link.channel.onClose(() => {
        cancelTimeout();
        resolve(false);
      });
    });
    const entry: Entry = { link, initiator, opened };
    link.channel.onMessage((bytes) => {
      const decoded = decodeFrame(bytes);
      if (decoded.ok) this.deps.onFrame(remote, decoded.frame);
      else this.deps.onBadFrame?.(remote, decoded.code);
    });
    link.channel.onClose(() => {
      if (this.links.get(remote) === entry) this.links.delete(remote);
    });
    this.links.set(remote, entry);
    return entry;
  }

  private drop(remote: string, entry: Entry): void {
    if (this.links.get(remote) === entry) this.links.delete(remote);
    entry.link.destroy();
  }
}
