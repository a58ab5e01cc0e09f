import type { FileInfo, FileOffer } from '@ferry/common';
import { randomId, type Download, type ReadChunk } from '@ferry/common/transfer';
import type { FerryPeer } from '../../../src/ferry-peer';
import type { DiskDownload } from '../../../src/disk/disk-download';
import type { DiskSource } from '../../../src/disk/disk-source';

/*
 * FerryPeer keeps shared files and downloads in memory, and this branch may not change it (the
 * CLI's half of issue 15 does). Its TransferService calls the peer's private readChunk and finish
 * by name at each call, so a test can put the disk layer in their place on one peer; this goes
 * once FerryPeer takes a reader and a finisher as options.
 */

/** The owner serves its chunks from disk. */
export function serveFromDisk(peer: FerryPeer, source: DiskSource): void {
  (peer as unknown as { readChunk: ReadChunk }).readChunk = source.readChunk;
}

/** The asker finishes each download with the DiskDownload it was started with. */
export function finishOnDisk(peer: FerryPeer): Map<string, DiskDownload> {
  const stores = new Map<string, DiskDownload>();
  (peer as unknown as { finish: (download: Download) => Promise<void> }).finish = (download) => {
    const store = stores.get(download.transferId);
    return store ? store.finish() : Promise.reject(new Error(`no disk store for ${download.transferId}`));
  };
  return stores;
}

/** Offers files as they are (ids, batches, hashes chosen by the caller); resolves with what was listed. */
export async function offer(peer: FerryPeer, files: FileOffer[]): Promise<FileInfo[]> {
  const reqId = randomId();
  peer.send({ type: 'ADD_FILES', reqId, files });
  const added = await peer.next('FILES_ADDED', (m) => m.reqId === reqId);
  if (added.rejected.length > 0) throw new Error(`rejected: ${added.rejected.map((r) => r.reason).join(', ')}`);
  return added.files;
}

/** Resolves once `download` completes; rejects if it fails or is cancelled. */
export function completed(download: Download): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (download.status === 'complete') resolve();
      else if (download.status === 'failed' || download.status === 'cancelled')
        reject(download.snapshot().error ?? new Error(`download ${download.status}`));
    };
    download.onChange(check);
    check();
  });
}
