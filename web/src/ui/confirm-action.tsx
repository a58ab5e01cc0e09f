import { useEffect, useRef, useState } from 'preact/hooks';

interface Props {
  /** The button that asks first ("Leave room"). */
  label: string;
  /** What will happen, asked in words. */
  question: string;
  /** The button that does it. */
  confirmLabel: string;
  /** The button that changes nothing. */
  cancelLabel: string;
  onConfirm: () => void;
  /** Said (as a status) once it is done, when the button stays on the page. */
  doneText?: string;
}

/**
 * A button for something that cannot be undone: it asks in the page (no browser dialog, so it
 * reads like the rest and works the same everywhere), with the focus on the answer that does it and
 * back on the first button if the person changes their mind.
 */
export function ConfirmAction({ label, question, confirmLabel, cancelLabel, onConfirm, doneText }: Props) {
  const [phase, setPhase] = useState<'idle' | 'asking' | 'declined' | 'done'>('idle');
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (phase === 'asking') confirmRef.current?.focus();
    if (phase === 'declined' || phase === 'done') openRef.current?.focus();
  }, [phase]);
  if (phase !== 'asking') {
    return (
      <>
        <button ref={openRef} type="button" class="button" onClick={() => setPhase('asking')}>
          {label}
        </button>
        <p class="muted confirm-done" aria-live="polite">
          {phase === 'done' && doneText ? doneText : ''}
        </p>
      </>
    );
  }
  return (
    <div class="confirm" role="group" aria-label={label}>
      <p class="confirm-question">{question}</p>
      <div class="confirm-actions">
        <button
          ref={confirmRef}
          type="button"
          class="button button-danger"
          onClick={() => {
            setPhase('done');
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" class="button" onClick={() => setPhase('declined')}>
          {cancelLabel}
        </button>
      </div>
    </div>
  );
}
