import type { ClientInfo } from '@ferry/common';
import type { ComponentChildren } from 'preact';
import { PersonName } from './person-name';

interface Props {
  people: readonly ClientInfo[];
  selfId: string | null;
  /** Extra controls for one person (the host's Remove button). */
  actions?: (person: ClientInfo) => ComponentChildren;
  emptyText: string;
}

export function PresenceText({ isOnline }: { isOnline: boolean }) {
  return (
    <span class={isOnline ? 'presence presence-online' : 'presence presence-offline'}>
      {isOnline ? 'online' : 'offline'}
    </span>
  );
}

/** People as a list: names are text, never markup, each with its code (person-name.tsx). */
export function PeopleList({ people, selfId, actions, emptyText }: Props) {
  if (people.length === 0) return <p class="empty">{emptyText}</p>;
  return (
    <ul class="people">
      {people.map((person) => (
        <li key={person.publicId} class="person">
          <span class="person-name">
            <PersonName name={person.name} publicId={person.publicId} />
            {person.publicId === selfId ? <span class="muted"> (you)</span> : null}
            {person.isMaster ? <span class="tag">Host</span> : null}
          </span>
          <PresenceText isOnline={person.online} />
          {actions ? <span class="person-actions">{actions(person)}</span> : null}
        </li>
      ))}
    </ul>
  );
}
