import type { FileOffer } from '@ferry/common';
import type { Cancel, Clock } from '@ferry/common/transfer';
import {
  DEFAULT_OUTBOX,
  emptyOutbox,
  outboxTransition,
  type OutboxEffect,
  type OutboxEvent,
  type OutboxOptions,
  type OutboxState,
} from './outbox-machine';

export interface OutboxDriverHooks {
  send(reqId: string, offers: readonly FileOffer[]): void;
  forget(fileIds: readonly string[]): void;
  onChange(state: OutboxState): void;
}

/** Runs the outbox machine's effects: one resend timer per open request. */
export class OutboxDriver {
  private current: OutboxState = emptyOutbox;
  private readonly timers = new Map<string, Cancel>();

  constructor(
    private readonly clock: Clock,
    private readonly hooks: OutboxDriverHooks,
    private readonly options: OutboxOptions = DEFAULT_OUTBOX,
  ) {}

  get state(): OutboxState {
    return this.current;
  }

  dispatch(event: OutboxEvent): void {
    const { state, effects } = outboxTransition(this.current, event, this.options);
    const changed = state !== this.current;
    this.current = state;
    for (const effect of effects) this.run(effect);
    if (changed) this.hooks.onChange(state);
  }

  /** Cancels every timer; the driver is not used after this. */
  destroy(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private run(effect: OutboxEffect): void {
    switch (effect.type) {
      case 'send':
        this.hooks.send(effect.reqId, effect.offers);
        return;
      case 'schedule': {
        this.timers.get(effect.reqId)?.();
        const cancel = this.clock.after(effect.delayMs, () => {
          this.timers.delete(effect.reqId);
          this.dispatch({ type: 'resend-due', reqId: effect.reqId });
        });
        this.timers.set(effect.reqId, cancel);
        return;
      }
      case 'cancel':
        this.timers.get(effect.reqId)?.();
        this.timers.delete(effect.reqId);
        return;
      case 'forget':
        this.hooks.forget(effect.fileIds);
        return;
      default:
        assertNever(effect);
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected outbox effect ${JSON.stringify(value)}`);
}
