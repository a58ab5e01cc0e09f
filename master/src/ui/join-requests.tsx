import type { ClientInfo } from '@ferry/common';
import { PresenceText } from '@ferry/web/ui/people-list';
import { PersonName } from '@ferry/web/ui/person-name';
import { useFocusRescue } from '@ferry/web/hooks/use-focus-rescue';
import { useRef } from 'preact/hooks';

interface Props {
  pending: readonly ClientInfo[];
  onApprove: (publicId: string) => void;
  onReject: (publicId: string) => void;
  /** Turns every request away at once (a flood of them must not take one click each). */
  onRejectAll: () => void;
}

/**
 * People asking to join, each with its code (the host may ask "is your code 7F3A?" first), Approve
 * and Reject; with two or more, Reject all.
 */
export function JoinRequests({ pending, onApprove, onReject, onRejectAll }: Props) {
  // An answered request leaves the list with its buttons: the focus goes to the next request's
  // Approve button, or to the heading once none is left.
  const sectionRef = useRef<HTMLElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const rescue = useFocusRescue(
    () => sectionRef.current?.querySelector<HTMLElement>('.person-actions button') ?? headingRef.current,
  );
  return (
    <section ref={sectionRef} class="card" aria-labelledby="requests-title" {...rescue}>
      <h2 id="requests-title" ref={headingRef} tabIndex={-1}>
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
                <PersonName name={person.name} publicId={person.publicId} id={`request-${person.publicId}`} />
              </span>
              <PresenceText isOnline={person.online} />
              <span class="person-actions">
                <button
                  type="button"
                  class="button button-small button-primary"
                  aria-label={`Approve ${person.name}`}
                  aria-describedby={`request-${person.publicId}`}
                  onClick={() => onApprove(person.publicId)}
                >
                  Approve
                </button>
                <button
                  type="button"
                  class="button button-small"
                  aria-label={`Reject ${person.name}`}
                  aria-describedby={`request-${person.publicId}`}
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
