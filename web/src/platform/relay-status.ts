import type { RelayGetOutcome, RelayPutOutcome } from '../transfers/transfer-platform';

// What the relay's HTTP answers mean to this tab's transfers (docs/PROTOCOL.md, section 11).

/** Refused for now: the relay is full (507) or this peer is over its byte rate (429). */
const isBusyStatus = (status: number) => status === 507 || status === 429;

/** What a PUT's HTTP status means to the uploader. */
export function putOutcome(status: number): RelayPutOutcome {
  if (status >= 200 && status < 300) return 'ok';
  if (isBusyStatus(status)) return 'busy';
  return status >= 500 ? 'retry' : 'gone';
}

/** What a failed GET's HTTP status means to the downloader. */
export function getFailure(status: number): Exclude<RelayGetOutcome, { bytes: Uint8Array }> {
  if (isBusyStatus(status)) return 'busy';
  // Not there (yet, or any more), or the daemon failing: the engine asks again when it times out.
  return status === 404 || status >= 500 ? 'missing' : 'gone';
}
