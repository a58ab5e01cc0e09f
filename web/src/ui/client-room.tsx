import type { ComponentChildren } from 'preact';
import { approvedPeople } from '../room/room-reducer';
import type { SessionView } from '../session/session-view';
import type { DownloadManager } from '../transfers/download-manager';
import type { RelayBusyView } from '../transfers/relay-busy';
import type { ViewStore } from '../session/view-store';
import { LiveDownloadsSection } from './downloads-section';
import { FilesSection, type FileActions } from './files-section';
import { TextsSection, type TextActions } from './texts-section';
import { PeopleList } from './people-list';
import { RelayBusyStatus } from './relay-busy-status';
import { useMemo, useRef } from 'preact/hooks';
import { DirectOffers, hasDirectOffers, SendToButton } from './direct-offers';
import { useFocusRescue } from '../hooks/use-focus-rescue';
import { useView } from '../hooks/use-view';
import type { UploadsView } from '../transfers/uploads-publisher';
import { UploadsContext } from './file-uploads';
import { UploadsStatus } from './uploads-status';

interface Props {
  view: SessionView;
  actions: FileActions & TextActions;
  downloads: DownloadManager;
  /** Whether the relay holds this tab's transfers back (a calm status line above the downloads). */
  relayBusy?: ViewStore<RelayBusyView>;
  /** Who downloads from this tab: shown on our file rows, with a line asking to keep the tab open. */
  uploads?: ViewStore<UploadsView>;
  /** Shown above the people (the host's join link and requests). */
  aside?: ComponentChildren;
  people?: ComponentChildren;
  /** Below the people: how to get out (a guest's "Leave room", the host's "End room"). */
  exit?: ComponentChildren;
}

/** The room: people beside the downloads and files on wide screens, above them on a phone. */
/** Gives the file rows the uploads view as it changes. */
function LiveUploads({ store, children }: { store: ViewStore<UploadsView>; children: ComponentChildren }) {
  return <UploadsContext.Provider value={useView(store)}>{children}</UploadsContext.Provider>;
}

/**
 * The room's shared list without files sent to one person: those are asked about and followed in
 * DirectOffers, never offered to the room.
 */
function withoutDirectOffers(view: SessionView): SessionView {
  if (!view.room.files.some((f) => f.to !== undefined)) return view;
  return { ...view, room: { ...view.room, files: view.room.files.filter((f) => f.to === undefined) } };
}

export function RoomLayout({ view, actions, downloads, relayBusy, uploads, aside, people, exit }: Props) {
  const busyFileIds = useView(downloads.busy);
  const roomView = useMemo(() => withoutDirectOffers(view), [view]);
  const direct = hasDirectOffers(actions) ? actions : null;
  const directOffers = direct ? (
    <DirectOffers
      files={view.room.files}
      clients={view.room.clients}
      selfId={view.room.selfId}
      declined={view.declinedSends}
      accepted={view.acceptedOffers}
      acceptedSends={view.acceptedSends}
      actions={direct}
    />
  ) : null;
  // A Download button waits (disabled) while its download runs: the focus goes to that download,
  // the newest of the list, instead of falling to the page body.
  const filesRef = useRef<HTMLDivElement>(null);
  const rescue = useFocusRescue(() => filesRef.current?.querySelector<HTMLElement>('.downloads > li:last-child'));
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
              {...(direct
                ? {
                    actions: (person) =>
                      person.publicId === view.room.selfId ? null : (
                        <SendToButton person={person} onPick={(picked) => direct.sendFiles(person.publicId, picked)} />
                      ),
                  }
                : {})}
            />
          </section>
        )}
        {exit ? <div class="card room-exit">{exit}</div> : null}
      </div>
      <div class="room-files" ref={filesRef} {...rescue}>
        {uploads ? <LiveUploads store={uploads}>{directOffers}</LiveUploads> : directOffers}
        {relayBusy ? <RelayBusyStatus store={relayBusy} /> : null}
        {uploads ? <UploadsStatus store={uploads} /> : null}
        <LiveDownloadsSection store={downloads.view} actions={downloads} people={view.room.clients} />
        <TextsSection view={view} actions={actions} />
        {uploads ? (
          <LiveUploads store={uploads}>
            <FilesSection view={roomView} actions={actions} busyFileIds={busyFileIds} />
          </LiveUploads>
        ) : (
          <FilesSection view={roomView} actions={actions} busyFileIds={busyFileIds} />
        )}
      </div>
    </div>
  );
}
