import type { ComponentChildren } from 'preact';
import { approvedPeople } from '../room/room-store';
import type { SessionView } from '../session/session-view';
import { FilesSection, type FileActions } from './files-section';
import { PeopleList } from './people-list';

interface Props {
  view: SessionView;
  actions: FileActions;
  /** Shown above the people (the host's join link and requests). */
  aside?: ComponentChildren;
  people?: ComponentChildren;
}

/** The room: people beside the files on wide screens, above them on a phone. */
export function RoomLayout({ view, actions, aside, people }: Props) {
  return (
    <div class="room">
      <div class="room-side">
        {aside}
        {people ?? (
          <section class="card" aria-labelledby="people-title">
            <h2 id="people-title">People</h2>
            <PeopleList
              people={approvedPeople(view.room)}
              selfId={view.room.selfId}
              emptyText="Nobody else is here yet."
            />
          </section>
        )}
      </div>
      <div class="room-files">
        <FilesSection view={view} actions={actions} />
      </div>
    </div>
  );
}
