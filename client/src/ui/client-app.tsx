import type { ClientSession } from '../session/client-session';
import { ConnectionStatus } from '@ferry/web/ui/connection-status';
import { RoomLayout } from '@ferry/web/ui/client-room';
import {
  ConnectingScreen,
  NotAdmittedScreen,
  RefusedScreen,
  ReplacedScreen,
  WaitingScreen,
} from '@ferry/web/ui/gate-screens';
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
    if (connection.kind === 'replaced') return <ReplacedScreen onTakeBack={() => session.takeBack()} />;
    if (problem?.kind === 'refused')
      return <RefusedScreen message={problem.message} onRetry={() => session.takeBack()} />;
    switch (room.selfStatus) {
      case null:
        return <ConnectingScreen busy={busy} />;
      case 'pending':
        return <WaitingScreen name={view.name} onLeave={() => session.leave()} />;
      case 'rejected':
        return <NotAdmittedScreen onLeave={() => session.leave()} />;
      case 'approved':
        return (
          <RoomLayout
            view={view}
            actions={session}
            downloads={session.transfers.downloads}
            relayBusy={session.transfers.relayBusy.view}
            uploads={session.transfers.uploads.view}
          />
        );
    }
  };

  return <Shell banner={banner}>{screen()}</Shell>;
}
