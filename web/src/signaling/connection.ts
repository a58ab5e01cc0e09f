import { parseFromDaemon, RoomPageAssembler, type FromDaemon, type ToDaemon } from '@ferry/common';
import type { Cancel, Clock } from '@ferry/common/transfer';
import type { Logger, SocketFactory, SocketHandle } from '../platform/types';
import type { BackoffOptions } from '@ferry/common/transfer';
import {
  initialConnection,
  transition,
  type ConnectionEffect,
  type ConnectionEvent,
  type ConnectionState,
  type StopReason,
} from './connection-machine';

export interface ConnectionDeps {
  connect: SocketFactory;
  clock: Clock;
  random: () => number;
  logger: Logger;
  backoff?: BackoffOptions;
}

export interface ConnectionHooks {
  /** The register message to send on each new socket. */
  register(): ToDaemon;
  /** Every valid frame from the daemon, in order. */
  onMessage(message: FromDaemon): void;
  onState(state: ConnectionState): void;
}

/**
 * The thin adapter around the connection machine: it owns the socket and the retry timer and runs
 * the machine's effects. Callbacks from a socket that is no longer the current one are ignored.
 */
export class SignalingConnection {
  private machine: ConnectionState = initialConnection;
  private socket: SocketHandle | null = null;
  private socketToken: object | null = null;
  private cancelRetry: Cancel | null = null;
  /** A room state sent in pages reaches the session whole (PROTOCOL.md §9.11); one per socket. */
  private readonly pages = new RoomPageAssembler();

  constructor(
    private readonly deps: ConnectionDeps,
    private readonly hooks: ConnectionHooks,
  ) {}

  get state(): ConnectionState {
    return this.machine;
  }

  start(): void {
    this.dispatch({ type: 'start' });
  }

  /** Call once the register ACK arrived: resets the backoff. */
  registered(): void {
    this.dispatch({ type: 'registered' });
  }

  retryNow(): void {
    this.dispatch({ type: 'retry-now' });
  }

  /** The daemon refused the register for now (rate limit): reconnect and register after the backoff. */
  retryLater(): void {
    this.dispatch({ type: 'busy', random: this.deps.random() });
  }

  stop(reason: StopReason): void {
    this.dispatch({ type: 'stop', reason });
  }

  /** Sends when a socket is open; otherwise drops the message (callers resend after reconnecting). */
  send(message: ToDaemon): boolean {
    if (this.machine.kind !== 'open' && this.machine.kind !== 'ready') return false;
    if (!this.socket) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private dispatch(event: ConnectionEvent): void {
    const { state, effects } = transition(this.machine, event, this.deps.backoff);
    const changed = state !== this.machine;
    this.machine = state;
    for (const effect of effects) this.run(effect);
    if (changed) this.hooks.onState(state);
  }

  private run(effect: ConnectionEffect): void {
    switch (effect.type) {
      case 'open-socket':
        this.openSocket();
        return;
      case 'send-register':
        this.socket?.send(JSON.stringify(this.hooks.register()));
        return;
      case 'close-socket':
        this.dropSocket();
        return;
      case 'start-retry-timer':
        this.cancelRetry?.();
        this.cancelRetry = this.deps.clock.after(effect.delayMs, () => {
          this.cancelRetry = null;
          this.dispatch({ type: 'retry-timer' });
        });
        return;
      case 'cancel-retry-timer':
        this.cancelRetry?.();
        this.cancelRetry = null;
        return;
      default:
        assertNever(effect);
    }
  }

  private openSocket(): void {
    this.dropSocket();
    const token = {};
    this.socketToken = token;
    this.pages.reset();
    const isCurrent = () => this.socketToken === token;
    const socket = this.deps.connect({
      onOpen: () => {
        if (isCurrent()) this.dispatch({ type: 'opened' });
      },
      onMessage: (text) => {
        if (isCurrent()) this.receive(text);
      },
      onClose: (code) => {
        if (!isCurrent()) return;
        this.socket = null;
        this.socketToken = null;
        this.dispatch({ type: 'closed', code, random: this.deps.random() });
      },
    });
    // The factory may have reported a synchronous failure already.
    if (isCurrent()) this.socket = socket;
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = null;
    this.socketToken = null;
    socket?.close(1000);
  }

  private receive(text: string): void {
    const parsed = parseFromDaemon(text);
    if (!parsed.ok) {
      this.deps.logger.warn(`ignored an invalid frame from the daemon: ${parsed.error}`);
      return;
    }
    for (const message of this.pages.accept(parsed.message)) this.hooks.onMessage(message);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected effect ${JSON.stringify(value)}`);
}
