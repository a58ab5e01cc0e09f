import type { FromDaemon } from '@ferry/common';
import type { RoomState } from '../room/room-reducer';
import type { DeclinedSend, SessionView } from './session-view';

/** Declined sends kept on screen: a list anyone's declines can grow stays short. */
const MAX_DECLINED_SHOWN = 20;

/** The files a FILE_REMOVED or FILES_REMOVED takes out of the list; none for any other message. */
export function removedFileIds(message: FromDaemon): readonly string[] {
  if (message.type === 'FILE_REMOVED') return [message.fileId];
  if (message.type === 'FILES_REMOVED') return message.fileIds;
  return [];
}

/**
 * The declined sends to show once `fileIds` left the room (before the room drops them): a direct
 * offer of ours removed without our asking was declined by its recipient (or they left). One pass
 * over the list however many ids; null when nothing changes.
 */
export function withDeclined(
  view: Pick<SessionView, 'declinedSends' | 'removing'>,
  room: RoomState,
  fileIds: readonly string[],
): readonly DeclinedSend[] | null {
  if (fileIds.length === 0) return null;
  const gone = new Set(fileIds);
  const declined: DeclinedSend[] = [];
  for (const file of room.files) {
    if (!gone.has(file.id) || !file.to || file.owner !== room.selfId || view.removing.has(file.id)) continue;
    declined.push({ fileId: file.id, name: file.name, to: file.to });
  }
  return declined.length === 0 ? null : [...view.declinedSends, ...declined].slice(-MAX_DECLINED_SHOWN);
}

/**
 * The recipient of a direct offer of ours asked for it: they accepted. The first request of a
 * transfer always comes through the daemon, so this holds over P2P too, however fast it goes.
 * Returns the accepted sends to show, or null when nothing changes.
 */
export function withAccepted(
  view: Pick<SessionView, 'acceptedSends'>,
  room: RoomState,
  fileId: string,
  asker: string,
): ReadonlySet<string> | null {
  const file = room.files.find((f) => f.id === fileId);
  if (!file?.to || file.to !== asker || file.owner !== room.selfId || view.acceptedSends.has(fileId)) return null;
  return new Set([...view.acceptedSends, fileId]);
}
