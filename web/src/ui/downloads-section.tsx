import type { ClientInfo } from '@ferry/common';
import { formatBytes } from '../files/format';
import type { ViewStore } from '../session/view-store';
import {
  canCancel,
  canPause,
  canResume,
  formatTimeLeft,
  isFinished,
  percentDone,
  relayBusyText,
  routeText,
  statusText,
  type DownloadView,
  type DownloadsView,
} from '../transfers/download-view';
import { useRef } from 'preact/hooks';
import { useFocusRescue } from '../hooks/use-focus-rescue';
import { useView } from '../hooks/use-view';
import { PersonName } from './person-name';

export interface DownloadActions {
  pause(id: string): void;
  resume(id: string): void;
  cancel(id: string): void;
  clearFinished(): void;
}

interface Props {
  downloads: DownloadsView;
  actions: DownloadActions;
  /** The room's people, to name whom each download comes from. */
  people?: readonly ClientInfo[];
}

const NOBODY: readonly ClientInfo[] = [];

/** The section, kept up to date by the downloads' own store (progress changes several times a second). */
export function LiveDownloadsSection({
  store,
  actions,
  people = NOBODY,
}: {
  store: ViewStore<DownloadsView>;
  actions: DownloadActions;
  people?: readonly ClientInfo[];
}) {
  return <DownloadsSection downloads={useView(store)} actions={actions} people={people} />;
}

function stateClass(view: DownloadView): string {
  if (view.state === 'failed') return 'download-status download-status-error';
  if (view.state === 'saved') return 'download-status download-status-ok';
  return 'download-status';
}

/**
 * One download: name, whom from, progress bar, bytes, speed and time left, route, state, and its
 * controls. `ownerName`: the owner's name, null once they left the room.
 */
export function DownloadItem({
  view,
  actions,
  ownerName = null,
}: {
  view: DownloadView;
  actions: DownloadActions;
  ownerName?: string | null;
}) {
  const percent = percentDone(view);
  const isRunning = view.state === 'downloading';
  // Pause and Resume are one button that changes its word, so the focus stays on it when pressed
  // (a button that is taken away would drop the keyboard's focus to the page).
  const toggle = canPause(view.state)
    ? { word: 'Pause', run: () => actions.pause(view.id) }
    : canResume(view.state)
      ? { word: 'Resume', run: () => actions.resume(view.id) }
      : null;
  // When its controls go (finished, cancelled), the focus stays on the download itself.
  const itemRef = useRef<HTMLLIElement>(null);
  const rescue = useFocusRescue(() => itemRef.current);
  return (
    <li ref={itemRef} tabIndex={-1} class={`download download-${view.state}`} {...rescue}>
      <div class="download-head">
        <span class="download-name">
          {view.kind === 'folder' ? <span class="folder-icon" aria-hidden="true" /> : null}
          <span class="name-text">{view.name}</span>
        </span>
        <span class={stateClass(view)}> {statusText(view)}</span>
      </div>
      <div
        class="progress"
        role="progressbar"
        aria-label={`${view.name} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        {/* A style object, set through the CSSOM: the CSP forbids style attributes. */}
        <div class="progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <div class="download-meta">
        <span class="download-from">
          from <PersonName name={ownerName ?? 'someone who left'} publicId={view.owner} />
        </span>
        {' · '}
        {[
          `${formatBytes(view.bytesDone)} of ${formatBytes(view.totalBytes)}`,
          isRunning && view.bytesPerSecond > 0 ? `${formatBytes(view.bytesPerSecond)}/s` : null,
          isRunning && view.secondsLeft !== null ? formatTimeLeft(view.secondsLeft) : null,
          routeText(view),
        ]
          .filter((part): part is string => part !== null)
          .join(' · ')}
      </div>
      {view.relayBusy ? (
        <div role="status" class="download-notice">
          {relayBusyText(view.relayBusy)}
        </div>
      ) : null}
      {isFinished(view.state) ? null : (
        <div class="download-actions">
          {toggle ? (
            <button
              key="toggle"
              type="button"
              class="button button-small"
              aria-label={`${toggle.word} ${view.name}`}
              onClick={toggle.run}
            >
              {toggle.word}
            </button>
          ) : null}
          {canCancel(view.state) ? (
            <button
              type="button"
              class="button button-small"
              aria-label={`Cancel ${view.name}`}
              onClick={() => actions.cancel(view.id)}
            >
              Cancel
            </button>
          ) : null}
        </div>
      )}
    </li>
  );
}

/** "Downloads": every download of this tab, newest last; shown once there is one. */
export function DownloadsSection({ downloads, actions, people = NOBODY }: Props) {
  if (downloads.items.length === 0) return null;
  const names = new Map(people.map((person) => [person.publicId, person.name]));
  const hasFinished = downloads.items.some((item) => isFinished(item.state));
  return (
    <section class="card downloads-section" aria-labelledby="downloads-title">
      <div class="section-head">
        <h2 id="downloads-title">Downloads</h2>
        {hasFinished ? (
          <button type="button" class="button button-small" onClick={() => actions.clearFinished()}>
            Clear finished
          </button>
        ) : null}
      </div>
      <ul class="downloads">
        {downloads.items.map((view) => (
          <DownloadItem key={view.id} view={view} actions={actions} ownerName={names.get(view.owner) ?? null} />
        ))}
      </ul>
    </section>
  );
}
