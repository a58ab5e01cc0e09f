import type { ClientInfo } from '@ferry/common';
import { PeopleList } from '@ferry/web/ui/people-list';
import { SendToButton } from '@ferry/web/ui/direct-offers';
import type { PickedFile } from '@ferry/web/files/offers';
import { useFocusRescue } from '@ferry/web/hooks/use-focus-rescue';
import { useRef } from 'preact/hooks';

interface Props {
  approved: readonly ClientInfo[];
  rejected: readonly ClientInfo[];
  selfId: string | null;
  onRemove: (publicId: string) => void;
  onApprove: (publicId: string) => void;
  /** Files picked to send to one person (FileOffer.to). */
  onSendTo?: (publicId: string, picked: PickedFile[]) => void;
}

/** The people in the room, with Remove; below them, whoever was turned away, with Approve. */
export function MasterPeople({ approved, rejected, selfId, onRemove, onApprove, onSendTo }: Props) {
  // Someone removed or let in leaves their list with its button: the focus goes to the heading.
  const headingRef = useRef<HTMLHeadingElement>(null);
  const rescue = useFocusRescue(() => headingRef.current);
  return (
    <div {...rescue}>
      <section class="card" aria-labelledby="people-title">
        <h2 id="people-title" ref={headingRef} tabIndex={-1}>
          People
        </h2>
        <PeopleList
          people={approved}
          selfId={selfId}
          emptyText="Only you so far. Approve a join request to let someone in."
          actions={(person) =>
            person.isMaster || person.publicId === selfId ? null : (
              <>
                {onSendTo ? (
                  <SendToButton person={person} onPick={(picked) => onSendTo(person.publicId, picked)} />
                ) : null}
                <button
                  type="button"
                  class="button button-small"
                  aria-label={`Remove ${person.name}`}
                  onClick={() => onRemove(person.publicId)}
                >
                  Remove
                </button>
              </>
            )
          }
        />
      </section>
      {rejected.length > 0 ? (
        <section class="card" aria-labelledby="rejected-title">
          <h2 id="rejected-title">Not admitted</h2>
          <PeopleList
            people={rejected}
            selfId={selfId}
            emptyText=""
            actions={(person) => (
              <button
                type="button"
                class="button button-small"
                aria-label={`Approve ${person.name}`}
                onClick={() => onApprove(person.publicId)}
              >
                Approve
              </button>
            )}
          />
        </section>
      ) : null}
    </div>
  );
}
