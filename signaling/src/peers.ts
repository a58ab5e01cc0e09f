import type { ClientInfo, ClientStatus } from '@ferry/common';
import type { TokenBucket } from './rate-limit';
import { newPublicId, newSecret, secretDigest, secretMatches } from './secrets';

/** One open WebSocket as the room sees it. */
export interface Session {
  readonly id: number;
  peer: Peer | null;
  /** Sends an already-serialized frame (a broadcast serializes once for every recipient). */
  sendText(text: string): void;
  close(code: number, reason: string): void;
}

/** An identity in the room; it outlives its sockets and is resumed with its privateId. */
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
  const info: ClientInfo = { publicId: peer.publicId, name: peer.name, status: peer.status, online: peer.session !== null };
  if (peer.isMaster) info.isMaster = true;
  return info;
}

/** Identities by publicId and by the digest of their privateId. */
export class PeerRegistry {
  private readonly byPublicId = new Map<string, Peer>();
  private readonly byDigest = new Map<string, Peer>();
  master: Peer | null = null;

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
  create(init: { name: string; status: ClientStatus; isMaster: boolean; bucket: TokenBucket }): { peer: Peer; privateId: string } {
    const privateId = newSecret();
    const peer: Peer = {
      publicId: newPublicId(),
      name: init.name,
      status: init.status,
      isMaster: init.isMaster,
      privateIdDigest: secretDigest(privateId),
      session: null,
      graceTimer: null,
      bucket: init.bucket,
      fileIds: new Set(),
    };
    this.byPublicId.set(peer.publicId, peer);
    this.byDigest.set(peer.privateIdDigest.toString('hex'), peer);
    if (peer.isMaster) this.master = peer;
    return { peer, privateId };
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
    this.byDigest.delete(peer.privateIdDigest.toString('hex'));
    peer.privateIdDigest = secretDigest(privateId);
    this.byDigest.set(peer.privateIdDigest.toString('hex'), peer);
    return privateId;
  }

  remove(peer: Peer): void {
    if (peer.graceTimer) clearTimeout(peer.graceTimer);
    this.byPublicId.delete(peer.publicId);
    this.byDigest.delete(peer.privateIdDigest.toString('hex'));
    if (this.master === peer) this.master = null;
  }

  countWithStatus(status: ClientStatus): number {
    let n = 0;
    for (const peer of this.byPublicId.values()) if (peer.status === status && !peer.isMaster) n++;
    return n;
  }
}
