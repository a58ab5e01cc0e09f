import { FileOffer, limits, textPostProblem, utf8ByteCount, type FileInfo } from '@ferry/common';
import type { OutboxState, RejectedFile } from './outbox-machine';

/** The name every text post is listed under: its text, not its name, is what the apps show. */
export const TEXT_POST_NAME = 'Text';

/**
 * A text post as the wire carries it, or why it cannot be posted (in words for the composer).
 * Line ends become `\n` (a pasted Windows text has `\r\n`, which the wire refuses).
 */
export function textPostOffer(typed: string, id: string): FileOffer | string {
  const text = typed.replace(/\r\n?/g, '\n');
  if (text.trim().length === 0) return 'Type something to post.';
  const offer: FileOffer = {
    id,
    name: TEXT_POST_NAME,
    size: utf8ByteCount(text),
    mime: 'text/plain',
    chunkSize: limits.DEFAULT_CHUNK_BYTES,
    text,
  };
  if (FileOffer.safeParse(offer).success && textPostProblem(offer) === null) return offer;
  if (utf8ByteCount(text) > limits.MAX_TEXT_POST_BYTES || [...text].length > limits.MAX_TEXT_POST_CHARS)
    return `A text can be at most ${limits.MAX_TEXT_POST_CHARS.toLocaleString('en')} characters.`;
  return 'This text has invisible control characters that cannot be posted.';
}

/** The text posts of a room, oldest first (the room's order). */
export function textPosts(files: readonly FileInfo[]): (FileInfo & { text: string })[] {
  return files.filter((file): file is FileInfo & { text: string } => file.text !== undefined);
}

/**
 * The URL to make a link of, when the whole text is one http(s) URL; anything else (a
 * `javascript:` text, a sentence with a link in it) stays plain text only.
 */
export function linkOf(text: string): string | null {
  const trimmed = text.trim();
  if (!/^https?:\/\/\S+$/i.test(trimmed)) return null;
  try {
    const url = new URL(trimmed);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Our text posts on their way to the host, not listed yet (shown as "Posting…"). */
export function pendingTextPosts(outbox: OutboxState, listed: readonly FileInfo[]): FileOffer[] {
  const listedIds = new Set(listed.map((file) => file.id));
  return outbox.requests.flatMap((request) =>
    request.offers.filter((offer) => offer.text !== undefined && !listedIds.has(offer.id)),
  );
}

/** Our text posts the host turned down, with why. */
export function rejectedTextPosts(outbox: OutboxState): RejectedFile[] {
  return outbox.rejected.filter((rejected) => rejected.offer.text !== undefined);
}

/**
 * The outbox without text posts, for the files list: texts are shown (sending, rejected) in their
 * own section. The same object when it holds none, so the files list is not regrouped for nothing.
 */
export function withoutTextPosts(outbox: OutboxState): OutboxState {
  const hasText = (offer: FileOffer) => offer.text !== undefined;
  if (!outbox.requests.some((r) => r.offers.some(hasText)) && !outbox.rejected.some((r) => hasText(r.offer)))
    return outbox;
  return {
    ...outbox,
    requests: outbox.requests
      .map((request) =>
        request.offers.some(hasText) ? { ...request, offers: request.offers.filter((o) => !hasText(o)) } : request,
      )
      .filter((request) => request.offers.length > 0),
    rejected: outbox.rejected.filter((rejected) => !hasText(rejected.offer)),
  };
}
