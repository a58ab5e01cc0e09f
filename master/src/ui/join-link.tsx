import { useEffect, useState } from 'preact/hooks';

// The QR encoder loads as its own chunk: the host sees the room first, the code a moment later.
const loadQr = () => import('../qr');

interface Props {
  joinLink: string;
  /** Copies text; resolves false when the browser would not (plain-HTTP pages have no clipboard API). */
  copy?: (text: string) => Promise<boolean>;
}

/** The link guests open, as text to copy and as a QR code for phones. */
export function JoinLinkCard({ joinLink, copy }: Props) {
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    let isCurrent = true;
    loadQr().then(
      ({ qrDataUrl }) => isCurrent && setQr(qrDataUrl(joinLink)),
      () => undefined, // the link is still there as text
    );
    return () => {
      isCurrent = false;
    };
  }, [joinLink]);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <section class="card join-link-card" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite people</h2>
      <p class="muted">Guests open this link (or scan the code) on the same network, then ask to join.</p>
      <div class="join-link-body">
        {qr ? (
          <img class="qr" src={qr} alt="QR code of the join link" width={160} height={160} />
        ) : (
          <div class="qr" aria-hidden="true" style={{ width: 160, height: 160 }} />
        )}
        <div class="join-link-text">
          {/* Named "Join link" and then the address it shows, so what is read contains what is seen. */}
          <span id="join-link-label" class="field-label">
            Join link
          </span>
          <a
            id="join-link-address"
            class="join-link"
            href={joinLink}
            target="_blank"
            rel="noopener noreferrer"
            aria-labelledby="join-link-label join-link-address"
          >
            {joinLink}
          </a>
          {copy ? (
            <button
              type="button"
              class="button button-small"
              onClick={() => {
                copy(joinLink).then(
                  (ok) => setCopyState(ok ? 'copied' : 'failed'),
                  () => setCopyState('failed'),
                );
              }}
            >
              Copy link
            </button>
          ) : null}
          <span class="muted copy-state" aria-live="polite">
            {copyState === 'copied'
              ? 'Copied.'
              : copyState === 'failed'
                ? 'Copy it by hand: this browser would not.'
                : ''}
          </span>
        </div>
      </div>
    </section>
  );
}
