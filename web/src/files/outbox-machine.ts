import type { ErrorCode, FileOffer, Rejection } from '@ferry/common';

/*
 * The files this tab asked to share and the host has not answered yet, as a pure machine. A request
 * is re-sent with the same reqId (the host answers a resend idempotently) until an answer comes or
 * `maxTries` sends went unanswered. Nothing is sent while the connection is down: the tries would
 * only be wasted, and every open request goes again once the connection is back.
 */

export interface OutboxOptions {
  resendAfterMs: number;
  maxTries: number;
}

export const DEFAULT_OUTBOX: OutboxOptions = { resendAfterMs: 4_000, maxTries: 5 };

export type RequestStatus =
  /** Sent (or waiting for the connection to send it) and unanswered. */
  | { kind: 'sending'; tries: number }
  /** The daemon said the host is offline; it goes again when the host is back. */
  | { kind: 'held' }
  | { kind: 'failed'; message: string };

export interface OutgoingRequest {
  reqId: string;
  offers: readonly FileOffer[];
  status: RequestStatus;
}

export interface RejectedFile {
  offer: FileOffer;
  reason: string;
}

export interface OutboxState {
  isConnected: boolean;
  requests: readonly OutgoingRequest[];
  rejected: readonly RejectedFile[];
}

export type OutboxEvent =
  | { type: 'add'; reqId: string; offers: readonly FileOffer[] }
  /** Files refused before sending (the schema would not carry them). */
  | { type: 'refuse'; rejected: readonly RejectedFile[] }
  | { type: 'resend-due'; reqId: string }
  | { type: 'answered'; reqId: string; acceptedIds: readonly string[]; rejected: readonly Rejection[] }
  | { type: 'error'; reqId: string; code: ErrorCode; message: string }
  | { type: 'connection-ready' }
  | { type: 'connection-lost' }
  | { type: 'host-online' }
  | { type: 'retry'; reqId: string }
  | { type: 'dismiss-request'; reqId: string }
  | { type: 'dismiss-rejected'; fileId: string };

export type OutboxEffect =
  | { type: 'send'; reqId: string; offers: readonly FileOffer[] }
  | { type: 'schedule'; reqId: string; delayMs: number }
  | { type: 'cancel'; reqId: string }
  /** These local files will never be shared: drop the File objects. */
  | { type: 'forget'; fileIds: readonly string[] };

export interface OutboxTransition {
  state: OutboxState;
  effects: OutboxEffect[];
}

export const emptyOutbox: OutboxState = { isConnected: false, requests: [], rejected: [] };

export const GAVE_UP_MESSAGE = 'The host did not answer, so these files were not shared.';
const NOT_ACCEPTED = 'the host did not accept it';

function replace(state: OutboxState, request: OutgoingRequest): OutboxState {
  return { ...state, requests: state.requests.map((r) => (r.reqId === request.reqId ? request : r)) };
}

function sendNow(request: OutgoingRequest, options: OutboxOptions): OutboxEffect[] {
  return [
    { type: 'send', reqId: request.reqId, offers: request.offers },
    { type: 'schedule', reqId: request.reqId, delayMs: options.resendAfterMs },
  ];
}

/** Starts a request over from its first try; it is sent only if the connection is up. */
function restart(state: OutboxState, request: OutgoingRequest, options: OutboxOptions): OutboxTransition {
  const next: OutgoingRequest = { ...request, status: { kind: 'sending', tries: state.isConnected ? 1 : 0 } };
  return { state: replace(state, next), effects: state.isConnected ? sendNow(next, options) : [] };
}

export function outboxTransition(
  state: OutboxState,
  event: OutboxEvent,
  options: OutboxOptions = DEFAULT_OUTBOX,
): OutboxTransition {
  const find = (reqId: string) => state.requests.find((r) => r.reqId === reqId);
  switch (event.type) {
    case 'add': {
      if (find(event.reqId) || event.offers.length === 0) return { state, effects: [] };
      const request: OutgoingRequest = {
        reqId: event.reqId,
        offers: event.offers,
        status: { kind: 'sending', tries: 0 },
      };
      return restart({ ...state, requests: [...state.requests, request] }, request, options);
    }
    case 'refuse':
      return { state: { ...state, rejected: [...state.rejected, ...event.rejected] }, effects: [] };
    case 'resend-due': {
      const request = find(event.reqId);
      if (!request || request.status.kind !== 'sending' || !state.isConnected) return { state, effects: [] };
      if (request.status.tries >= options.maxTries) {
        return {
          state: replace(state, { ...request, status: { kind: 'failed', message: GAVE_UP_MESSAGE } }),
          effects: [],
        };
      }
      const next: OutgoingRequest = { ...request, status: { kind: 'sending', tries: request.status.tries + 1 } };
      return { state: replace(state, next), effects: sendNow(next, options) };
    }
    case 'answered': {
      const request = find(event.reqId);
      if (!request) return { state, effects: [] };
      const accepted = new Set(event.acceptedIds);
      const reasons = new Map(event.rejected.map((r) => [r.id, r.reason]));
      const rejected: RejectedFile[] = request.offers
        .filter((offer) => !accepted.has(offer.id))
        .map((offer) => ({ offer, reason: reasons.get(offer.id) ?? NOT_ACCEPTED }));
      return {
        state: {
          ...state,
          requests: state.requests.filter((r) => r.reqId !== event.reqId),
          rejected: [...state.rejected, ...rejected],
        },
        effects: [
          { type: 'cancel', reqId: event.reqId },
          ...(rejected.length > 0 ? [{ type: 'forget' as const, fileIds: rejected.map((r) => r.offer.id) }] : []),
        ],
      };
    }
    case 'error': {
      const request = find(event.reqId);
      if (!request || request.status.kind !== 'sending') return { state, effects: [] };
      // Dropped by the daemon's rate limit: the resend timer already covers it.
      if (event.code === 'RATE_LIMITED') return { state, effects: [] };
      const status: RequestStatus =
        event.code === 'MASTER_OFFLINE'
          ? { kind: 'held' }
          : { kind: 'failed', message: describeError(event.code, event.message) };
      return { state: replace(state, { ...request, status }), effects: [{ type: 'cancel', reqId: event.reqId }] };
    }
    case 'connection-ready': {
      let next: OutboxState = { ...state, isConnected: true };
      const effects: OutboxEffect[] = [];
      for (const request of next.requests) {
        // Held requests go too: the register ACK says whether the host is online, and if it is
        // not the daemon answers MASTER_OFFLINE again at once.
        if (request.status.kind === 'failed') continue;
        const step = restart(next, request, options);
        next = step.state;
        effects.push(...step.effects);
      }
      return { state: next, effects };
    }
    case 'connection-lost': {
      const effects: OutboxEffect[] = state.requests
        .filter((r) => r.status.kind === 'sending')
        .map((r) => ({ type: 'cancel', reqId: r.reqId }));
      return { state: { ...state, isConnected: false }, effects };
    }
    case 'host-online': {
      let next = state;
      const effects: OutboxEffect[] = [];
      for (const request of state.requests) {
        if (request.status.kind !== 'held') continue;
        const step = restart(next, request, options);
        next = step.state;
        effects.push(...step.effects);
      }
      return { state: next, effects };
    }
    case 'retry': {
      const request = find(event.reqId);
      if (!request || request.status.kind !== 'failed') return { state, effects: [] };
      return restart(state, request, options);
    }
    case 'dismiss-request': {
      const request = find(event.reqId);
      if (!request) return { state, effects: [] };
      return {
        state: { ...state, requests: state.requests.filter((r) => r.reqId !== event.reqId) },
        effects: [
          { type: 'cancel', reqId: event.reqId },
          { type: 'forget', fileIds: request.offers.map((o) => o.id) },
        ],
      };
    }
    case 'dismiss-rejected':
      return { state: { ...state, rejected: state.rejected.filter((r) => r.offer.id !== event.fileId) }, effects: [] };
    default:
      return assertNever(event);
  }
}

function describeError(code: ErrorCode, message: string): string {
  switch (code) {
    case 'LIMIT_EXCEEDED':
      return `The room cannot take more files: ${message}`;
    case 'NOT_APPROVED':
      return 'You are not in the room any more, so these files were not shared.';
    default:
      return `These files were not shared: ${message}`;
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected outbox event ${JSON.stringify(value)}`);
}

/** Offers still waiting for the host's answer (for showing them as "Sending"). */
export function pendingOffers(state: OutboxState): FileOffer[] {
  return state.requests.filter((r) => r.status.kind !== 'failed').flatMap((r) => [...r.offers]);
}
