import type { IncomingMessage, ServerResponse } from 'node:http';
import { chunkLength, type RelayBusyReason } from '@ferry/common';
import type { Peer } from './peers';
import { KeyedBuckets } from './rate-limit';
import { RelayCorrupter, type ReserveResult } from './relay-store';
import type { Room } from './room';
import { rangesInclude } from './transfer-registry';
import type { Transfer } from './transfer-registry';
import { bearerOf, SECURITY_HEADERS, sendError, sendJson } from './http-util';

const RELAY_PATH = /^\/relay\/([^/]*)\/([^/]*)$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const INDEX = /^(0|[1-9][0-9]{0,14})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Ferry addition: the owner may send its chunk's SHA-256 on PUT; the asker gets it back on GET. */
export const CHUNK_SHA256_HEADER = 'x-chunk-sha256';

/**
 * At most one RELAY_BUSY per transfer in this long: an owner retrying refused PUTs in a tight loop
 * costs its asker one small frame a second, not one per refusal.
 */
export const RELAY_BUSY_NOTICE_EVERY_MS = 1_000;
/** The longest wait RELAY_BUSY suggests (an hour, as the 429's Retry-After). */
const MAX_RETRY_AFTER_MS = 3_600_000;

/** The 507's text for each quota; the asker's share is named so the owner knows it is not at fault. */
const REFUSAL_TEXT: Record<Exclude<ReserveResult, 'ok'>, string> = {
  'asker-quota': "this download's share of the relay is full until its asker fetches; retry later",
  'total-quota': 'the relay is full; retry later',
  'peer-quota': 'your relay quota is full; retry later',
};

export function isRelayPath(pathname: string): boolean {
  return RELAY_PATH.test(pathname);
}

interface RelayTarget {
  peer: Peer;
  transfer: Transfer;
  index: number;
}

/** The checks PUT and GET share, in the documented order: 401, 400, 404, 403. */
function authorize(
  room: Room,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  role: 'owner' | 'asker',
): RelayTarget | null {
  const bearer = bearerOf(req);
  const peer = bearer === null ? undefined : room.peers.findByPrivateId(bearer);
  if (!peer) {
    sendError(res, 401, 'a valid "Authorization: Bearer <privateId>" is required', true);
    return null;
  }
  const [, transferId = '', indexText = ''] = RELAY_PATH.exec(pathname) ?? [];
  if (!ID.test(transferId) || !INDEX.test(indexText)) {
    sendError(res, 400, 'expected /relay/<transferId>/<chunk index>', true);
    return null;
  }
  const transfer = room.transfers.get(transferId);
  if (!transfer || !room.files.has(transfer.fileId)) {
    sendError(res, 404, 'no such transfer', true);
    return null;
  }
  const index = Number(indexText);
  const side = role === 'owner' ? transfer.owner : transfer.asker;
  if (side !== peer.publicId || peer.status !== 'approved') {
    sendError(res, 403, `only the ${role} of this transfer may do that`, true);
    return null;
  }
  if (!rangesInclude(transfer.ranges, index)) {
    sendError(res, 403, 'this chunk was not asked for', true);
    return null;
  }
  return { peer, transfer, index };
}

/**
 * The relay's HTTP side for one room: PUT and GET of chunks, and what the relay keeps besides the
 * chunks themselves (the upload rate per peer, the test fault hook). The daemon holds one per room.
 */
export class RelayHttp {
  /** Bytes per second per peer, on top of the quotas on bytes held. */
  private readonly uploadBytes: KeyedBuckets;
  private readonly corrupter: RelayCorrupter | null;

  constructor(private readonly room: Room) {
    const { relayBytesPerSecond, relayBurstBytes, relayFaults, now } = room.options;
    this.uploadBytes = new KeyedBuckets(relayBytesPerSecond, relayBurstBytes, now);
    this.corrupter = relayFaults ? new RelayCorrupter(relayFaults.corruptChunks) : null;
  }

  put(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const room = this.room;
    const target = authorize(room, req, res, pathname, 'owner');
    if (!target) return;
    const { peer, transfer, index } = target;
    const file = room.files.get(transfer.fileId);
    if (!file) return sendError(res, 404, 'no such file', true);
    const expected = chunkLength(file.size, file.chunkSize, index);
    const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
    if (declared !== null && declared > expected)
      return sendError(res, 413, `chunk ${index} is ${expected} bytes`, true);
    if (declared !== null && declared < expected)
      return sendError(res, 400, `chunk ${index} is exactly ${expected} bytes`, true);
    const shaHeader = req.headers[CHUNK_SHA256_HEADER];
    if (shaHeader !== undefined && (typeof shaHeader !== 'string' || !SHA256_HEX.test(shaHeader))) {
      return sendError(res, 400, `${CHUNK_SHA256_HEADER} must be a lowercase hex SHA-256`, true);
    }
    // Bytes held first: a refusal on the asker's share (an asker that does not fetch) must cost
    // the owner nothing, neither quota nor byte rate.
    const parties = { owner: peer.publicId, asker: transfer.asker };
    const reservation = room.relay.reserve(parties, expected);
    if (reservation !== 'ok') {
      // No estimate: space frees as askers fetch their chunks, or as unfetched ones expire.
      tellAskerBusy(room, transfer, 'full', 0);
      return sendError(res, 507, REFUSAL_TEXT[reservation], true);
    }
    // Bytes per second per peer, on top of the quotas on bytes held: one peer cannot hog the
    // daemon's bandwidth or CPU. The bucket is charged before the body is read.
    if (!this.uploadBytes.take(peer.publicId, expected)) {
      room.relay.release(parties, expected);
      const waitMs = this.uploadBytes.waitMsFor(peer.publicId, expected);
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      tellAskerBusy(room, transfer, 'rate', Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.ceil(waitMs))));
      return sendJson(
        res,
        429,
        { error: 'you are uploading to the relay too fast; retry later' },
        {
          Connection: 'close',
          'Retry-After': String(Math.min(retryAfterSeconds, 3600)),
        },
      );
    }
    // The body is read into a buffer of the exact chunk length: nothing past it is ever held.
    const body = Buffer.allocUnsafe(expected);
    let received = 0;
    let settled = false;
    const fail = (status: number, message: string) => {
      if (settled) return;
      settled = true;
      room.relay.release(parties, expected);
      if (!res.headersSent && !res.destroyed) sendError(res, status, message, true);
      req.resume();
    };
    req.on('data', (part: Buffer) => {
      if (settled) return;
      if (received + part.length > expected) return fail(413, `chunk ${index} is ${expected} bytes`);
      part.copy(body, received);
      received += part.length;
    });
    req.on('error', () => fail(400, 'upload failed'));
    req.on('close', () => fail(400, 'upload interrupted'));
    req.on('end', () => {
      if (settled) return;
      if (received !== expected) return fail(400, `chunk ${index} is exactly ${expected} bytes; got ${received}`);
      // The transfer may have ended while the body was arriving.
      if (room.transfers.get(transfer.transferId) !== transfer) return fail(404, 'the transfer ended');
      settled = true;
      this.corrupter?.apply(transfer.transferId, index, body);
      // The reservation becomes the stored chunk's share of the quota.
      room.relay.put(transfer.transferId, index, parties, body, shaHeader, room.options.now());
      transfer.lastActivityMs = room.options.now();
      const asker = room.peers.get(transfer.asker);
      if (asker) {
        room.send(asker, {
          type: 'CHUNK_READY',
          transferId: transfer.transferId,
          fileId: file.id,
          index,
          ...(shaHeader === undefined ? {} : { sha256: shaHeader }),
        });
      }
      res.writeHead(201, { ...SECURITY_HEADERS, 'Content-Length': 0, 'Cache-Control': 'no-store' });
      res.end();
    });
  }

  get(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const room = this.room;
    const target = authorize(room, req, res, pathname, 'asker');
    if (!target) return;
    const { transfer, index } = target;
    const chunk = room.relay.take(transfer.transferId, index);
    if (!chunk)
      return sendError(res, 404, 'this chunk is not in the relay (not uploaded yet, already fetched, or expired)');
    transfer.lastActivityMs = room.options.now();
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'application/octet-stream',
      'Content-Length': chunk.data.length,
      'Cache-Control': 'no-store',
      ...(chunk.sha256 === undefined ? {} : { [CHUNK_SHA256_HEADER]: chunk.sha256 }),
    });
    res.end(chunk.data);
  }
}

/**
 * The asker of a transfer whose upload the relay just refused hears why its download stalls
 * (RELAY_BUSY), at most once per RELAY_BUSY_NOTICE_EVERY_MS. Only that asker, and only while it
 * is approved and online: nobody else learns anything about the transfer.
 */
function tellAskerBusy(room: Room, transfer: Transfer, reason: RelayBusyReason, retryAfterMs: number): void {
  const now = room.options.now();
  if (transfer.lastBusyNoticeMs !== undefined && now - transfer.lastBusyNoticeMs < RELAY_BUSY_NOTICE_EVERY_MS) return;
  const asker = room.peers.get(transfer.asker);
  if (asker?.status !== 'approved' || !asker.session) return;
  transfer.lastBusyNoticeMs = now;
  room.send(asker, {
    type: 'RELAY_BUSY',
    transferId: transfer.transferId,
    fileId: transfer.fileId,
    reason,
    retryAfterMs,
  });
}
