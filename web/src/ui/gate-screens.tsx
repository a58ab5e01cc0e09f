import { PersonCode } from './person-name';
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

/** `selfId`: our publicId, whose code the host sees beside our request (person-code.ts). */
export function WaitingScreen({ name, selfId, onLeave }: { name: string; selfId: string | null; onLeave: () => void }) {
  return (
    <Card>
      <h2>Waiting for the host</h2>
      <p>
        You asked to join as <strong class="name-text">{name}</strong>. The host sees your request and lets you in; this
        page changes by itself when they do.
      </p>
      {selfId === null ? null : (
        <p class="own-code">
          Tell the host your code: <PersonCode publicId={selfId} />
          <span class="muted own-code-why">
            {' '}
            It shows beside your name on their screen, so they know this request is yours.
          </span>
        </p>
      )}
      <button type="button" class="button" onClick={onLeave}>
        Cancel and leave
      </button>
    </Card>
  );
}

/** Turned away, or (`wasRemoved`) let in and then removed by the host. */
export function NotAdmittedScreen({ wasRemoved = false, onLeave }: { wasRemoved?: boolean; onLeave: () => void }) {
  if (wasRemoved) {
    return (
      <Card>
        <h2>Removed from the room</h2>
        <p>
          The host removed you from this room. Your files are no longer shared and your downloads stopped. If you think
          that is a mistake, ask them.
        </p>
        <button type="button" class="button" onClick={onLeave}>
          Leave
        </button>
      </Card>
    );
  }
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

export function RoomEndedScreen({ onJoinAgain }: { onJoinAgain: () => void }) {
  return (
    <Card>
      <h2>The host ended this room</h2>
      <p>
        Everyone was let out, and the files and approvals of the room are gone. This browser forgot your place in it
        too. If the host keeps Ferry running, you can ask to join again.
      </p>
      <button type="button" class="button" onClick={onJoinAgain}>
        Ask to join again
      </button>
    </Card>
  );
}
