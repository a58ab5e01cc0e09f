import { useState } from 'preact/hooks';
import { Card } from '@ferry/web/ui/shell';

interface Props {
  initialName: string;
  /** Why the last try did not work (from the daemon), if it did not. */
  problem: string | null;
  /** Returns why the name cannot be used, or null when joining started. */
  onJoin: (name: string) => string | null;
}

export function JoinScreen({ initialName, problem, onJoin }: Props) {
  const [name, setName] = useState(initialName);
  const [error, setError] = useState<string | null>(null);
  const message = error ?? problem;
  return (
    <Card>
      <h2>Join the room</h2>
      <p class="muted">Tell the host who you are. They let you in, then you can share and download files.</p>
      <form
        class="join-form"
        onSubmit={(event) => {
          event.preventDefault();
          setError(onJoin(name));
        }}
      >
        <label for="join-name" class="field-label">
          Your name
        </label>
        <div class="join-row">
          <input
            id="join-name"
            class="text-input"
            type="text"
            autoComplete="nickname"
            maxLength={64}
            value={name}
            aria-invalid={message ? 'true' : undefined}
            aria-describedby={message ? 'join-error' : undefined}
            onInput={(event) => setName(event.currentTarget.value)}
          />
          <button type="submit" class="button button-primary">
            Join
          </button>
        </div>
        {message ? (
          <p id="join-error" class="field-error" role="alert">
            {message}
          </p>
        ) : null}
      </form>
    </Card>
  );
}
