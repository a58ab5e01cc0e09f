import type { ClientInfo, FileInfo } from '@ferry/common';
import { useContext } from 'preact/hooks';
import { formatBytes } from '../files/format';
import { pickedFromInput, type PickedFile } from '../files/offers';
import type { DeclinedSend } from '../session/session-view';
import { UploadsContext } from './file-uploads';
import { PersonName } from './person-name';

/** What the room offers for files sent to one person (PeerSession implements it). */
export interface DirectOfferActions {
  sendFiles(to: string, picked: readonly PickedFile[]): void;
  acceptOffer(fileId: string): void;
  declineOffer(fileId: string): void;
  dismissDeclined(fileId: string): void;
  removeFile(fileId: string): void;
}

/** Whether `actions` can send to one person (an app without it shows no such controls). */
export function hasDirectOffers(actions: object): actions is DirectOfferActions {
  return 'sendFiles' in actions && 'acceptOffer' in actions;
}

function Person({ publicId, clients }: { publicId: string; clients: readonly ClientInfo[] }) {
  const name = clients.find((c) => c.publicId === publicId)?.name ?? 'Someone';
  return <PersonName name={name} publicId={publicId} />;
}

/**
 * "Send a file to Cleo" beside a person: a label styled as a button around a hidden file input,
 * as the room's own pickers are, so keyboards and tests reach the input by that name.
 */
export function SendToButton({ person, onPick }: { person: ClientInfo; onPick: (picked: PickedFile[]) => void }) {
  return (
    <label class="button button-small">
      <input
        type="file"
        multiple
        class="visually-hidden"
        onChange={(event) => {
          const input = event.currentTarget;
          const picked = input.files ? pickedFromInput(Array.from(input.files)) : [];
          input.value = '';
          if (picked.length > 0) onPick(picked);
        }}
      />
      Send a file<span class="visually-hidden"> to {person.name}</span>
    </label>
  );
}

interface Props {
  files: readonly FileInfo[];
  clients: readonly ClientInfo[];
  selfId: string | null;
  declined: readonly DeclinedSend[];
  accepted: ReadonlySet<string>;
  /** Our sends whose recipient asked for them. */
  acceptedSends?: ReadonlySet<string>;
  actions: DirectOfferActions;
}

/**
 * Files sent to one person: the recipient is asked first ("Ana wants to send you report.pdf",
 * Accept / Decline), the sender follows each ("Waiting for Cleo", "Cleo is downloading", "Cleo
 * declined"). Names are text, with their codes. Shows nothing when there is nothing to show.
 */
export function DirectOffers({ files, clients, selfId, declined, accepted, acceptedSends, actions }: Props) {
  const uploads = useContext(UploadsContext);
  if (selfId === null) return null;
  const incoming = files.filter((f) => f.to === selfId && f.owner !== selfId && !accepted.has(f.id));
  const sent = files.filter((f) => f.to !== undefined && f.owner === selfId);
  if (incoming.length === 0 && sent.length === 0 && declined.length === 0) return null;
  return (
    <section class="card direct-offers" aria-labelledby="direct-offers-title">
      <h2 id="direct-offers-title">Sent to one person</h2>
      {incoming.length > 0 ? (
        <ul class="direct-incoming" aria-label="Files sent to you">
          {incoming.map((file) => (
            <li key={file.id} class="banner banner-offer" aria-live="polite">
              <span>
                <Person publicId={file.owner} clients={clients} /> wants to send you{' '}
                <strong class="name-text">{file.name}</strong> ({formatBytes(file.size)})
              </span>
              <span class="banner-actions">
                <button
                  type="button"
                  class="button button-small button-primary"
                  onClick={() => actions.acceptOffer(file.id)}
                >
                  Accept
                </button>
                <button type="button" class="button button-small" onClick={() => actions.declineOffer(file.id)}>
                  Decline
                </button>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {sent.length + declined.length > 0 ? (
        <ul class="direct-sent" aria-label="Files you sent">
          {sent.map((file) => {
            const to = file.to ?? '';
            const row = uploads.byFile.get(file.id)?.find((r) => r.asker === to);
            const recipient = <Person publicId={to} clients={clients} />;
            return (
              <li key={file.id} class="direct-send">
                <span class="name-text">{file.name}</span>{' '}
                <span class="direct-status" aria-live="polite">
                  {row ? (
                    <>
                      {recipient} is downloading ({Math.floor((row.bytesServed / Math.max(1, row.totalBytes)) * 100)}%)
                    </>
                  ) : acceptedSends?.has(file.id) ? (
                    <>{recipient} accepted</>
                  ) : (
                    <>Waiting for {recipient}</>
                  )}
                </span>
                <button type="button" class="button button-small" onClick={() => actions.removeFile(file.id)}>
                  Cancel
                </button>
              </li>
            );
          })}
          {declined.map((entry) => (
            <li key={entry.fileId} class="direct-send">
              <span class="name-text">{entry.name}</span>{' '}
              <span class="direct-status" aria-live="polite">
                <Person publicId={entry.to} clients={clients} /> declined
              </span>
              <button type="button" class="button button-small" onClick={() => actions.dismissDeclined(entry.fileId)}>
                Dismiss
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
