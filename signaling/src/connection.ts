import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { CLOSE_CODES, parseToDaemon } from '@ferry/common';
import { BulkLane } from './bulk-lane';
import { dispatch } from './dispatch';
import type { Session } from './peers';
import type { TokenBucket } from './rate-limit';
import type { RegisterGate } from './register-gate';
import { checkRegister } from './register-gate';
import type { Room } from './room';

/** Bytes or a string, the frame goes out as text (a broadcast hands the same encoded bytes to every socket). */
const TEXT_FRAME = { binary: false } as const;

/** Bulk (room pages, relayed SIGNALs) leaves only while less than this waits unsent on the socket. */
export const BULK_LOW_WATER_BYTES = 512 * 1024;
/** Relayed frames waiting for one socket at once; past it the sender is refused (RATE_LIMITED). */
export const BULK_QUEUE_BYTES = 1024 * 1024;

/**
 * What one daemon's connections share: their session ids, and the connections corked in this
 * tick, uncorked together at its end (a broadcast to 10,000 sockets queues one callback, not one
 * per socket). Owned by the daemon, so two daemons in one process share nothing.
 */
export class ConnectionGroup {
  private nextSessionId = 1;
  private readonly corkedThisTick: Connection[] = [];

  newSessionId(): number {
    return this.nextSessionId++;
  }

  uncorkAtEndOfTick(connection: Connection): void {
    if (this.corkedThisTick.push(connection) > 1) return;
    process.nextTick(() => {
      for (const corked of this.corkedThisTick.splice(0)) corked.releaseCork();
    });
  }
}

/** What limits this socket's register (register-gate.ts), and what to do once it registered. */
export interface RegistrationLimit extends RegisterGate {
  /** Frees the socket's place among the unregistered ones (unregistered-sockets.ts); may be called again. */
  readonly onRegistered?: () => void;
}

/**
 * One WebSocket: enforces the per-connection limits, parses every frame at the trust boundary,
 * and hands valid messages to the dispatcher (dispatch.ts). Nothing a peer sends can throw out of here.
 */
export class Connection implements Session {
  readonly id: number;
  peer: Session['peer'] = null;
  features: ReadonlySet<string> = new Set();
  isAlive = true;
  private isCorked = false;
  private isShuttingDown = false;
  private readonly bucket: TokenBucket;
  private readonly registerTimer: ReturnType<typeof setTimeout>;
  private readonly bulk: BulkLane;
  /** When the unsent control frames last went past `maxBufferedBytes` (null: not behind now). */
  private behindSinceMs: number | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly room: Room,
    private readonly group: ConnectionGroup,
    private readonly registrationLimit: RegistrationLimit | null = null,
    /** The socket under the WebSocket (from the upgrade): corked so a tick's frames leave in one write. */
    private readonly stream: Pick<Duplex, 'cork' | 'uncork'> | null = null,
  ) {
    this.id = group.newSessionId();
    this.bucket = room.newBucket();
    this.bulk = new BulkLane(
      {
        get bufferedAmount() {
          return socket.bufferedAmount;
        },
        send: (frame, onSent) => {
          if (socket.readyState !== socket.OPEN) return onSent(new Error('closed'));
          this.corkUntilEndOfTick();
          socket.send(frame, TEXT_FRAME, onSent);
        },
      },
      {
        lowWaterBytes: BULK_LOW_WATER_BYTES,
        maxQueuedBytes: BULK_QUEUE_BYTES,
        stallMs: room.options.readerStallMs,
        onStall: (unsentBytes) => {
          room.options.logger.warn(`dropping session ${this.id}: stopped reading (${unsentBytes} bytes unsent)`);
          socket.terminate();
        },
      },
    );
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('pong', () => {
      this.isAlive = true;
    });
    socket.on('close', () => this.onClose());
    socket.on('error', () => socket.terminate());
    this.registerTimer = setTimeout(() => {
      if (!this.peer) this.close(CLOSE_CODES.policyViolation, 'register within the time limit');
    }, room.options.registerTimeoutMs);
    this.registerTimer.unref?.();
  }

  sendText(frame: string | Buffer): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    // Control frames go straight out. Bulk waiting in the lane is at most BULK_LOW_WATER_BYTES
    // plus a page of what is unsent, so a backlog past the bound is control traffic the reader
    // does not take in: a burst (a large folder listed) it may catch up on, but not one it stays
    // behind on for good, nor one past the hard bound. Drop those rather than buffer without end.
    const problem = this.backlogProblem(this.socket.bufferedAmount);
    if (problem) {
      this.room.options.logger.warn(`dropping session ${this.id}: ${problem}`);
      this.socket.terminate();
      return;
    }
    this.corkUntilEndOfTick();
    this.socket.send(frame, TEXT_FRAME);
  }

  private backlogProblem(unsent: number): string | null {
    const { maxBufferedBytes, maxBacklogBytes, readerStallMs, now } = this.room.options;
    if (unsent > maxBacklogBytes) return `${unsent} bytes unsent`;
    if (unsent <= maxBufferedBytes) {
      this.behindSinceMs = null;
      return null;
    }
    const nowMs = now();
    this.behindSinceMs ??= nowMs;
    const behindMs = nowMs - this.behindSinceMs;
    return behindMs > readerStallMs ? `${unsent} bytes unsent, behind for ${behindMs} ms` : null;
  }

  /**
   * A room state in pages (room-pages.ts): its first frame now, in order with the control frames
   * around it (what follows may change what it lists), the rest as the socket drains (bulk-lane.ts).
   */
  sendRoomState(frames: Iterator<string>): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const head = frames.next();
    if (head.done) return;
    this.sendText(head.value);
    this.bulk.sendPages(frames);
  }

  /** A relayed frame (SIGNAL) through the bulk lane; false when this socket's lane is full. */
  sendRelayed(frame: string | Buffer): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    return this.bulk.enqueue(frame);
  }

  /**
   * A burst of broadcasts (approvals read in one go, a peer leaving with its files) would cost one
   * write system call per frame per socket, which dominates the daemon's CPU in a large room:
   * frames sent to this socket in the same tick are written together instead.
   */
  private corkUntilEndOfTick(): void {
    const stream = this.stream;
    if (!stream || this.isCorked) return;
    this.isCorked = true;
    stream.cork();
    this.group.uncorkAtEndOfTick(this);
  }

  /** Called once at the end of the tick in which the first frame was corked. */
  releaseCork(): void {
    this.isCorked = false;
    this.stream?.uncork();
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  terminate(): void {
    this.socket.terminate();
  }

  ping(): void {
    this.isAlive = false;
    this.socket.ping();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    try {
      const bucket = this.peer?.bucket ?? this.bucket;
      if (!bucket.take()) {
        // Not parsed (that is the work being limited); a reqId near the start is still echoed.
        const head = Buffer.isBuffer(data) ? data.subarray(0, 512).toString('utf8') : '';
        const reqId = /"reqId"\s*:\s*"([A-Za-z0-9_.:-]{1,64})"/.exec(head)?.[1];
        this.room.error(this, 'RATE_LIMITED', 'too many messages; slow down', reqId);
        return;
      }
      if (isBinary) {
        this.room.error(this, 'BAD_MESSAGE', 'binary frames are not part of the protocol; send JSON text');
        return;
      }
      // ws hands text frames over as a Buffer: decode it in place (Buffer.from would copy every frame).
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data).toString('utf8');
      const parsed = parseToDaemon(text);
      if (!parsed.ok) {
        this.room.error(this, parsed.code, parsed.error, parsed.reqId);
        return;
      }
      const message = parsed.message;
      const isRegistering = message.type === 'CLIENT_REGISTER' || message.type === 'MASTER_APP_REGISTER';
      if (isRegistering && !this.peer && this.registrationLimit) {
        const refusal = checkRegister(this.registrationLimit, this.room, message);
        if (refusal) {
          this.room.error(this, refusal.code, refusal.text, message.reqId);
          this.close(
            CLOSE_CODES.policyViolation,
            refusal.code === 'BAD_TOKEN' ? 'bad master token' : 'too many registrations',
          );
          return;
        }
      }
      dispatch(this.room, this, message);
      if (isRegistering && this.peer) this.registrationLimit?.onRegistered?.();
    } catch (error) {
      // A bug in a handler must cost one message, not the daemon.
      this.room.options.logger.warn(`error handling a message on session ${this.id}: ${String(error)}`);
      this.room.error(this, 'BAD_MESSAGE', 'the daemon could not handle this message');
    }
  }

  /**
   * The daemon is stopping: the end of this socket is nobody's news. Announcing every close to
   * every peer still open would cost n^2 frames (minutes at 6,000 peers) before the exit.
   */
  closeForShutdown(code: number, reason: string): void {
    this.isShuttingDown = true;
    this.close(code, reason);
  }

  private onClose(): void {
    clearTimeout(this.registerTimer);
    this.bulk.close();
    if (this.isShuttingDown) return;
    this.room.detach(this);
  }
}
