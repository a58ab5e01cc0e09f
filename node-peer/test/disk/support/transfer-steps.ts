import type { FileInfo, FileOffer } from '@ferry/common';
import { randomId } from '@ferry/common/transfer';
import type { FerryPeer } from '../../../src/ferry-peer';

/** Offers files as they are (ids, batches, hashes chosen by the caller); resolves with what was listed. */
export async function offer(peer: FerryPeer, files: FileOffer[]): Promise<FileInfo[]> {
  const reqId = randomId();
  peer.send({ type: 'ADD_FILES', reqId, files });
  const added = await peer.next('FILES_ADDED', (m) => m.reqId === reqId);
  if (added.rejected.length > 0) throw new Error(`rejected: ${added.rejected.map((r) => r.reason).join(', ')}`);
  return added.files;
}

export { completed } from '../../../src/ferry-peer';
