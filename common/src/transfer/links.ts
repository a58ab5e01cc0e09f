import { ChannelError, type PeerChannel } from '../transport/peer-channel';
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
  /** A link to `remote` opened, closed or failed (see stateOf). */
  onChange?(remote: string): void;
}

/**
 * Where the connection to one peer stands: none yet, being set up, open, or failed (ICE found no
 * path, or it did not open in time) so that transfers with that peer go by relay for a while.
 */
export type LinkState = 'none' | 'connecting' | 'open' | 'failed';

/**
 * SIGNAL data one side sends the other when ICE tells it no connection can form (no candidate of
 * its own once gathering completed, or iceConnectionState `failed`): the other side may still be
 * waiting with candidates of its own, and would otherwise wait out its connect timeout.
 */
export const ICE_FAILED_NOTICE = { ferry: 'ice-failed' } as const;

export function isIceFailedNotice(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { ferry?: unknown }).ferry === ICE_FAILED_NOTICE.ferry;
}

function isIceFailure(error: Error | undefined): boolean {
  return error instanceof ChannelError && error.code === 'ICE_FAILED';
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
    if (isIceFailedNotice(data)) {
      // Only a connection still being set up can fail this way; an open one proves otherwise.
      if (entry && entry.link.channel.state !== 'open') {
        this.markFailed(from);
        this.drop(from, entry);
      }
      return;
    }
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

  /** The open channel to `remote`, or null: never dials. */
  openChannel(remote: string): PeerChannel | null {
    const channel = this.links.get(remote)?.link.channel;
    return channel?.state === 'open' ? channel : null;
  }

  stateOf(remote: string): LinkState {
    const channel = this.links.get(remote)?.link.channel;
    if (channel?.state === 'open') return 'open';
    if ((this.failedUntil.get(remote) ?? 0) > this.deps.clock.now()) return 'failed';
    return channel ? 'connecting' : 'none';
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

  /**
   * The daemon refused one of our SIGNALs to `remote`: a connection still being set up has lost
   * an offer, answer or candidate and would only time out. Refused for our rate (RATE_LIMITED),
   * it counts as failed (more dialing would only add signals); otherwise (the remote is gone) it
   * is dropped, as a close.
   */
  signalRefused(remote: string, isRateLimited: boolean): void {
    const entry = this.links.get(remote);
    if (!entry || entry.link.channel.state === 'open') return;
    if (isRateLimited) this.markFailed(remote);
    this.drop(remote, entry);
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
    let wasOpen = false;
    const opened = new Promise<boolean>((resolve) => {
      // The last resort: ICE usually says sooner that it cannot connect (ICE_FAILED, below).
      const cancelTimeout = this.deps.clock.after(this.tuning.connectTimeoutMs, () => {
        if (link.channel.state === 'open') return resolve(true);
        this.markFailed(remote);
        const current = this.links.get(remote);
        if (current?.link === link) this.drop(remote, current);
        resolve(false);
      });
      link.channel.onOpen(() => {
        cancelTimeout();
        wasOpen = true;
        this.failedUntil.delete(remote);
        resolve(true);
        this.deps.onChange?.(remote);
      });
      link.channel.onClose((error) => {
        cancelTimeout();
        if (!wasOpen && isIceFailure(error)) {
          // Counted as failed at once, like a timeout, and the remote hears it so it stops waiting too.
          this.markFailed(remote);
          this.deps.sendSignal(remote, ICE_FAILED_NOTICE);
        }
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
      this.deps.onChange?.(remote);
    });
    this.links.set(remote, entry);
    this.deps.onChange?.(remote);
    return entry;
  }

  private markFailed(remote: string): void {
    this.failedUntil.set(remote, this.deps.clock.now() + this.tuning.retryAfterFailureMs);
  }

  private drop(remote: string, entry: Entry): void {
    if (this.links.get(remote) === entry) this.links.delete(remote);
    entry.link.destroy();
  }
}
