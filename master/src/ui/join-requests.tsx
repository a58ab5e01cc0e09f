import type { ClientInfo } from '@ferry/common';
import { PresenceText } from '@ferry/web/ui/people-list';

interface Props {
  pending: readonly ClientInfo[];
  onApprove: (publicId: string) => void;
  onReject: (publicId: string) => void;
  /** Turns every request away at once (a flood of them must not take one click each). */
  onRejectAll: () => void;
}

/** People asking to join, each with Approve and Reject; with two or more, Reject all. */
export function JoinRequests({ pending, onApprove, onReject, onRejectAll }: Props) {
  return (
    <section class="card" aria-labelledby="requests-title">
      <h2 id="requests-title">
        Join requests
        {pending.length > 0 ? (
          <>
            {' '}
            <span class="count">{pending.length}</span>
          </>
        ) : null}
      </h2>
      {pending.length === 0 ? (
        <p class="empty">No one is waiting. Share the join link above; requests show up here.</p>
      ) : (
        <ul class="people">
          {pending.map((person) => (
            <li key={person.publicId} class="person">
              <span class="person-name">
                <span class="name-text">{person.name}</span>
              </span>
              <PresenceText isOnline={person.online} />
              <span class="person-actions">
                <button
                  type="button"
                  class="button button-small button-primary"
                  aria-label={`Approve ${person.name}`}
                  onClick={() => onApprove(person.publicId)}
                >
                  Approve
                </button>
                <button
                  type="button"
                  class="button button-small"
                  aria-label={`Reject ${person.name}`}
                  onClick={() => onReject(person.publicId)}
                >
                  Reject
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {pending.length > 1 ? (
        <p class="person-actions">
          <button
            type="button"
            class="button button-small"
            aria-label={`Reject all ${pending.length} join requests`}
            onClick={onRejectAll}
          >
            Reject all
          </button>
        </p>
      ) : null}
    </section>
  );
}
