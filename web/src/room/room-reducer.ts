import type { ClientInfo, ClientStatus, FileInfo, FromDaemon } from '@ferry/common';

/** What this tab knows about the room, rebuilt from the daemon's messages only. */
export interface RoomState {
  selfId: string | null;
  /** Our own approval status; null until the first register ACK. */
  selfStatus: ClientStatus | null;
  /**
   * This identity has been in the room: so a 'rejected' status means the host removed us, not that
   * the host turned our request away. The daemon's ACK does not tell the two apart; a guest that
   * reloads learns it from what its browser kept (ClientSession).
   */
  selfWasApproved: boolean;
  /** People in the room (for the master: everyone it knows, pending and rejected too). */
  clients: readonly ClientInfo[];
  files: readonly FileInfo[];
  masterOnline: boolean;
}

export const emptyRoom: RoomState = {
  selfId: null,
  selfStatus: null,
  selfWasApproved: false,
  clients: [],
  files: [],
  masterOnline: false,
};

function upsertClient(clients: readonly ClientInfo[], client: ClientInfo): ClientInfo[] {
  const index = clients.findIndex((c) => c.publicId === client.publicId);
  if (index < 0) return [...clients, client];
  const next = clients.slice();
  next[index] = client;
  return next;
}

function updateClient(
  clients: readonly ClientInfo[],
  publicId: string,
  change: (client: ClientInfo) => ClientInfo,
): readonly ClientInfo[] {
  const index = clients.findIndex((c) => c.publicId === publicId);
  const current = clients[index];
  if (!current) return clients;
  const next = clients.slice();
  next[index] = change(current);
  return next;
}

function setMasterOnline(room: RoomState, online: boolean): RoomState {
  return {
    ...room,
    masterOnline: online,
    clients: room.clients.map((c) => (c.isMaster && c.online !== online ? { ...c, online } : c)),
  };
}

/** Adds or updates the answered files; a file id held by another owner stays theirs (as the daemon does). */
function addFiles(files: readonly FileInfo[], owner: string, added: readonly FileInfo[]): readonly FileInfo[] {
  if (added.length === 0) return files;
  const indexById = new Map(files.map((f, i) => [f.id, i]));
  const next = files.slice();
  for (const file of added) {
    const stamped = { ...file, owner };
    const index = indexById.get(file.id);
    if (index === undefined) {
      indexById.set(file.id, next.length);
      next.push(stamped);
    } else if (next[index]?.owner === owner) {
      next[index] = stamped;
    }
  }
  return next;
}

const withoutOwner = (files: readonly FileInfo[], owner: string) =>
  files.some((f) => f.owner === owner) ? files.filter((f) => f.owner !== owner) : files;

/**
 * Applies one message from the daemon. Pure: the same messages in the same order give the same
 * room, and messages that do not concern the room return the state unchanged.
 */
export function applyToRoom(room: RoomState, message: FromDaemon): RoomState {
  switch (message.type) {
    case 'MASTER_APP_REGISTER_ACK':
      return {
        selfId: message.publicId,
        selfStatus: 'approved',
        selfWasApproved: true,
        clients: message.clients,
        files: message.files,
        masterOnline: true,
      };
    case 'CLIENT_REGISTER_ACK': {
      const isApproved = message.status === 'approved';
      return {
        selfId: message.publicId,
        selfStatus: message.status,
        selfWasApproved: isApproved || (room.selfId === message.publicId && room.selfWasApproved),
        // An approved peer gets ROOM_STATE next; keep the old view until then instead of flashing empty.
        clients: isApproved && room.selfId === message.publicId ? room.clients : [],
        files: isApproved && room.selfId === message.publicId ? room.files : [],
        masterOnline: message.masterOnline ?? room.masterOnline,
      };
    }
    case 'ROOM_STATE':
      return {
        ...room,
        selfStatus: 'approved',
        selfWasApproved: true,
        clients: message.clients,
        files: message.files,
        masterOnline: message.masterOnline,
      };
    case 'NEW_CLIENT_REGISTERED':
      return { ...room, clients: upsertClient(room.clients, message.client) };
    case 'CLIENT_APPROVED': {
      const isSelf = message.client.publicId === room.selfId;
      return {
        ...room,
        selfStatus: isSelf ? 'approved' : room.selfStatus,
        selfWasApproved: isSelf || room.selfWasApproved,
        clients: upsertClient(room.clients, message.client),
      };
    }
    case 'CLIENT_DIS_APPROVED':
      if (message.publicId === room.selfId) {
        return { ...room, selfStatus: 'rejected', clients: [], files: [] };
      }
      return {
        ...room,
        clients: updateClient(room.clients, message.publicId, (c) => ({ ...c, status: 'rejected' })),
        files: withoutOwner(room.files, message.publicId),
      };
    case 'CLIENT_DISCONNECTED':
    case 'CLIENT_RECONNECTED': {
      const online = message.type === 'CLIENT_RECONNECTED';
      return {
        ...room,
        clients: updateClient(room.clients, message.publicId, (c) => (c.online === online ? c : { ...c, online })),
      };
    }
    case 'CLIENT_LEFT':
      return {
        ...room,
        clients: room.clients.filter((c) => c.publicId !== message.publicId),
        files: withoutOwner(room.files, message.publicId),
      };
    case 'MASTER_CONNECTED':
      return setMasterOnline(room, true);
    case 'MASTER_DISCONNECTED':
      return setMasterOnline(room, false);
    case 'FILES_ADDED':
      return { ...room, files: addFiles(room.files, message.owner, message.files) };
    case 'FILE_REMOVED':
      return room.files.some((f) => f.id === message.fileId)
        ? { ...room, files: room.files.filter((f) => f.id !== message.fileId) }
        : room;
    case 'FILES_REMOVED': {
      // One pass however many ids: a folder of 10,000 files leaves in ten of these.
      const gone = new Set(message.fileIds);
      const files = room.files.filter((f) => !gone.has(f.id));
      return files.length === room.files.length ? room : { ...room, files };
    }
    case 'ROOM_ENDED': {
      // The host stays in the fresh room, alone; a guest is out of it.
      const self = room.clients.find((c) => c.publicId === room.selfId);
      return self?.isMaster ? { ...room, clients: [self], files: [] } : emptyRoom;
    }
    // Put together by the session (RoomPageAssembler) before they reach the room.
    case 'ROOM_STATE_PAGE':
    case 'ADD_FILES':
    case 'REMOVE_FILE':
    case 'REMOVE_FILES':
    case 'UPLOAD_CHUNK_REQUEST':
    case 'SIGNAL':
    case 'CHUNK_READY':
    case 'TRANSFER_CANCELLED':
    case 'RELAY_BUSY':
    case 'ERROR':
      return room;
    default:
      return assertNever(message);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected message ${JSON.stringify(value)}`);
}

/** People a guest sees: the approved ones; the host first, then you, then by name. */
export function approvedPeople(room: RoomState): ClientInfo[] {
  return room.clients.filter((c) => c.status === 'approved').sort(peopleOrder(room.selfId));
}

export function peopleOrder(selfId: string | null): (a: ClientInfo, b: ClientInfo) => number {
  return (a, b) => {
    if (a.isMaster !== b.isMaster) return a.isMaster ? -1 : 1;
    if ((a.publicId === selfId) !== (b.publicId === selfId)) return a.publicId === selfId ? -1 : 1;
    return a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.publicId.localeCompare(b.publicId);
  };
}
