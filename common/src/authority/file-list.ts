import {
  fileOfferProblem,
  limits,
  listedFileBytes,
  utf8ByteCount,
  type FileInfo,
  type FileOffer,
  type Rejection,
} from '@ferry/common';

/*
 * The host is the authority on the file list. These are its decisions, as pure functions of the
 * list it holds: the same request against the same list gets the same answer, which is what makes
 * a guest's resend (same reqId, same files) safe.
 */

export interface AddFilesDecision {
  files: FileInfo[];
  rejected: Rejection[];
}

export const REASONS = {
  idTaken: 'another file already uses this id',
  idReused: 'this id is already used for a different file',
  duplicate: 'the same file is already shared',
  duplicateInRequest: 'the same file is twice in this request',
  answerTooLarge: 'too many long names in one request; share this file again',
  duplicateText: 'the same text is already posted',
  recipientToSelf: 'a file cannot be sent to its own sharer',
  recipientUnknown: 'the person this file is sent to is not in the room',
} as const;

/** Who may be sent a file directly: an approved peer of the room (the master's view of it). */
export type IsApprovedPeer = (publicId: string) => boolean;

// A text post is the same as another only if its text is: two texts of one length and first line
// are different posts. A direct offer is a different entry from the same file posted to the room
// (or sent to another). A file posted to the room keys as before.
const sameFileKey = (f: Pick<FileInfo, 'owner' | 'path' | 'name' | 'size' | 'text' | 'to'>) =>
  JSON.stringify(
    f.text === undefined ? [f.owner, f.path ?? '', f.name, f.size, f.to ?? ''] : [f.owner, 'text', f.text, f.to ?? ''],
  );

/** Why a direct offer cannot go to its `to`, or null (also for an offer to the room). */
function recipientProblem(owner: string, to: string | undefined, isApprovedPeer: IsApprovedPeer): string | null {
  if (to === undefined) return null;
  if (to === owner) return REASONS.recipientToSelf;
  return isApprovedPeer(to) ? null : REASONS.recipientUnknown;
}

function isIdentical(a: FileInfo, b: FileInfo): boolean {
  return (
    a.id === b.id &&
    a.owner === b.owner &&
    a.name === b.name &&
    a.size === b.size &&
    a.chunkSize === b.chunkSize &&
    a.path === b.path &&
    a.mime === b.mime &&
    a.lastModified === b.lastModified &&
    a.sha256 === b.sha256 &&
    a.text === b.text &&
    a.batch?.id === b.batch?.id &&
    a.batch?.count === b.batch?.count &&
    a.to === b.to
  );
}

/**
 * A listed file offered again by its owner with only its batch's count lowered: the owner saying
 * that fewer files of the batch will ever be listed (some were rejected, removed or unreadable),
 * so that the others can download the folder as it is. A count never grows: a batch that once
 * looked whole to someone stays whole.
 */
function isRecount(listed: FileInfo, offered: FileInfo): boolean {
  if (listed.batch === undefined || offered.batch === undefined) return false;
  if (listed.batch.id !== offered.batch.id || offered.batch.count > listed.batch.count) return false;
  return isIdentical(listed, { ...offered, batch: listed.batch });
}

/**
 * Answers a forwarded ADD_FILES from `owner`. Drops what is invalid (fileOfferProblem) and what
 * duplicates a listed file: an id another owner holds, or the same owner, path, name and size
 * under another id. A file already listed exactly as offered is accepted again (a resend), and so
 * is one whose batch count is lowered (isRecount). A direct offer (`to`) must name an approved
 * peer other than its owner; a caller that passes no `isApprovedPeer` accepts no direct offer.
 */
export function decideAddFiles(
  existing: readonly FileInfo[],
  owner: string,
  offers: readonly FileOffer[],
  isApprovedPeer: IsApprovedPeer = () => false,
): AddFilesDecision {
  const byId = new Map(existing.map((f) => [f.id, f]));
  const byKey = new Map(existing.map((f) => [sameFileKey(f), f.id]));
  const seenInRequest = new Set<string>();
  const files: FileInfo[] = [];
  const rejected: Rejection[] = [];
  for (const offer of offers) {
    const file: FileInfo = { ...offer, owner };
    const problem = fileOfferProblem(offer) ?? recipientProblem(owner, offer.to, isApprovedPeer);
    if (problem) {
      rejected.push({ id: offer.id, reason: problem });
      continue;
    }
    if (seenInRequest.has(offer.id)) {
      rejected.push({ id: offer.id, reason: REASONS.duplicateInRequest });
      continue;
    }
    const listed = byId.get(offer.id);
    if (listed) {
      if (listed.owner !== owner) rejected.push({ id: offer.id, reason: REASONS.idTaken });
      else if (!isIdentical(listed, file) && !isRecount(listed, file))
        rejected.push({ id: offer.id, reason: REASONS.idReused });
      else {
        seenInRequest.add(offer.id);
        files.push(file);
      }
      continue;
    }
    const key = sameFileKey(file);
    const twin = byKey.get(key);
    if (twin !== undefined) {
      const reason = seenInRequest.has(twin)
        ? REASONS.duplicateInRequest
        : offer.text === undefined
          ? REASONS.duplicate
          : REASONS.duplicateText;
      rejected.push({ id: offer.id, reason });
      continue;
    }
    seenInRequest.add(offer.id);
    byKey.set(key, offer.id);
    byId.set(offer.id, file);
    files.push(file);
  }
  return { files, rejected };
}

/**
 * Keeps the FILES_ADDED answer to `reqId` within one frame to the daemon (MAX_FRAME_BYTES): a
 * larger one would make the daemon close the host's socket. A daemon that follows the protocol
 * never forwards a request whose answer could grow past it, and the apps batch by the same
 * measure; this holds even if one did: the files that do not fit are rejected, to be offered
 * again, never sent in an oversized frame. The sender treats the first answer as final, so the
 * answer is not split into several frames.
 */
export function fitAnswer(reqId: string, owner: string, decision: AddFilesDecision): AddFilesDecision {
  const frameBytes = (d: AddFilesDecision) =>
    utf8ByteCount(JSON.stringify({ type: 'FILES_ADDED', reqId, owner, files: d.files, rejected: d.rejected }));
  let bytes = frameBytes(decision);
  if (bytes <= limits.MAX_FRAME_BYTES) return decision;
  const files = [...decision.files];
  const rejected = [...decision.rejected];
  while (bytes > limits.MAX_FRAME_BYTES && files.length > 0) {
    const dropped = files.pop() as FileInfo;
    const rejection = { id: dropped.id, reason: REASONS.answerTooLarge };
    rejected.push(rejection);
    bytes += utf8ByteCount(JSON.stringify(rejection)) - listedFileBytes(dropped);
  }
  return { files, rejected };
}

/**
 * Whether a forwarded REMOVE_FILE may go ahead. The daemon checked who asked already; the host
 * checks again because it is the authority: only the file's owner or the host removes a file,
 * and the recipient of a direct offer removes it too (that is how it declines).
 */
export function mayRemoveFile(
  request: { owner: string; by: string; fileId: string },
  existing: readonly FileInfo[],
  hostId: string | null,
): boolean {
  return mayRemove(
    request,
    existing.find((f) => f.id === request.fileId),
    hostId,
  );
}

/**
 * The ids of a forwarded REMOVE_FILES that may go ahead, by the rule of mayRemoveFile, in one pass
 * over the list however many ids it names.
 */
export function mayRemoveFiles(
  request: { owner: string; by: string; fileIds: readonly string[] },
  existing: readonly FileInfo[],
  hostId: string | null,
): string[] {
  const asked = new Set(request.fileIds);
  const listed = new Map<string, FileInfo>();
  for (const file of existing) if (asked.has(file.id)) listed.set(file.id, file);
  return request.fileIds.filter((fileId) => mayRemove(request, listed.get(fileId), hostId));
}

function mayRemove(request: { owner: string; by: string }, file: FileInfo | undefined, hostId: string | null): boolean {
  // A file the host does not list (its view lagging the daemon's) still goes: the daemon has it.
  const owner = file?.owner ?? request.owner;
  return request.by === owner || request.by === hostId || (file?.to !== undefined && request.by === file.to);
}
