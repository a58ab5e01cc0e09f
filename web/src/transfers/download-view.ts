import type { RelayBusyReason } from '@ferry/common';
import type { DownloadPath, Route, TransferError } from '@ferry/common/transfer';
import { failureText } from './failure-text';

/** Where a download is, as the person sees it. */
export type DownloadState =
  | 'downloading'
  | 'paused'
  | 'waiting-owner'
  /** This tab lost its connection to the room: nothing can be asked until it is back. */
  | 'waiting-connection'
  | 'needs-repick'
  | 'checking'
  | 'saved'
  | 'failed'
  | 'cancelled';

export interface DownloadView {
  /** The download's own id (not a transferId: a folder download has one per file). */
  id: string;
  kind: 'file' | 'folder';
  /** The file's name, or the folder's. */
  name: string;
  /** The publicId of the person it comes from (the UI shows their name and code). */
  owner: string;
  state: DownloadState;
  /** Why it failed; failureText makes the sentence. */
  error: TransferError | null;
  bytesDone: number;
  totalBytes: number;
  bytesPerSecond: number;
  secondsLeft: number | null;
  route: Route | null;
  /**
   * Before the first chunk says the route: whether a direct connection is being tried, or the
   * bytes will come through the relay (P2P is off or could not connect). Absent or null otherwise.
   */
  routeHint?: DownloadPath | null;
  /** The relay refuses the owner's uploads of this download for now (RELAY_BUSY); absent or null when not. */
  relayBusy?: RelayBusyReason | null;
}

export interface DownloadsView {
  items: readonly DownloadView[];
  /** Files with a download under way: their Download buttons wait. */
  busyFileIds: ReadonlySet<string>;
}

export const emptyDownloads: DownloadsView = { items: [], busyFileIds: new Set() };

const STATE_TEXT: Record<Exclude<DownloadState, 'failed'>, string> = {
  downloading: 'Downloading',
  paused: 'Paused',
  'waiting-owner': 'Waiting for the owner',
  'waiting-connection': 'Waiting for the connection to the room',
  'needs-repick': 'The owner must pick the file again',
  checking: 'Checking',
  saved: 'Saved',
  cancelled: 'Cancelled',
};

export function statusText(view: Pick<DownloadView, 'state' | 'error'>): string {
  if (view.state !== 'failed') return STATE_TEXT[view.state];
  return `Failed: ${view.error ? failureText(view.error) : 'unknown error'}`;
}

/** The calm line under a download the relay holds back, worded as the owner's notice (relay-busy-status.tsx). */
export function relayBusyText(reason: RelayBusyReason): string {
  const why = reason === 'rate' ? ' (the owner is sending through it as fast as it allows)' : '';
  return `The relay is busy right now${why}, so this download waits a little. Ferry retries by itself; nothing is lost.`;
}

/** What the download line says of its route: the route itself once a chunk came, else what is tried. */
export function routeText(view: Pick<DownloadView, 'route' | 'routeHint'>): string | null {
  if (view.route !== null) return view.route === 'p2p' ? 'via P2P' : 'via relay';
  if (view.routeHint === 'connecting') return 'Connecting directly…';
  if (view.routeHint === 'relay') return 'Going through the relay';
  return null;
}

export const isFinished = (state: DownloadState) => state === 'saved' || state === 'failed' || state === 'cancelled';
export const canPause = (state: DownloadState) =>
  state === 'downloading' || state === 'waiting-owner' || state === 'waiting-connection' || state === 'needs-repick';
export const canResume = (state: DownloadState) => state === 'paused';
export const canCancel = (state: DownloadState) => !isFinished(state) && state !== 'checking';

/** Whole percent done, 0-100; an empty file is 100 once saved. */
export function percentDone(view: Pick<DownloadView, 'bytesDone' | 'totalBytes' | 'state'>): number {
  if (view.totalBytes <= 0) return view.state === 'saved' ? 100 : 0;
  return Math.min(100, Math.floor((view.bytesDone / view.totalBytes) * 100));
}

/** "12 s left", "4 min left", "2 h 5 min left". */
export function formatTimeLeft(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} s left`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return `${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h left` : `${hours} h ${rest} min left`;
}
