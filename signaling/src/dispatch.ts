import type { ErrorCode, ToDaemon } from '@ferry/common';
import {
  handleAddFiles,
  handleFileRemoved,
  handleFilesAdded,
  handleFilesRemoved,
  handleRemoveFile,
  handleRemoveFiles,
} from './handlers/files';
import { handleCancelTransfer, handleRequestChunk } from './handlers/chunk-transfers';
import { MessageContext } from './handlers/message-context';
import {
  handleApprove,
  handleClientRegister,
  handleDisApprove,
  handleLeave,
  handleMasterRegister,
  handleRejectAllPending,
} from './handlers/registration';
import { handleSignal } from './handlers/signal';
import { handleEndRoom } from './handlers/end-room';
import type { Peer, Session } from './peers';
import type { Room } from './room';

/**
 * Who may send a message type. A rule that can refuse a registered peer with FORBIDDEN names the
 * text it answers, so the table reads as the "who may send" column of PROTOCOL.md §8.
 */
export type AccessRule =
  /** A socket with no identity yet: the registers. Anyone else gets ALREADY_REGISTERED. */
  | { readonly who: 'unregistered' }
  /** An approved peer, the master included; a pending or rejected one gets NOT_APPROVED. */
  | { readonly who: 'approved' }
  /** The master; anyone else, whatever its status, gets FORBIDDEN. */
  | { readonly who: 'master'; readonly forbidden: string }
  /** The master's answers: a peer not admitted gets NOT_APPROVED, an admitted one FORBIDDEN. */
  | { readonly who: 'master-answer'; readonly forbidden: string }
  /** Any registered peer but the master. */
  | { readonly who: 'not-master'; readonly forbidden: string };

/** Every peer→daemon type and who may send it: a type missing here does not compile. */
export const ACCESS: { readonly [T in ToDaemon['type']]: AccessRule } = {
  MASTER_APP_REGISTER: { who: 'unregistered' },
  CLIENT_REGISTER: { who: 'unregistered' },
  APPROVE_CLIENT: { who: 'master', forbidden: 'only the master approves or removes people' },
  DIS_APPROVE_CLIENT: { who: 'master', forbidden: 'only the master approves or removes people' },
  ADD_FILES: { who: 'approved' },
  FILES_ADDED: { who: 'master-answer', forbidden: 'only the master sends FILES_ADDED' },
  REMOVE_FILE: { who: 'approved' },
  FILE_REMOVED: { who: 'master-answer', forbidden: 'only the master sends FILE_REMOVED' },
  REMOVE_FILES: { who: 'approved' },
  FILES_REMOVED: { who: 'master-answer', forbidden: 'only the master sends FILES_REMOVED' },
  REQUEST_CHUNK: { who: 'approved' },
  SIGNAL: { who: 'approved' },
  CANCEL_TRANSFER: { who: 'approved' },
  LEAVE: { who: 'not-master', forbidden: 'the master cannot leave its own room' },
  REJECT_ALL_PENDING: { who: 'master', forbidden: 'only the master approves or removes people' },
  END_ROOM: { who: 'master', forbidden: 'only the host can end the room' },
};

export interface Refusal {
  readonly code: ErrorCode;
  readonly text: string;
}

const NOT_APPROVED: Refusal = { code: 'NOT_APPROVED', text: 'the host has not admitted you to the room' };

/** Why the socket's identity (`peer`, null before a register) may not send under `rule`, or null. */
export function refusalOf(peer: Pick<Peer, 'status' | 'isMaster'> | null, rule: AccessRule): Refusal | null {
  if (rule.who === 'unregistered') {
    return peer ? { code: 'ALREADY_REGISTERED', text: 'this socket is already registered' } : null;
  }
  if (!peer) return { code: 'NOT_REGISTERED', text: 'register first (CLIENT_REGISTER or MASTER_APP_REGISTER)' };
  switch (rule.who) {
    case 'approved':
      return peer.status === 'approved' ? null : NOT_APPROVED;
    case 'master':
      return peer.isMaster ? null : { code: 'FORBIDDEN', text: rule.forbidden };
    case 'master-answer':
      if (peer.isMaster) return null;
      return peer.status === 'approved' ? { code: 'FORBIDDEN', text: rule.forbidden } : NOT_APPROVED;
    case 'not-master':
      return peer.isMaster ? { code: 'FORBIDDEN', text: rule.forbidden } : null;
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

/**
 * The one way a parsed message reaches the room: the access rules first, then the message's
 * handler. Every ERROR either sends echoes the message's reqId (MessageContext).
 */
export function dispatch(room: Room, session: Session, message: ToDaemon): void {
  const ctx = new MessageContext(room, session, message.reqId);
  const refusal = refusalOf(session.peer, ACCESS[message.type]);
  if (refusal) return ctx.refuse(refusal.code, refusal.text);
  if (message.type === 'MASTER_APP_REGISTER') return handleMasterRegister(ctx, message);
  if (message.type === 'CLIENT_REGISTER') return handleClientRegister(ctx, message);
  const peer = session.peer;
  // The access rules let no other type through from a socket without an identity.
  if (!peer) throw new Error(`${message.type} passed the access rules unregistered`);
  switch (message.type) {
    case 'APPROVE_CLIENT':
      return handleApprove(ctx, peer, message);
    case 'DIS_APPROVE_CLIENT':
      return handleDisApprove(ctx, peer, message);
    case 'ADD_FILES':
      return handleAddFiles(ctx, peer, message);
    case 'FILES_ADDED':
      return handleFilesAdded(ctx, message);
    case 'REMOVE_FILE':
      return handleRemoveFile(ctx, peer, message);
    case 'FILE_REMOVED':
      return handleFileRemoved(ctx, message);
    case 'REMOVE_FILES':
      return handleRemoveFiles(ctx, peer, message);
    case 'FILES_REMOVED':
      return handleFilesRemoved(ctx, message);
    case 'REQUEST_CHUNK':
      return handleRequestChunk(ctx, peer, message);
    case 'SIGNAL':
      return handleSignal(ctx, peer, message);
    case 'CANCEL_TRANSFER':
      return handleCancelTransfer(ctx, peer, message);
    case 'LEAVE':
      return handleLeave(ctx, peer);
    case 'REJECT_ALL_PENDING':
      return handleRejectAllPending(ctx, peer);
    case 'END_ROOM':
      return handleEndRoom(ctx, peer);
    default: {
      const unreachable: never = message;
      return unreachable;
    }
  }
}
