import { chunkCount, chunkLength, type FileInfo, type RelayBusyReason } from '@ferry/common';
import type { DownloadPath, DownloadStatus } from '@ferry/common/transfer';
import type { Job, JobItem } from './download-job';
import type { DownloadState, DownloadView } from './download-view';

/* What the Downloads list shows of a job: its state, bytes, speed and route. */

/** Bytes of the chunks marked in a bitmap. */
export function bytesInBits(file: FileInfo, have: Uint8Array): number {
  let bytes = 0;
  const total = chunkCount(file.size, file.chunkSize);
  for (let index = 0; index < total; index++) {
    if (((have[index >> 3] ?? 0) & (1 << (index & 7))) !== 0) bytes += chunkLength(file.size, file.chunkSize, index);
  }
  return bytes;
}

function itemBytes(item: JobItem): number {
  if (item.isVerified) return item.file.size;
  return item.snapshot?.bytesDone ?? bytesInBits(item.file, item.have);
}

/** What the live transfers of an active job add up to. */
function activeState(statuses: readonly DownloadStatus[]): DownloadState {
  if (statuses.includes('running')) return 'downloading';
  if (statuses.includes('needs-repick')) return 'needs-repick';
  if (statuses.includes('waiting-owner')) return 'waiting-owner';
  if (statuses.includes('finishing')) return 'checking';
  return 'downloading';
}

function stateOf(job: Job): DownloadState {
  switch (job.phase) {
    case 'restoring':
      return 'waiting-owner';
    case 'active': {
      const live = job.items.filter((item) => item.download !== null && item.snapshot !== null);
      return activeState(live.map((item) => item.snapshot?.status ?? 'running'));
    }
    case 'saving':
      return 'checking';
    case 'paused':
    case 'saved':
    case 'failed':
    case 'cancelled':
      return job.phase;
  }
}

/**
 * `isConnected`: whether this tab is in the room right now. While it is not, a download waiting
 * for its owner is really waiting for our own connection (the owner may be there all along).
 * `relayBusy`: why the relay holds this download back, if it does; shown only while it is
 * downloading (otherwise its state already says what it waits for).
 * `pathFrom`: how the owner's bytes will come, said while a download has no chunk yet (a direct
 * connection being tried, or the relay because it failed), so "0 B" never stands alone.
 */
export function viewOf(
  job: Job,
  isConnected = true,
  relayBusy: RelayBusyReason | null = null,
  pathFrom: (owner: string) => DownloadPath = () => 'connecting',
): DownloadView {
  const ownState = stateOf(job);
  const state = !isConnected && ownState === 'waiting-owner' ? 'waiting-connection' : ownState;
  let bytesDone = 0;
  let totalBytes = 0;
  let bytesPerSecond = 0;
  let route: DownloadView['route'] = null;
  for (const item of job.items) {
    bytesDone += itemBytes(item);
    totalBytes += item.file.size;
    if (item.snapshot) {
      bytesPerSecond += item.snapshot.bytesPerSecond;
      route = item.snapshot.route ?? route;
    }
  }
  const isMoving = state === 'downloading' && bytesPerSecond > 0;
  return {
    id: job.id,
    kind: job.kind,
    name: job.name,
    owner: job.owner,
    state,
    error: job.error,
    bytesDone: job.phase === 'saved' ? totalBytes : bytesDone,
    totalBytes,
    bytesPerSecond: isMoving ? bytesPerSecond : 0,
    secondsLeft: isMoving ? (totalBytes - bytesDone) / bytesPerSecond : null,
    route,
    routeHint: state === 'downloading' && route === null ? pathFrom(job.owner) : null,
    relayBusy: state === 'downloading' ? relayBusy : null,
  };
}
