import * as z from 'zod/mini';
import { ERROR_CODES } from './errors';
import * as L from './limits';
import {
  ChunkIndex,
  ClientInfo,
  ClientStatus,
  DisplayName,
  Features,
  FileIds,
  FileInfo,
  FileOffer,
  Id,
  IceServers,
  PrivateId,
  Rejection,
  RelayBusyReason,
  ReqId,
  RetryAfterMs,
  Sha256Hex,
  SignalData,
  Token,
} from './shapes';

/*
 * The signaling channel: one schema per message, in two unions by direction. Types are inferred
 * from the schemas and never written twice. Objects strip unknown keys, so a peer's `from` or
 * `owner` never survives parsing: the daemon stamps those itself.
 */

const msg = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape });

/**
 * Every peer -> daemon message may carry a `reqId`; the daemon echoes it on the answer or error
 * (messages whose answer needs one declare it required).
 */
const req = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  z.extend(z.object({ type: z.literal(type), reqId: z.optional(ReqId) }), shape);

const files = <T extends z.core.SomeType>(item: T) => z.array(item).check(z.maxLength(L.MAX_FILES_PER_MESSAGE));

/** A chunk range [start, end) must hold at least one chunk. */
const endAfterStart = () =>
  z.refine<{ start: number; end: number }>((m) => m.end > m.start, {
    message: 'end must be greater than start',
    path: ['end'],
  });

// ---- peer -> daemon -------------------------------------------------------------------------

export const MasterAppRegister = req('MASTER_APP_REGISTER', {
  token: Token,
  privateId: z.optional(PrivateId),
  name: z.optional(DisplayName),
  /** Ferry addition: what this peer understands beyond the contract (FEATURES); unknown names are ignored. */
  features: z.optional(Features),
});
export const ClientRegister = req('CLIENT_REGISTER', {
  name: DisplayName,
  privateId: z.optional(PrivateId),
  /** Ferry addition, as on MASTER_APP_REGISTER. */
  features: z.optional(Features),
});
export const ApproveClient = req('APPROVE_CLIENT', { publicId: Id, reqId: z.optional(ReqId) });
export const DisApproveClient = req('DIS_APPROVE_CLIENT', { publicId: Id, reqId: z.optional(ReqId) });
export const AddFilesRequest = req('ADD_FILES', { reqId: ReqId, files: files(FileOffer).check(z.minLength(1)) });
export const FilesAddedAnswer = req('FILES_ADDED', {
  reqId: ReqId,
  owner: Id,
  files: files(FileInfo),
  rejected: z.array(Rejection).check(z.maxLength(L.MAX_FILES_PER_MESSAGE)),
});
export const RemoveFileRequest = req('REMOVE_FILE', { reqId: ReqId, fileId: Id });
export const FileRemovedAnswer = req('FILE_REMOVED', { reqId: z.optional(ReqId), fileId: Id });
/**
 * Ferry addition: REMOVE_FILE for many files at once (a folder, everything one shares). Ids not
 * listed, or not visible to the sender, are skipped as already gone; one the sender may not remove
 * refuses the whole message.
 */
export const RemoveFilesRequest = req('REMOVE_FILES', { reqId: ReqId, fileIds: FileIds });
/** Ferry addition: FILE_REMOVED for many files at once, from the master (and broadcast by the daemon). */
export const FilesRemovedAnswer = req('FILES_REMOVED', { reqId: z.optional(ReqId), fileIds: FileIds });
export const RequestChunk = req('REQUEST_CHUNK', {
  transferId: Id,
  fileId: Id,
  start: ChunkIndex,
  end: ChunkIndex,
  reqId: z.optional(ReqId),
}).check(endAfterStart());
export const SignalTo = req('SIGNAL', { to: Id, data: SignalData });
export const CancelTransfer = req('CANCEL_TRANSFER', { transferId: Id });
/** Ferry addition: forget this identity now (its files go, its transfers end). */
export const Leave = req('LEAVE', {});
/** Ferry addition (master only): turn away every pending request at once, as DIS_APPROVE_CLIENT each. */
export const RejectAllPending = req('REJECT_ALL_PENDING', {});
/**
 * Ferry addition (master only): end the room. Every guest is let out and forgotten with every
 * file; the master stays, and the daemon goes on with a fresh room.
 */
export const EndRoom = req('END_ROOM', {});

export const ToDaemon = z.discriminatedUnion('type', [
  MasterAppRegister,
  ClientRegister,
  ApproveClient,
  DisApproveClient,
  AddFilesRequest,
  FilesAddedAnswer,
  RemoveFileRequest,
  FileRemovedAnswer,
  RemoveFilesRequest,
  FilesRemovedAnswer,
  RequestChunk,
  SignalTo,
  CancelTransfer,
  Leave,
  RejectAllPending,
  EndRoom,
]);
export type ToDaemon = z.infer<typeof ToDaemon>;

// ---- daemon -> peer -------------------------------------------------------------------------

const clients = z.array(ClientInfo).check(z.maxLength(L.MAX_PEERS_IN_ROOM));
const roomFiles = z.array(FileInfo).check(z.maxLength(L.MAX_FILES_IN_ROOM));

export const MasterAppRegisterAck = msg('MASTER_APP_REGISTER_ACK', {
  publicId: Id,
  privateId: PrivateId,
  clients,
  files: roomFiles,
  iceServers: z.optional(IceServers),
  p2p: z.optional(z.boolean()),
  reqId: z.optional(ReqId),
  /** Ferry addition: the join link the daemon printed (its LAN address), for the invite card. */
  joinUrl: z.optional(z.string().check(z.maxLength(512), z.regex(/^https?:\/\//))),
  /** Ferry addition: the room continues in ROOM_STATE_PAGE frames (room-pages.ts); absent when it fits here. */
  more: z.optional(z.literal(true)),
});
export const ClientRegisterAck = msg('CLIENT_REGISTER_ACK', {
  publicId: Id,
  privateId: PrivateId,
  status: ClientStatus,
  iceServers: IceServers,
  p2p: z.boolean(),
  masterOnline: z.optional(z.boolean()),
  reqId: z.optional(ReqId),
});
export const NewClientRegistered = msg('NEW_CLIENT_REGISTERED', { client: ClientInfo });
export const ClientApproved = msg('CLIENT_APPROVED', { client: ClientInfo, reqId: z.optional(ReqId) });
export const ClientDisApproved = msg('CLIENT_DIS_APPROVED', { publicId: Id, reqId: z.optional(ReqId) });
export const RoomState = msg('ROOM_STATE', {
  clients,
  files: roomFiles,
  masterOnline: z.boolean(),
  /** Ferry addition: the room continues in ROOM_STATE_PAGE frames; absent when it fits here. */
  more: z.optional(z.literal(true)),
});
/**
 * Ferry addition: the next page of the ROOM_STATE or MASTER_APP_REGISTER_ACK that came with
 * `more: true`; `last: true` ends it. Entries add to (or replace, by id) those already received.
 */
export const RoomStatePage = msg('ROOM_STATE_PAGE', {
  clients: z.optional(clients),
  files: z.optional(roomFiles),
  last: z.boolean(),
});
export const AddFilesForward = msg('ADD_FILES', {
  reqId: ReqId,
  owner: Id,
  files: files(FileOffer).check(z.minLength(1)),
});
export const FilesAdded = FilesAddedAnswer;
export const RemoveFileForward = msg('REMOVE_FILE', { reqId: ReqId, owner: Id, by: Id, fileId: Id });
export const FileRemoved = FileRemovedAnswer;
/**
 * Ferry addition, to a master that declared FEATURES.removeFiles: a REMOVE_FILES it is to decide,
 * one per owner of the files asked for (`by` asked, as in REMOVE_FILE).
 */
export const RemoveFilesForward = msg('REMOVE_FILES', { reqId: ReqId, owner: Id, by: Id, fileIds: FileIds });
/** Ferry addition, to peers that declared FEATURES.removeFiles: files that left the list. */
export const FilesRemoved = FilesRemovedAnswer;
export const ClientDisconnected = msg('CLIENT_DISCONNECTED', { publicId: Id });
export const ClientReconnected = msg('CLIENT_RECONNECTED', { publicId: Id });
/** Ferry addition: an identity is gone for good (LEAVE, or a pending peer offline past the grace period). */
export const ClientLeft = msg('CLIENT_LEFT', { publicId: Id });
export const MasterConnected = msg('MASTER_CONNECTED', {});
export const MasterDisconnected = msg('MASTER_DISCONNECTED', {});
export const UploadChunkRequest = msg('UPLOAD_CHUNK_REQUEST', {
  transferId: Id,
  fileId: Id,
  start: ChunkIndex,
  end: ChunkIndex,
  from: Id,
}).check(endAfterStart());
export const SignalFrom = msg('SIGNAL', { from: Id, data: SignalData });
/** `sha256` (Ferry addition) is the chunk's hash as its owner declared it on PUT, when it did. */
export const ChunkReady = msg('CHUNK_READY', {
  transferId: Id,
  fileId: Id,
  index: ChunkIndex,
  sha256: z.optional(Sha256Hex),
});
export const TransferCancelled = msg('TRANSFER_CANCELLED', { transferId: Id });
/**
 * Ferry addition: the relay refused the owner's upload of a chunk of this transfer for now, so the
 * asker knows why nothing arrives (the owner retries by itself). `retryAfterMs` is the daemon's
 * estimate of the wait, 0 when it has none (a full relay frees as askers fetch).
 */
export const RelayBusy = msg('RELAY_BUSY', {
  transferId: Id,
  fileId: Id,
  reason: RelayBusyReason,
  retryAfterMs: RetryAfterMs,
});
/**
 * Ferry addition: the host ended the room (END_ROOM). To every other online peer, whose socket
 * then closes with 4003; to the master with its END_ROOM's reqId, its socket kept.
 */
export const RoomEnded = msg('ROOM_ENDED', { reqId: z.optional(ReqId) });
export const ErrorMessage = msg('ERROR', {
  code: z.enum(ERROR_CODES),
  message: z.string().check(z.maxLength(L.MAX_ERROR_MESSAGE_CHARS)),
  reqId: z.optional(ReqId),
});

export const FromDaemon = z.discriminatedUnion('type', [
  MasterAppRegisterAck,
  ClientRegisterAck,
  NewClientRegistered,
  ClientApproved,
  ClientDisApproved,
  RoomState,
  RoomStatePage,
  AddFilesForward,
  FilesAdded,
  RemoveFileForward,
  FileRemoved,
  RemoveFilesForward,
  FilesRemoved,
  ClientDisconnected,
  ClientReconnected,
  ClientLeft,
  MasterConnected,
  MasterDisconnected,
  UploadChunkRequest,
  SignalFrom,
  ChunkReady,
  TransferCancelled,
  RelayBusy,
  RoomEnded,
  ErrorMessage,
]);
export type FromDaemon = z.infer<typeof FromDaemon>;

/** Message types by direction, for exhaustiveness checks and tests. */
export const TO_DAEMON_TYPES = ToDaemon.def.options.flatMap((o) => o.shape.type.def.values);
export const FROM_DAEMON_TYPES = FromDaemon.def.options.flatMap((o) => o.shape.type.def.values);
export type ToDaemonOf<T extends ToDaemon['type']> = Extract<ToDaemon, { type: T }>;
export type FromDaemonOf<T extends FromDaemon['type']> = Extract<FromDaemon, { type: T }>;
