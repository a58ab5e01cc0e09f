import type { ComponentChildren } from 'preact';
import { peopleOrder } from '@ferry/web/room/room-reducer';
import { RoomLayout } from '@ferry/web/ui/client-room';
import { ConnectionStatus } from '@ferry/web/ui/connection-status';
import { ConnectingScreen, ReplacedScreen } from '@ferry/web/ui/gate-screens';
import { Card, Shell } from '@ferry/web/ui/shell';
import { useView } from '@ferry/web/hooks/use-view';
import type { MasterSession } from '../master-session';
import { ConfirmAction } from '@ferry/web/ui/confirm-action';
import { JoinLinkCard } from './join-link';
import { JoinRequests } from './join-requests';
import { MasterPeople } from './master-people';

interface Props {
  session: MasterSession;
  joinLink: string;
  copy?: (text: string) => Promise<boolean>;
}

function ProblemCard({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <Card>
      <h2>{title}</h2>
      {children}
    </Card>
  );
}

/** The host's page. */
export function MasterApp({ session, joinLink, copy }: Props) {
  const view = useView(session.store);
  const { room, connection, problem } = view;

  const screen = () => {
    if (view.entry === 'loading') return <p class="muted">Loading…</p>;
    switch (problem?.kind) {
      case 'no-token':
        return (
          <ProblemCard title="Open the master link">
            <p role="alert">
              This page needs the master token. Open the master link the Ferry daemon printed when it started (it ends
              in #token=…).
            </p>
          </ProblemCard>
        );
      case 'bad-token':
        return (
          <ProblemCard title="Wrong master link">
            <p role="alert">
              The master token is not valid. Open the master link the Ferry daemon printed when it started.
            </p>
          </ProblemCard>
        );
      case 'master-exists':
        return (
          <ProblemCard title="Already open elsewhere">
            <p role="alert">Another browser is the host of this room right now. Close it there, then try again.</p>
            <button type="button" class="button" onClick={() => session.takeBack()}>
              Try again
            </button>
          </ProblemCard>
        );
      case 'refused':
        return (
          <ProblemCard title="Could not connect">
            <p role="alert">{problem.message}</p>
            <button type="button" class="button" onClick={() => session.takeBack()}>
              Try again
            </button>
          </ProblemCard>
        );
      case 'busy':
      case 'room-ended':
      case undefined:
        break;
    }
    if (connection.kind === 'replaced') return <ReplacedScreen onTakeBack={() => session.takeBack()} />;
    if (room.selfStatus === null) return <ConnectingScreen busy={problem?.kind === 'busy' ? problem.message : null} />;
    const people = [...room.clients].sort(peopleOrder(room.selfId));
    return (
      <RoomLayout
        view={view}
        actions={session}
        downloads={session.transfers.downloads}
        relayBusy={session.transfers.relayBusy.view}
        uploads={session.transfers.uploads.view}
        aside={
          <>
            <JoinLinkCard joinLink={view.joinUrl ?? joinLink} {...(copy ? { copy } : {})} />
            {view.peopleNotice ? (
              <div role="alert" class="banner banner-error">
                <span>{view.peopleNotice}</span>
                <button type="button" class="button button-small" onClick={() => session.dismissPeopleNotice()}>
                  Dismiss
                </button>
              </div>
            ) : null}
            <JoinRequests
              pending={people.filter((p) => p.status === 'pending')}
              onApprove={(id) => session.approve(id)}
              onReject={(id) => session.disapprove(id)}
              onRejectAll={() => session.rejectAllPending()}
            />
          </>
        }
        people={
          <MasterPeople
            approved={people.filter((p) => p.status === 'approved')}
            rejected={people.filter((p) => p.status === 'rejected')}
            selfId={room.selfId}
            onSendTo={(publicId, picked) => session.sendFiles(publicId, picked)}
            onRemove={(id) => session.disapprove(id)}
            onApprove={(id) => session.approve(id)}
          />
        }
        exit={
          <ConfirmAction
            label="End room"
            question="End this room for everyone? Every guest is let out, and all files and approvals are forgotten. Ferry keeps running: the join link then leads to a new, empty room."
            confirmLabel="End the room for everyone"
            cancelLabel="Keep the room"
            onConfirm={() => session.endRoom()}
            doneText="You ended the room: everyone was let out. New join requests show up above."
          />
        }
      />
    );
  };

  return (
    <Shell
      badge="Host"
      banner={
        // While the daemon makes the first register wait, the screen says why.
        problem?.kind === 'busy' && room.selfStatus === null ? null : (
          <ConnectionStatus connection={connection} isHostOffline={false} onRetryNow={() => session.retryNow()} />
        )
      }
    >
      {screen()}
    </Shell>
  );
}
