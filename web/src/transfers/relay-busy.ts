import type { Cancel, Clock } from '@ferry/common/transfer';
import { ViewStore } from '../session/view-store';

/** Which way this tab's relay traffic is being held back, if any. */
export interface RelayBusyView {
  /** The relay refused our uploads for now (507: full; 429: over our byte rate). */
  isSendingHeld: boolean;
  /** The relay refused our downloads for now (429). */
  isReceivingHeld: boolean;
}

export type RelayDirection = 'sending' | 'receiving';

/** Without another refusal for this long, the relay is taken to be free again (the transfer may have ended). */
export const RELAY_BUSY_FORGET_MS = 12_000;

const KEY: Record<RelayDirection, keyof RelayBusyView> = { sending: 'isSendingHeld', receiving: 'isReceivingHeld' };

/**
 * Follows the relay's answers to this tab: a refusal for now ("busy") shows at once and lasts
 * until a request in the same direction goes through, or until no refusal came for a while. The
 * engine retries by itself; this only tells the person why things are slow, without alarm.
 */
export class RelayBusyWatch {
  readonly view = new ViewStore<RelayBusyView>({ isSendingHeld: false, isReceivingHeld: false });
  private readonly timers = new Map<RelayDirection, Cancel>();

  constructor(private readonly clock: Clock) {}

  /** One relay request's outcome: `isBusy` when the relay refused it for now. */
  note(direction: RelayDirection, isBusy: boolean): void {
    this.timers.get(direction)?.();
    this.timers.delete(direction);
    if (isBusy) {
      this.timers.set(
        direction,
        this.clock.after(RELAY_BUSY_FORGET_MS, () => {
          this.timers.delete(direction);
          this.set(direction, false);
        }),
      );
    }
    this.set(direction, isBusy);
  }

  destroy(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private set(direction: RelayDirection, isHeld: boolean): void {
    const key = KEY[direction];
    if (this.view.get()[key] !== isHeld) this.view.update({ [key]: isHeld });
  }
}
