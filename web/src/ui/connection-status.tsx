import { isReconnecting, type ConnectionState } from '../signaling/connection-machine';

interface Props {
  connection: ConnectionState;
  /** Whether to say the host is away (only where it matters: in the room and while waiting). */
  isHostOffline: boolean;
  onRetryNow: () => void;
}

/**
 * At most one status line, so assistive tech announces one thing at a time: reconnecting wins,
 * since while it lasts we cannot know whether the host is there.
 */
export function ConnectionStatus({ connection, isHostOffline, onRetryNow }: Props) {
  if (isReconnecting(connection)) {
    return (
      <div role="status" class="banner banner-warn">
        <span>Reconnecting to the room… Your files stay listed.</span>
        <button type="button" class="button button-small" onClick={onRetryNow}>
          Try now
        </button>
      </div>
    );
  }
  if (isHostOffline && connection.kind === 'ready') {
    return (
      <div role="status" class="banner banner-info">
        The host is offline. You can look around; sharing resumes when they are back.
      </div>
    );
  }
  return null;
}
