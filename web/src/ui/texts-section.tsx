import type { ClientInfo } from '@ferry/common';
import { useMemo, useState } from 'preact/hooks';
import { linkOf, pendingTextPosts, rejectedTextPosts, textPosts } from '../files/text-posts';
import type { SessionView } from '../session/session-view';
import { PersonName } from './person-name';

export interface TextActions {
  /** Why the text cannot be posted, or null once it is on its way. */
  postText(text: string): string | null;
  removeFile(fileId: string): void;
  dismissRejected(fileId: string): void;
  /** The host's app only: take down a text someone else posted. */
  removeOthersText?(fileId: string): void;
}

interface Props {
  view: SessionView;
  actions: TextActions;
  /** The clipboard to copy into (the browser's by default); null when there is none. For tests. */
  clipboard?: Pick<Clipboard, 'writeText'> | null;
}

const COPY_UNAVAILABLE =
  'This browser does not let the page copy here (the room is not on https). Select the text and copy it by hand.';

/** The browser's clipboard: browsers leave navigator.clipboard out on insecure (plain-HTTP) pages. */
function browserClipboard(): Pick<Clipboard, 'writeText'> | null {
  return typeof navigator === 'undefined' ? null : (navigator.clipboard ?? null);
}

/**
 * "Texts": short texts anyone in the room posted (a link, a password, a snippet). Every text is
 * rendered as text, never as HTML; a text that is one http(s) URL also gets an "Open" link that
 * cannot reach the page that opened it (rel="noopener noreferrer").
 */
export function TextsSection({ view, actions, clipboard = browserClipboard() }: Props) {
  const { room, removing, outbox } = view;
  const posts = useMemo(() => textPosts(room.files), [room.files]);
  const pending = useMemo(() => pendingTextPosts(outbox, room.files), [outbox, room.files]);
  const rejected = useMemo(() => rejectedTextPosts(outbox), [outbox]);
  const people = useMemo(() => new Map(room.clients.map((c) => [c.publicId, c])), [room.clients]);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [copied, setCopied] = useState<{ id: string; message: string } | null>(null);

  const post = (event: Event) => {
    event.preventDefault();
    const refusal = actions.postText(draft);
    setProblem(refusal);
    if (refusal === null) setDraft('');
  };

  const copy = (id: string, text: string) => {
    if (!clipboard) return setCopied({ id, message: COPY_UNAVAILABLE });
    clipboard.writeText(text).then(
      () => setCopied({ id, message: 'Copied.' }),
      () => setCopied({ id, message: COPY_UNAVAILABLE }),
    );
  };

  return (
    <section class="card texts-section" aria-labelledby="texts-title">
      <h2 id="texts-title">Texts</h2>
      <form class="text-composer" onSubmit={post}>
        <label for="text-draft">Post a text</label>
        <textarea
          id="text-draft"
          rows={3}
          value={draft}
          placeholder="A link, a password, a snippet…"
          onInput={(event) => setDraft(event.currentTarget.value)}
        />
        <button type="submit" class="button button-small" disabled={draft.trim().length === 0}>
          Post
        </button>
        {problem ? (
          <p role="alert" class="file-status-error">
            {problem}
          </p>
        ) : null}
      </form>
      {pending.length + rejected.length > 0 ? (
        <ul class="text-posts text-posts-own">
          {pending.map((offer) => (
            <li key={offer.id} class="text-post">
              <pre class="text-post-body">{offer.text}</pre>
              <span class="file-status file-status-pending">Posting…</span>
            </li>
          ))}
          {rejected.map(({ offer, reason }) => (
            <li key={offer.id} class="text-post">
              <pre class="text-post-body" id={`text-${offer.id}`}>
                {offer.text}
              </pre>
              <span class="file-status file-status-error">Not posted: {reason}</span>
              <span class="file-actions">
                <button
                  type="button"
                  class="button button-small"
                  aria-describedby={`text-${offer.id}`}
                  onClick={() => actions.dismissRejected(offer.id)}
                >
                  Dismiss
                </button>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {posts.length === 0 ? (
        <p class="empty">No texts yet.</p>
      ) : (
        <ul class="text-posts">
          {posts.map((post) => {
            const author: ClientInfo | undefined = people.get(post.owner);
            const isOwn = post.owner === room.selfId;
            const link = linkOf(post.text);
            return (
              <li key={post.id} class="text-post">
                <span class="text-post-author">
                  {isOwn ? 'You' : author ? <PersonName name={author.name} publicId={author.publicId} /> : 'Someone'}
                </span>
                <pre class="text-post-body" id={`text-${post.id}`}>
                  {post.text}
                </pre>
                <span class="file-actions">
                  <button
                    type="button"
                    class="button button-small"
                    aria-describedby={`text-${post.id}`}
                    onClick={() => copy(post.id, post.text)}
                  >
                    Copy
                  </button>
                  {link ? (
                    <a class="button button-small" href={link} target="_blank" rel="noopener noreferrer">
                      Open link
                    </a>
                  ) : null}
                  {!isOwn && actions.removeOthersText ? (
                    <button
                      type="button"
                      class="button button-small"
                      aria-describedby={`text-${post.id}`}
                      onClick={() => actions.removeOthersText?.(post.id)}
                    >
                      Remove
                    </button>
                  ) : null}
                  {isOwn ? (
                    <button
                      type="button"
                      class="button button-small"
                      aria-describedby={`text-${post.id}`}
                      disabled={removing.has(post.id)}
                      onClick={() => actions.removeFile(post.id)}
                    >
                      {removing.has(post.id) ? 'Removing…' : 'Remove'}
                    </button>
                  ) : null}
                </span>
                {copied?.id === post.id ? (
                  <span class="file-status" aria-live="polite">
                    {copied.message}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
