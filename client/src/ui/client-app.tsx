import type { ClientSession } from '../session/client-session';
import { ConnectionStatus } from '@ferry/web/ui/connection-status';
import { RoomLayout } from '@ferry/web/ui/client-room';
import {
  ConnectingScreen,
  NotAdmittedScreen,
  RefusedScreen,
  ReplacedScreen,
  RoomEndedScreen,
  WaitingScreen,
} from '@ferry/web/ui/gate-screens';
import { ConfirmAction } from '@ferry/web/ui/confirm-action';
import { JoinScreen } from './join-screen';
import { Shell } from '@ferry/web/ui/shell';
import { useView } from '@ferry/web/hooks/use-view';

/** The guest's page: which screen depends only on the session's view. */
export function ClientApp({ session }: { session: ClientSession }) {
  const view = useView(session.store);
  const { room, connection, problem } = view;

  const busy = problem?.kind === 'busy' ? problem.message : null;
  // While the daemon makes a first join wait, the screen says why; "Reconnecting" would say less.
  const isBusyScreen = busy !== null && room.selfStatus === null;
  const banner =
    view.entry === 'joined' && !isBusyScreen ? (
      <ConnectionStatus
        connection={connection}
        isHostOffline={room.selfStatus !== null && room.selfStatus !== 'rejected' && !room.masterOnline}
        onRetryNow={() => session.retryNow()}
      />
    ) : null;

  const screen = () => {
    if (view.entry === 'loading') return <p class="muted">Loading…</p>;
    if (view.entry === 'join') {
      return (
        <JoinScreen
          initialName={view.name}
          problem={problem?.kind === 'refused' ? problem.message : null}
          onJoin={(name) => session.join(name)}
        />
      );
    }
    if (problem?.kind === 'room-ended') return <RoomEndedScreen onJoinAgain={() => session.joinAgain()} />;
    if (connection.kind === 'replaced') return <ReplacedScreen onTakeBack={() => session.takeBack()} />;
    if (problem?.kind === 'refused')
      return <RefusedScreen message={problem.message} onRetry={() => session.takeBack()} />;
    switch (room.selfStatus) {
      case null:
        return <ConnectingScreen busy={busy} />;
      case 'pending':
        return <WaitingScreen name={view.name} selfId={room.selfId} onLeave={() => session.leave()} />;
      case 'rejected':
        return <NotAdmittedScreen wasRemoved={room.selfWasApproved} onLeave={() => session.leave()} />;
      case 'approved':
        return (
          <RoomLayout
            view={view}
            actions={session}
            downloads={session.transfers.downloads}
            relayBusy={session.transfers.relayBusy.view}
            exit={
              <ConfirmAction
                label="Leave room"
                question="Leave this room? Your files stop being shared, your downloads stop, and this browser forgets you: to come back, you ask the host again."
                confirmLabel="Leave the room"
                cancelLabel="Stay"
                onConfirm={() => session.leave()}
              />
            }
            uploads={session.transfers.uploads.view}
          />
        );
    }
  };

  return <Shell banner={banner}>{screen()}</Shell>;
}
