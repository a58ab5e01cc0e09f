import type { ClientInfo, ClientStatus } from '@ferry/common';
import { limits } from '@ferry/common';
import type { TokenBucket } from './rate-limit';
import { newPublicId, newSecret, secretDigest, secretMatches } from './secrets';
import type { RoomStore, StoredPeer } from './store/room-store';

/** Ended identities remembered at most: as many as a room can hold. */
export const MAX_ENDED_IDENTITIES = limits.MAX_PEERS_IN_ROOM;

/** One open WebSocket as the room sees it. */
export interface Session {
  readonly id: number;
  peer: Peer | null;
  /** What the software on this socket declared on register (FEATURES); none before. */
  features: ReadonlySet<string>;
  /**
   * Sends an already-serialized text frame: a string, or its UTF-8 bytes (a broadcast serializes
   * and encodes once for every recipient).
   */
  sendText(frame: string | Buffer): void;
  /** A room state's frames (room-pages.ts), paced by the socket's drain; replaces one still going. */
  sendRoomState(frames: Iterator<string>): void;
  /** A frame relayed from another peer (SIGNAL), paced like pages; false when the reader is behind. */
  sendRelayed(frame: string | Buffer): boolean;
  close(code: number, reason: string): void;
}

/**
 * An identity in the room; it outlives its sockets (and the daemon: see store/) and is resumed with
 * its privateId. Change its name, status or digest only through PeerRegistry, which stores first.
 */
export interface Peer {
  readonly publicId: string;
  name: string;
  status: ClientStatus;
  readonly isMaster: boolean;
  privateIdDigest: Buffer;
  session: Session | null;
  graceTimer: ReturnType<typeof setTimeout> | null;
  /** Rate limit per identity, so reconnecting does not refill it. */
  readonly bucket: TokenBucket;
  readonly fileIds: Set<string>;
}

export function clientInfo(peer: Peer): ClientInfo {
  const info: ClientInfo = {
    publicId: peer.publicId,
    name: peer.name,
    status: peer.status,
    online: peer.session !== null,
  };
  if (peer.isMaster) info.isMaster = true;
  return info;
}

/**
 * Identities by publicId and by the digest of their privateId. Every change is written to the
 * store first and made in memory second, so what a caller then announces is already durable (and
 * a failed write changes nothing).
 */
export class PeerRegistry {
  private readonly byPublicId = new Map<string, Peer>();
  private readonly byDigest = new Map<string, Peer>();
  master: Peer | null = null;
  /**
   * Digests of the privateIds of guests forgotten when the host ended the room, oldest first, so
   * one offline then comes back to "the room ended" rather than as a new join request. In memory
   * only (a restart forgets it), at most MAX_ENDED_IDENTITIES.
   */
  private readonly ended = new Set<string>();

  constructor(private readonly store: RoomStore) {}

  get size(): number {
    return this.byPublicId.size;
  }

  all(): IterableIterator<Peer> {
    return this.byPublicId.values();
  }

  get(publicId: string): Peer | undefined {
    return this.byPublicId.get(publicId);
  }

  /** Returns the new identity and its privateId, which the daemon hands out once and never keeps. */
  create(init: { name: string; status: ClientStatus; isMaster: boolean; bucket: TokenBucket }): {
    peer: Peer;
    privateId: string;
  } {
    const privateId = newSecret();
    const stored: StoredPeer = {
      publicId: newPublicId(),
      name: init.name,
      status: init.status,
      isMaster: init.isMaster,
      privateIdDigest: secretDigest(privateId),
    };
    this.store.savePeer(stored);
    return { peer: this.restore(stored, init.bucket), privateId };
  }

  /** Puts back an identity read from the store at start (offline, as after any restart). */
  restore(stored: StoredPeer, bucket: TokenBucket): Peer {
    const peer: Peer = { ...stored, session: null, graceTimer: null, bucket, fileIds: new Set() };
    this.byPublicId.set(peer.publicId, peer);
    this.byDigest.set(peer.privateIdDigest.toString('hex'), peer);
    if (peer.isMaster) this.master = peer;
    return peer;
  }

  setStatus(peer: Peer, status: ClientStatus): void {
    this.store.savePeer({ ...peer, status });
    peer.status = status;
  }

  rename(peer: Peer, name: string): void {
    if (name === peer.name) return;
    this.store.savePeer({ ...peer, name });
    peer.name = name;
  }

  /** The identity a presented privateId resumes, if any (digest lookup, then a constant-time check). */
  findByPrivateId(privateId: string): Peer | undefined {
    const digest = secretDigest(privateId);
    const peer = this.byDigest.get(digest.toString('hex'));
    return peer && secretMatches(privateId, peer.privateIdDigest) ? peer : undefined;
  }

  /** Issues a new privateId for an identity; the old one stops working at once. */
  rotate(peer: Peer): string {
    const privateId = newSecret();
    const digest = secretDigest(privateId);
    this.store.savePeer({ ...peer, privateIdDigest: digest });
    this.byDigest.delete(peer.privateIdDigest.toString('hex'));
    peer.privateIdDigest = digest;
    this.byDigest.set(peer.privateIdDigest.toString('hex'), peer);
    return privateId;
  }

  /** Forgets an identity and, in the store, every file it listed. */
  remove(peer: Peer): void {
    this.store.deletePeer(peer.publicId);
    if (peer.graceTimer) clearTimeout(peer.graceTimer);
    this.byPublicId.delete(peer.publicId);
    this.byDigest.delete(peer.privateIdDigest.toString('hex'));
    if (this.master === peer) this.master = null;
  }

  /**
   * Forgets every identity but the master's, in memory, once the store has (RoomStore.clearRoom);
   * their privateIds are remembered as ended. Returns the forgotten identities.
   */
  forgetGuests(): Peer[] {
    const guests = [...this.byPublicId.values()].filter((peer) => !peer.isMaster);
    for (const peer of guests) {
      if (peer.graceTimer) clearTimeout(peer.graceTimer);
      peer.graceTimer = null;
      const digest = peer.privateIdDigest.toString('hex');
      this.byPublicId.delete(peer.publicId);
      this.byDigest.delete(digest);
      this.ended.delete(digest);
      this.ended.add(digest);
    }
    for (const digest of this.ended) {
      if (this.ended.size <= MAX_ENDED_IDENTITIES) break;
      this.ended.delete(digest);
    }
    return guests;
  }

  /** Whether `privateId` was a guest's when the host ended the room (and is known no more). */
  wasEnded(privateId: string): boolean {
    return this.ended.has(secretDigest(privateId).toString('hex'));
  }

  countWithStatus(status: ClientStatus): number {
    let n = 0;
    for (const peer of this.byPublicId.values()) if (peer.status === status && !peer.isMaster) n++;
    return n;
  }
}
