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
import { useView } from '../hooks/use-view';

export interface DownloadActions {
  pause(id: string): void;
  resume(id: string): void;
  cancel(id: string): void;
  clearFinished(): void;
}

interface Props {
  downloads: DownloadsView;
  actions: DownloadActions;
}

/** The section, kept up to date by the downloads' own store (progress changes several times a second). */
export function LiveDownloadsSection({
  store,
  actions,
}: {
  store: ViewStore<DownloadsView>;
  actions: DownloadActions;
}) {
  return <DownloadsSection downloads={useView(store)} actions={actions} />;
}

function stateClass(view: DownloadView): string {
  if (view.state === 'failed') return 'download-status download-status-error';
  if (view.state === 'saved') return 'download-status download-status-ok';
  return 'download-status';
}

/** One download: name, progress bar, bytes, speed and time left, route, state, and its controls. */
export function DownloadItem({ view, actions }: { view: DownloadView; actions: DownloadActions }) {
  const percent = percentDone(view);
  const isRunning = view.state === 'downloading';
  return (
    <li class={`download download-${view.state}`}>
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
          {canPause(view.state) ? (
            <button
              type="button"
              class="button button-small"
              aria-label={`Pause ${view.name}`}
              onClick={() => actions.pause(view.id)}
            >
              Pause
            </button>
          ) : null}
          {canResume(view.state) ? (
            <button
              type="button"
              class="button button-small"
              aria-label={`Resume ${view.name}`}
              onClick={() => actions.resume(view.id)}
            >
              Resume
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
export function DownloadsSection({ downloads, actions }: Props) {
  if (downloads.items.length === 0) return null;
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
          <DownloadItem key={view.id} view={view} actions={actions} />
        ))}
      </ul>
    </section>
  );
}
