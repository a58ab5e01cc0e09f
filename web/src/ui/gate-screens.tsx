import { Card } from './shell';

/** The screens between the join form and the room. */

/** `busy`: why the daemon made us wait (too many people connecting at once), when it did. */
export function ConnectingScreen({ busy = null }: { busy?: string | null }) {
  return (
    <Card>
      <h2>Connecting…</h2>
      {busy === null ? (
        <p class="muted">Reaching the room. This page keeps trying by itself.</p>
      ) : (
        <p role="status" class="banner banner-info">
          {busy}
        </p>
      )}
    </Card>
  );
}

export function WaitingScreen({ name, onLeave }: { name: string; onLeave: () => void }) {
  return (
    <Card>
      <h2>Waiting for the host</h2>
      <p>
        You asked to join as <strong class="name-text">{name}</strong>. The host sees your request and lets you in; this
        page changes by itself when they do.
      </p>
      <button type="button" class="button" onClick={onLeave}>
        Cancel and leave
      </button>
    </Card>
  );
}

export function NotAdmittedScreen({ onLeave }: { onLeave: () => void }) {
  return (
    <Card>
      <h2>Not admitted</h2>
      <p>The host did not let you into this room. If you think that is a mistake, ask them.</p>
      <button type="button" class="button" onClick={onLeave}>
        Leave
      </button>
    </Card>
  );
}

export function ReplacedScreen({ onTakeBack }: { onTakeBack: () => void }) {
  return (
    <Card>
      <h2>Open in another tab</h2>
      <p>Ferry was opened with your identity in another tab or window, so this one stopped.</p>
      <button type="button" class="button button-primary" onClick={onTakeBack}>
        Use Ferry in this tab
      </button>
    </Card>
  );
}

export function RefusedScreen({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <Card>
      <h2>Could not join</h2>
      <p role="alert">{message}</p>
      <button type="button" class="button" onClick={onRetry}>
        Try again
      </button>
    </Card>
  );
}
