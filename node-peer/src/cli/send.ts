import { randomId, systemClock, UploadsLedger } from '@ferry/common/transfer';
import type { FileInfo, FileOffer } from '@ferry/common';
import { DiskSource, type SourceChange } from '../disk/disk-source';
import { collectLocal } from '../disk/local-tree';
import { offersFor } from '../disk/local-offers';
import type { FerryPeer } from '../ferry-peer';
import type { SendOptions } from './args';
import type { FileRef, Reporter } from './events';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import type { IdentityStore } from './identity';
import { closeReason, joinRoom } from './join-room';

export interface SendDeps {
  identities: IdentityStore;
  reporter: Reporter;
  interrupted: Promise<void>;
  /** How often "who is downloading what" is reported while anyone is. */
  reportEveryMs?: number;
}

const refOf = (file: FileOffer): FileRef => ({
  fileId: file.id,
  name: file.name,
  ...(file.path === undefined ? {} : { path: file.path }),
  size: file.size,
});

/**
 * `ferry send`: hashes what was named (while the host decides), shares it, and serves it until
 * Ctrl-C. Entries this identity still has listed from an earlier run (same place, size and
 * SHA-256) are served again under their ids, so downloads of them go on.
 */
export async function runSend(options: SendOptions, deps: SendDeps): Promise<ExitCode> {
  const { reporter } = deps;
  const tree = await collectLocal(options.paths);
  if (tree.files.length === 0 && tree.emptyFolders.length === 0) {
    const why = tree.refused.map((r) => `${r.path}: ${r.reason}`).join('; ');
    throw new CliError(EXIT.usage, `nothing to share${why ? ` (${why})` : ''}`);
  }
  const totalBytes = tree.files.reduce((sum, f) => sum + f.size, 0);
  const prepared = offersFor(tree, {
    newId: randomId,
    onProgress: (bytesDone) => reporter.report({ event: 'hashing', bytesDone, totalBytes }),
  });
  // Caught here so a failure while the host decides is not an unhandled rejection.
  prepared.catch(() => undefined);

  const ledger = new UploadsLedger();
  const source = new DiskSource([], {
    onChanged: (fileId, change) => {
      const file = peer?.files.find((f) => f.id === fileId);
      peer?.removeFiles([fileId]);
      reporter.report({ event: 'unshared', fileId, name: file?.path ?? file?.name ?? fileId, reason: CHANGES[change] });
    },
  });
  let peer: FerryPeer | null = null;
  try {
    peer = await joinRoom(options, {
      ...deps,
      readChunk: source.readChunk,
      onServed: (asker, sent, bytes) => ledger.served(systemClock.now(), { ...sent, asker }, bytes),
    });
    const { offers, sources, refused } = await prepared;
    const { toOffer, reattached } = reattach(offers, peer.files, peer.publicId);
    for (const [fileId, shared] of sources) source.add({ ...shared, fileId: reattached.get(fileId) ?? fileId });
    const { listed, rejected } = await peer.shareOffers(toOffer);
    const refusedByHost = rejected.map((r) => {
      const offer = toOffer.find((o) => o.id === r.id);
      return { path: offer?.path ?? offer?.name ?? r.id, reason: r.reason };
    });
    const sharedIds = new Set([...reattached.values(), ...listed.map((f) => f.id)]);
    reporter.report({
      event: 'shared',
      files: peer.files.filter((f) => sharedIds.has(f.id) && f.folder !== true).map(refOf),
      refused: [...tree.refused, ...refused, ...refusedByHost],
    });
    return await serveUntilStopped(peer, ledger, deps);
  } finally {
    await source.close();
    await peer?.close();
  }
}

const CHANGES: Record<SourceChange, string> = {
  deleted: 'it was deleted from disk',
  modified: 'it changed on disk since it was shared',
  replaced: 'another file took its place on disk',
  unreadable: 'it can no longer be read from disk',
};

/** Serves until Ctrl-C (exit 0) or until the room lets us go (removed, replaced: exit 3). */
async function serveUntilStopped(peer: FerryPeer, ledger: UploadsLedger, deps: SendDeps): Promise<ExitCode> {
  const names = (id: string) => peer.clients.get(id)?.name ?? 'someone';
  const timer = setInterval(() => {
    for (const entry of ledger.active(systemClock.now())) {
      const file = peer.files.find((f) => f.id === entry.fileId);
      if (!file || entry.bytesServed > file.size) continue;
      deps.reporter.report({
        event: 'serving',
        fileId: file.id,
        name: file.path ?? file.name,
        to: names(entry.asker),
        bytesServed: entry.bytesServed,
        size: file.size,
        bytesPerSecond: entry.bytesPerSecond,
      });
    }
  }, deps.reportEveryMs ?? 1000);
  try {
    const ended = new Promise<CliError>((resolve) => {
      peer.onClosed((code) => resolve(new CliError(EXIT.notAdmitted, closeReason(code))));
      peer.subscribe((message) => {
        if (message.type === 'CLIENT_DIS_APPROVED' && message.publicId === peer.publicId) {
          resolve(new CliError(EXIT.notAdmitted, 'the host removed you from the room'));
        }
      });
    });
    const outcome = await Promise.race([deps.interrupted.then(() => null), ended]);
    if (outcome) throw outcome;
    deps.reporter.report({
      event: 'notice',
      message: 'Stopped serving. Your files stay listed for a few minutes; run the same command to serve them again.',
    });
    return EXIT.done;
  } finally {
    clearInterval(timer);
  }
}

/**
 * Our entries the room still lists from an earlier run, matched by place, size and SHA-256: a
 * folder only as a whole (all its entries matched to one listed batch), a loose file alone.
 * Returns the offers still to send and, for the others, new id -> listed id.
 */
export function reattach(
  offers: readonly FileOffer[],
  listed: readonly FileInfo[],
  selfId: string,
): { toOffer: FileOffer[]; reattached: Map<string, string> } {
  const own = listed.filter((f) => f.owner === selfId);
  const keyOf = (f: FileOffer) => `${f.path ?? f.name}\n${f.size}\n${f.sha256 ?? ''}\n${f.folder === true}`;
  const byKey = new Map(own.map((f) => [keyOf(f), f]));
  const reattached = new Map<string, string>();
  const groups = new Map<string, FileOffer[]>();
  for (const offer of offers) {
    const group = offer.batch?.id ?? `loose:${offer.id}`;
    groups.set(group, [...(groups.get(group) ?? []), offer]);
  }
  const toOffer: FileOffer[] = [];
  for (const group of groups.values()) {
    const matches = group.map((offer) => byKey.get(keyOf(offer)));
    const batches = new Set(matches.map((m) => m?.batch?.id ?? ''));
    if (matches.every((m) => m !== undefined) && batches.size === 1) {
      group.forEach((offer, index) => reattached.set(offer.id, matches[index]?.id ?? offer.id));
    } else toOffer.push(...group);
  }
  return { toOffer, reattached };
}
