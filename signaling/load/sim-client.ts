import WebSocket from 'ws';
import type { FromDaemon, ToDaemon } from '@ferry/common';
import type { FrameDecoder } from './frame-decoder';
import type { FileInterner, RoomView } from './room-view';
import { applyToView, emptyView } from './room-view';
import type { JoinTiming, ReconnectMode, SwarmStats } from './swarm-protocol';
import { MARKER_PREFIX, wallClockMs } from './swarm-protocol';

/*
 * One simulated peer: a plain `ws` client that registers, waits for approval and keeps what it
 * sees of the room. Frames are inspected by their first bytes and parsed only when the peer needs
 * their content, so ten thousand of them fit in one process.
 */

export type ClientPhase = 'offline' | 'connecting' | 'registering' | 'pending' | 'approved' | 'rejected' | 'left';

/** What every client of the swarm shares. */
export interface SwarmContext {
  wsUrl: string;
  trackViews: boolean;
  sourceAddresses: number;
  decoder: FrameDecoder;
  interner: FileInterner;
  stats: SwarmStats;
  /** Marker reqId -> client index -> receipt time. */
  markers: Map<string, Map<number, number>>;
  onMarker(reqId: string): void;
  onSignal(client: SimClient, from: string, data: unknown): void;
}

type Answer = { type: 'answer'; message: FromDaemon } | { type: 'error'; code: string };

const CLOSE_SESSION_REPLACED = 4001;
const CLOSE_LEFT = 4002;
const RETRY_DELAY_MS = 150;
// As the apps: after a close nobody asked for, reconnect with capped exponential backoff and jitter.
const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 15_000;
const HEAD_BYTES = 160;

export class SimClient {
  publicId = '';
  privateId = '';
  phase: ClientPhase = 'offline';
  view: RoomView | null = null;
  timing: JoinTiming;
  private ws: WebSocket | null = null;
  private settle: { resolve: (t: JoinTiming) => void; reject: (e: Error) => void } | null = null;
  private readonly answers = new Map<string, (answer: Answer) => void>();
  /** Sockets this client closed on purpose (or expects the daemon to close: 4001, 4002). */
  private readonly expectedCloses = new WeakSet<WebSocket>();
  private reconnectAttempts = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly index: number,
    readonly name: string,
    private readonly ctx: SwarmContext,
  ) {
    this.timing = { index, publicId: '', registerSentAt: 0, ackAt: 0, roomStateAt: 0, roomStateChars: 0, retries: 0 };
  }

  get isOnlineApproved(): boolean {
    return this.phase === 'approved';
  }

  /** Between a close it did not ask for and its next ROOM_STATE (or ACK, if not approved). */
  get isRecovering(): boolean {
    return this.reconnectAttempts > 0;
  }

  /** Connects and registers (resuming with the privateId if it has one); settles on ROOM_STATE, or on the ACK if not approved. */
  join(): Promise<JoinTiming> {
    return new Promise<JoinTiming>((resolve, reject) => {
      this.settle = { resolve, reject };
      this.open();
    });
  }

  reconnect(mode: ReconnectMode): Promise<JoinTiming> {
    const old = this.ws;
    return new Promise<JoinTiming>((resolve, reject) => {
      this.settle = { resolve, reject };
      if (!old || mode === 'takeover') {
        // The daemon closes the old socket with 4001 once the new one registers.
        if (old) this.expectedCloses.add(old);
        this.open();
        return;
      }
      this.expectedCloses.add(old);
      old.once('close', () => this.open());
      if (mode === 'close') old.close(1000, 'reconnecting');
      else old.terminate();
    });
  }

  leave(): Promise<void> {
    const ws = this.ws;
    if (!ws) return Promise.resolve();
    this.expectedCloses.add(ws);
    return new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      this.send({ type: 'LEAVE' });
    });
  }

  /** Sends a request whose answer echoes `reqId` (FILES_ADDED, FILE_REMOVED or ERROR). */
  request(message: ToDaemon & { reqId: string }): Promise<Answer> {
    if (this.ws?.readyState !== WebSocket.OPEN || this.phase !== 'approved')
      return Promise.resolve({ type: 'error', code: 'DISCONNECTED' });
    return new Promise<Answer>((resolve) => {
      this.answers.set(message.reqId, resolve);
      this.send(message);
    });
  }

  send(message: ToDaemon): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(message));
    this.ctx.stats.framesSent++;
  }

  close(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (!this.ws) return;
    this.expectedCloses.add(this.ws);
    this.ws.terminate();
    this.ws = null;
    this.phase = 'offline';
  }

  private open(): void {
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    const spread = this.ctx.sourceAddresses;
    const localAddress = spread > 0 ? `127.0.0.${2 + (this.index % Math.min(spread, 250))}` : undefined;
    const ws = new WebSocket(this.ctx.wsUrl, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      ...(localAddress ? { localAddress } : {}),
    });
    this.ws = ws;
    this.phase = 'connecting';
    ws.on('open', () => this.register(ws));
    ws.on('message', (data: Buffer) => {
      if (ws === this.ws) this.onFrame(data);
    });
    ws.on('error', (error) => {
      const errors = this.ctx.stats.socketErrors;
      if (errors.length < 20)
        errors.push(`${this.name} (${ws === this.ws ? 'current' : 'old'} socket, ${this.phase}): ${error.message}`);
    });
    ws.on('close', (code) => this.onClose(ws, code));
  }

  private register(ws: WebSocket): void {
    if (ws !== this.ws) return;
    this.phase = 'registering';
    this.timing = { ...this.timing, registerSentAt: wallClockMs(), ackAt: 0, roomStateAt: 0 };
    this.send(
      this.privateId
        ? { type: 'CLIENT_REGISTER', name: this.name, privateId: this.privateId, reqId: 'reg' }
        : { type: 'CLIENT_REGISTER', name: this.name, reqId: 'reg' },
    );
  }

  private onClose(ws: WebSocket, code: number): void {
    const phaseBefore = this.phase;
    const expected = this.expectedCloses.has(ws) || code === CLOSE_SESSION_REPLACED || code === CLOSE_LEFT;
    if (!expected) this.ctx.stats.unexpectedCloses[code] = (this.ctx.stats.unexpectedCloses[code] ?? 0) + 1;
    if (ws !== this.ws) return;
    this.ws = null;
    this.phase = code === CLOSE_LEFT ? 'left' : 'offline';
    if (expected) return;
    // Requests in flight are lost with the socket; their senders hear so instead of waiting.
    for (const resolve of this.answers.values()) resolve({ type: 'error', code: 'DISCONNECTED' });
    this.answers.clear();
    const lost = `${this.name}: closed (${code}) while ${phaseBefore}`;
    if (this.ctx.stats.socketErrors.length < 20) this.ctx.stats.socketErrors.push(lost);
    const delayMs =
      Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** this.reconnectAttempts) * (0.5 + Math.random() / 2);
    this.reconnectAttempts++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      // Someone (a reconnect command) may have opened a socket meanwhile.
      if (!this.ws && this.phase === 'offline') this.open();
    }, delayMs);
  }

  private fail(error: Error): void {
    const settle = this.settle;
    this.settle = null;
    settle?.reject(error);
  }

  private done(): void {
    const settle = this.settle;
    this.settle = null;
    settle?.resolve({ ...this.timing });
  }

  private onFrame(data: Buffer): void {
    const { stats } = this.ctx;
    stats.framesReceived++;
    stats.charsReceived += data.length;
    // latin1 of the first bytes: enough to read the type and a reqId without decoding the frame.
    const head = data.toString('latin1', 0, HEAD_BYTES);
    const type = /^\{"type":"([A-Z_]+)"/.exec(head)?.[1];
    if (type === 'ROOM_STATE') return this.onRoomState(data);
    if (type === 'ROOM_STATE_PAGE') return this.onRoomStatePage(data);
    if (type === 'FILES_ADDED') {
      const reqId = /^\{"type":"FILES_ADDED","reqId":"([^"]+)"/.exec(head)?.[1];
      if (reqId?.startsWith(MARKER_PREFIX)) this.onMarker(reqId);
    }
    const needsParse =
      this.ctx.trackViews ||
      type === 'CLIENT_REGISTER_ACK' ||
      type === 'ERROR' ||
      type === 'SIGNAL' ||
      type === 'CLIENT_DIS_APPROVED' ||
      this.answers.size > 0;
    if (!needsParse) return;
    const message = this.ctx.decoder.decode(data.toString('utf8'));
    if (this.view) applyToView(this.view, message, this.ctx.interner);
    this.onMessage(message);
  }

  private onRoomState(data: Buffer): void {
    this.timing.roomStateChars = data.length;
    if (this.ctx.trackViews) {
      const { head, filePairs } = this.ctx.decoder.decodeRoomState(data.toString('utf8'));
      const view = emptyView();
      applyToView(view, head, this.ctx.interner);
      for (const [id, key] of filePairs) view.files.set(id, key);
      this.view = view;
    }
    // A paged state (PROTOCOL.md §9.11) is in once its last page is.
    if (data.subarray(-13).toString('latin1') === ',"more":true}') return;
    this.roomStateDone();
  }

  private onRoomStatePage(data: Buffer): void {
    this.timing.roomStateChars += data.length;
    const message = this.ctx.decoder.decode(data.toString('utf8'));
    if (message.type !== 'ROOM_STATE_PAGE') return;
    if (this.view) applyToView(this.view, message, this.ctx.interner);
    if (message.last) this.roomStateDone();
  }

  private roomStateDone(): void {
    this.timing.roomStateAt = wallClockMs();
    this.phase = 'approved';
    this.reconnectAttempts = 0;
    this.done();
  }

  private onMarker(reqId: string): void {
    let receipts = this.ctx.markers.get(reqId);
    if (!receipts) {
      receipts = new Map();
      this.ctx.markers.set(reqId, receipts);
    }
    receipts.set(this.index, wallClockMs());
    this.ctx.onMarker(reqId);
  }

  private onMessage(message: FromDaemon): void {
    switch (message.type) {
      case 'CLIENT_REGISTER_ACK':
        this.timing.ackAt = wallClockMs();
        this.publicId = message.publicId;
        this.privateId = message.privateId;
        this.timing.publicId = message.publicId;
        // An approved resume stays 'registering' until its ROOM_STATE, which follows at once.
        if (message.status !== 'approved') this.reconnectAttempts = 0;
        if (message.status === 'pending') this.phase = 'pending';
        if (message.status === 'rejected') {
          this.phase = 'rejected';
          this.done();
        }
        return;
      case 'CLIENT_DIS_APPROVED':
        if (message.publicId === this.publicId) {
          this.phase = 'rejected';
          this.view = null;
        }
        return;
      case 'SIGNAL':
        return this.ctx.onSignal(this, message.from, message.data);
      case 'ERROR':
        this.ctx.stats.errorsByCode[message.code] = (this.ctx.stats.errorsByCode[message.code] ?? 0) + 1;
        if (message.reqId === 'reg' && this.phase === 'registering') return this.retryRegister(message.code);
        return this.answer(message.reqId, { type: 'error', code: message.code });
      case 'FILES_ADDED':
      case 'FILE_REMOVED':
        return this.answer(message.reqId, { type: 'answer', message });
      default:
        return;
    }
  }

  private answer(reqId: string | undefined, answer: Answer): void {
    if (reqId === undefined) return;
    const resolve = this.answers.get(reqId);
    if (!resolve) return;
    this.answers.delete(reqId);
    resolve(answer);
  }

  /** The pending cap (or a registration rate limit) refused us: ask again shortly on the same socket. */
  private retryRegister(code: string): void {
    // Over the per-address registration rate the daemon closes the socket: reconnecting follows.
    if (code === 'RATE_LIMITED') return;
    if (code !== 'LIMIT_EXCEEDED') return this.fail(new Error(`${this.name}: register refused: ${code}`));
    this.timing.retries++;
    const ws = this.ws;
    setTimeout(() => {
      if (ws && ws === this.ws) this.register(ws);
    }, RETRY_DELAY_MS);
  }
}
