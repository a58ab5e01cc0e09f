import type { ViewStore } from '../session/view-store';
import type { RelayBusyView } from '../transfers/relay-busy';
import { useView } from '../hooks/use-view';

/**
 * A calm line while the daemon's relay holds this tab's transfers back (full, or over this
 * person's byte rate): nothing is wrong and nothing is to be done, Ferry retries by itself.
 */
export function RelayBusyStatus({ store }: { store: ViewStore<RelayBusyView> }) {
  const { isSendingHeld, isReceivingHeld } = useView(store);
  if (!isSendingHeld && !isReceivingHeld) return null;
  const what =
    isSendingHeld && isReceivingHeld
      ? 'files going out and coming in through it wait'
      : isSendingHeld
        ? 'files others download from you through it wait'
        : 'your downloads through it wait';
  return (
    <div role="status" class="banner banner-info">
      The relay is busy right now, so {what} a little. Ferry retries by itself; nothing is lost.
    </div>
  );
}
