import type { ToDaemonOf } from '@ferry/common';
import { CLOSE_CODES } from '@ferry/common';
import type { Peer } from '../peers';
import { clientInfo } from '../peers';
import { secretMatches, secretDigest } from '../secrets';
import type { Room } from '../room';
import { mapIterable, roomStateFrames } from '../room-pages';
import type { MessageContext } from './message-context';
import { guestNameProblem } from '@ferry/common/authority';

const DEFAULT_MASTER_NAME = 'Host';

export function handleMasterRegister(ctx: MessageContext, msg: ToDaemonOf<'MASTER_APP_REGISTER'>): void {
  const { room, session } = ctx;
  if (!secretMatches(msg.token, secretDigest(room.options.masterToken))) {
    return ctx.refuse('BAD_TOKEN', 'the master token is not valid');
  }
  const existing = room.peers.master;
  const presentedMatches =
    existing !== null && msg.privateId !== undefined && secretMatches(msg.privateId, existing.privateIdDigest);
  if (existing?.session && !presentedMatches) {
    return ctx.refuse('MASTER_EXISTS', 'a master is already connected; present its privateId to take over');
  }
  let master: Peer;
  let privateId: string;
  if (existing) {
    master = existing;
    // The token proves mastership; an old privateId that does not match is replaced so that
    // only this tab holds the session from now on.
    privateId = presentedMatches && msg.privateId !== undefined ? msg.privateId : room.peers.rotate(existing);
    if (msg.name) room.peers.rename(master, msg.name);
  } else {
    ({ peer: master, privateId } = room.peers.create({
      name: msg.name ?? DEFAULT_MASTER_NAME,
      status: 'approved',
      isMaster: true,
      bucket: room.newBucket(),
    }));
  }
  const { wasOnline } = room.attach(master, session);
  session.features = new Set(msg.features);
  // In bounded pages (room-pages.ts): a guest's listing can make the room larger than one frame.
  session.sendRoomState(
    roomStateFrames(
      (clients, files) => ({
        type: 'MASTER_APP_REGISTER_ACK',
        publicId: master.publicId,
        privateId,
        clients,
        files,
        iceServers: room.options.iceServers,
        p2p: room.options.p2p,
        ...(ctx.reqId === undefined ? {} : { reqId: ctx.reqId }),
        ...(room.options.joinUrl === null ? {} : { joinUrl: room.options.joinUrl }),
      }),
      mapIterable(room.peers.all(), clientInfo),
      room.files.values(),
    ),
  );
  if (!wasOnline) room.broadcastAll({ type: 'MASTER_CONNECTED' }, master);
  room.options.logger.info(`master ${wasOnline ? 'took over its session' : 'connected'}`);
}

export function handleClientRegister(ctx: MessageContext, msg: ToDaemonOf<'CLIENT_REGISTER'>): void {
  const { room, session } = ctx;
  const known = msg.privateId === undefined ? undefined : room.peers.findByPrivateId(msg.privateId);
  if (known && !known.isMaster && msg.privateId !== undefined) {
    const { wasOnline } = room.attach(known, session);
    session.features = new Set(msg.features);
    sendClientAck(ctx, known, msg.privateId);
    if (!wasOnline) room.announce(known, { type: 'CLIENT_RECONNECTED', publicId: known.publicId });
    if (known.status === 'approved') room.roomStateFor(known);
    return;
  }
  if (msg.privateId !== undefined && room.peers.wasEnded(msg.privateId)) {
    // Offline when the host ended the room: told so, rather than turned into a new request.
    room.sendTo(session, { type: 'ROOM_ENDED' });
    return session.close(CLOSE_CODES.roomEnded, 'the host ended the room');
  }
  // Requests whose socket went away (ghosts) are forgotten first, before anyone is refused.
  if (room.peers.countWithStatus('pending') >= room.options.maxPending) forgetOneOfflinePending(room);
  if (room.peers.size >= room.options.maxPeers) forgetOneOfflinePending(room);
  if (room.peers.countWithStatus('pending') >= room.options.maxPending) {
    return ctx.refuse('LIMIT_EXCEEDED', 'too many people are waiting to join; try again later');
  }
  if (room.peers.size >= room.options.maxPeers) {
    return ctx.refuse('LIMIT_EXCEEDED', 'the room is full');
  }
  const nameProblem = guestNameProblem(msg.name, namesOf(room));
  if (nameProblem) return ctx.refuse('NAME_TAKEN', nameProblem);
  const { peer, privateId } = room.peers.create({
    name: msg.name,
    status: 'pending',
    isMaster: false,
    bucket: room.newBucket(),
  });
  room.attach(peer, session);
  session.features = new Set(msg.features);
  sendClientAck(ctx, peer, privateId);
  room.sendToMaster({ type: 'NEW_CLIENT_REGISTERED', client: clientInfo(peer) });
  room.options.logger.info(`client ${peer.publicId.slice(0, 8)} registered`);
}

/**
 * A pending request whose socket closed holds its place for the grace period, so a guest whose
 * network blinks keeps its place in line. When the line is full, the oldest such one goes at once
 * (the master hears CLIENT_LEFT): people who left cannot keep those still here out.
 */
function forgetOneOfflinePending(room: Room): void {
  for (const peer of room.peers.all()) {
    if (peer.status !== 'pending' || peer.session || peer.isMaster) continue;
    room.peers.remove(peer);
    room.sendToMaster({ type: 'CLIENT_LEFT', publicId: peer.publicId });
    return;
  }
}

/** Every identity's name, the master's included: a new guest may copy none (display-name.ts). */
function* namesOf(room: Room): Generator<string> {
  for (const peer of room.peers.all()) yield peer.name;
}

function sendClientAck(ctx: MessageContext, peer: Peer, privateId: string): void {
  const { room } = ctx;
  room.send(peer, {
    type: 'CLIENT_REGISTER_ACK',
    publicId: peer.publicId,
    privateId,
    status: peer.status,
    iceServers: room.options.iceServers,
    p2p: room.options.p2p,
    masterOnline: room.masterOnline,
    ...(ctx.reqId === undefined ? {} : { reqId: ctx.reqId }),
  });
}

/** The client a master's decision is about; the master itself is no such client. */
function targetOf(ctx: MessageContext, publicId: string): Peer | null {
  const target = ctx.room.peers.get(publicId);
  if (!target || target.isMaster) {
    ctx.refuse('NO_SUCH_PEER', 'no such client');
    return null;
  }
  return target;
}

export function handleApprove(ctx: MessageContext, by: Peer, msg: ToDaemonOf<'APPROVE_CLIENT'>): void {
  const { room } = ctx;
  const target = targetOf(ctx, msg.publicId);
  if (!target) return;
  const withReq = <T extends object>(m: T) => (msg.reqId === undefined ? m : { ...m, reqId: msg.reqId });
  if (target.status === 'approved') {
    return room.send(by, withReq({ type: 'CLIENT_APPROVED' as const, client: clientInfo(target) }));
  }
  room.peers.setStatus(target, 'approved');
  const announcement = { type: 'CLIENT_APPROVED' as const, client: clientInfo(target) };
  room.broadcastApproved(announcement, by);
  room.send(by, withReq(announcement));
  if (target.session) room.roomStateFor(target);
}

export function handleDisApprove(ctx: MessageContext, by: Peer, msg: ToDaemonOf<'DIS_APPROVE_CLIENT'>): void {
  const { room } = ctx;
  const target = targetOf(ctx, msg.publicId);
  if (!target) return;
  const withReq = <T extends object>(m: T) => (msg.reqId === undefined ? m : { ...m, reqId: msg.reqId });
  const announcement = { type: 'CLIENT_DIS_APPROVED' as const, publicId: target.publicId };
  if (target.status === 'rejected') return room.send(by, withReq(announcement));
  const wasApproved = target.status === 'approved';
  // Stored before anyone hears of it. From here on the peer can do nothing but leave (its socket
  // stays open to show "not admitted"); everyone who could see it is told, the peer itself last.
  room.peers.setStatus(target, 'rejected');
  room.broadcastApproved(announcement, by);
  room.send(by, withReq(announcement));
  room.send(target, announcement);
  if (wasApproved) {
    room.endTransfersOf(target);
    room.removeFilesOf(target);
  }
}

/** Every pending request turned away at once, each exactly as DIS_APPROVE_CLIENT would. */
export function handleRejectAllPending(ctx: MessageContext, by: Peer): void {
  const { room } = ctx;
  const pending = [...room.peers.all()].filter((p) => p.status === 'pending' && !p.isMaster);
  for (const target of pending) {
    room.peers.setStatus(target, 'rejected');
    const announcement = { type: 'CLIENT_DIS_APPROVED' as const, publicId: target.publicId };
    room.send(by, announcement);
    room.send(target, announcement);
  }
  room.options.logger.info(`master turned away ${pending.length} pending request(s)`);
}

export function handleLeave(ctx: MessageContext, peer: Peer): void {
  const { room } = ctx;
  room.endTransfersOf(peer);
  room.removeFilesOf(peer);
  const session = peer.session;
  room.peers.remove(peer);
  room.announce(peer, { type: 'CLIENT_LEFT', publicId: peer.publicId });
  if (session) {
    session.peer = null;
    session.close(CLOSE_CODES.left, 'left the room');
  }
}
