import WebSocket from 'ws';
import type { FileInfo, FromDaemon, ToDaemon } from '@ferry/common';
import { decideAddFiles, mayRemoveFile } from '@ferry/common/authority';
import type { RoomView } from './room-view';
import { applyToView, emptyView, FileInterner } from './room-view';
import { wallClockMs } from './swarm-protocol';

/*
 * The master for a load run: registers with the token, approves every newcomer as it arrives (so
 * no more than the swarm's window is ever pending), and answers forwarded ADD_FILES and
 * REMOVE_FILE with the master app's own decisions (master/src/authority.ts). Its view of the room
 * is the reference the simulated peers are compared with.
 */

export interface MasterOptions {
  wsUrl: string;
  token: string;
  /** The daemon's per-identity budget; the master paces itself below it instead of being refused. */
  ratePerSecond: number;
  burst: number;
  /**
   * Approvals sent and not yet confirmed (CLIENT_APPROVED back) at most: the master waits for the
   * daemon instead of piling approvals up faster than a large room can announce them.
   */
  maxApprovalsInFlight?: number;
}

export class MasterDriver {
  publicId = '';
  readonly view: RoomView = emptyView();
  readonly files = new Map<string, FileInfo>();
  /** When APPROVE_CLIENT left for each publicId (wall clock). */
  readonly approveSentAt = new Map<string, number>();
  readonly errors: { code: string; message: string }[] = [];
  autoApprove = true;
  framesReceived = 0;
  private readonly interner = new FileInterner();
  private readonly outbox: ToDaemon[] = [];
  private tokens: number;
  private lastRefillMs = performance.now();
  private pump: NodeJS.Timeout | null = null;
  private readonly approvalQueue: string[] = [];
  private readonly approvalsInFlight = new Set<string>();
  private readonly waiters = new Set<{ test: (m: FromDaemon) => boolean; resolve: (m: FromDaemon) => void }>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly options: MasterOptions,
  ) {
    // Half the burst: the daemon's bucket and ours do not start at the same instant.
    this.tokens = options.burst / 2;
    ws.on('message', (data: Buffer) => this.onFrame(data.toString('utf8')));
  }

  static async connect(options: MasterOptions): Promise<MasterDriver> {
    const ws = new WebSocket(options.wsUrl, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const master = new MasterDriver(ws, options);
    const ack = master.waitFor((m) => m.type === 'MASTER_APP_REGISTER_ACK' || m.type === 'ERROR');
    ws.send(JSON.stringify({ type: 'MASTER_APP_REGISTER', token: options.token, reqId: 'master' } satisfies ToDaemon));
    const answer = await ack;
    if (answer.type !== 'MASTER_APP_REGISTER_ACK')
      throw new Error(`master register refused: ${JSON.stringify(answer)}`);
    master.publicId = answer.publicId;
    return master;
  }

  /** Queues a message; it leaves as soon as the pacing allows. */
  send(message: ToDaemon): void {
    this.outbox.push(message);
    this.drain();
  }

  get queued(): number {
    return this.outbox.length;
  }

  waitFor(test: (m: FromDaemon) => boolean, timeoutMs = 60_000): Promise<FromDaemon> {
    return new Promise<FromDaemon>((resolve, reject) => {
      const waiter = {
        test,
        resolve: (m: FromDaemon) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`master: nothing matched within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Shares the master's own files: no round trip, the master answers itself. */
  shareOwn(reqId: string, files: FileInfo[]): number {
    const sentAt = wallClockMs();
    this.sendNow({ type: 'FILES_ADDED', reqId, owner: this.publicId, files, rejected: [] });
    return sentAt;
  }

  close(): void {
    if (this.pump) clearTimeout(this.pump);
    this.ws.close(1000);
  }

  /** Bypasses the queue (a marker must leave now), still taking a token. */
  private sendNow(message: ToDaemon): void {
    this.refill();
    this.tokens -= 1;
    this.ws.send(JSON.stringify(message));
  }

  private refill(): void {
    const nowMs = performance.now();
    // 90% of the daemon's rate: its clock and ours drift apart a little.
    this.tokens = Math.min(
      this.options.burst / 2,
      this.tokens + ((nowMs - this.lastRefillMs) * this.options.ratePerSecond * 0.9) / 1000,
    );
    this.lastRefillMs = nowMs;
  }

  private drain(): void {
    this.refill();
    while (this.outbox.length > 0 && this.tokens >= 1) {
      const message = this.outbox.shift();
      if (!message) break;
      this.tokens -= 1;
      this.ws.send(JSON.stringify(message));
      if (message.type === 'APPROVE_CLIENT') this.approveSentAt.set(message.publicId, wallClockMs());
    }
    if (this.outbox.length > 0 && !this.pump) {
      const waitMs = Math.max(1, ((1 - this.tokens) * 1000) / (this.options.ratePerSecond * 0.9));
      this.pump = setTimeout(() => {
        this.pump = null;
        this.drain();
      }, waitMs);
    }
  }

  private pumpApprovals(): void {
    const max = this.options.maxApprovalsInFlight ?? 32;
    while (this.approvalsInFlight.size < max) {
      const publicId = this.approvalQueue.shift();
      if (publicId === undefined) return;
      this.approvalsInFlight.add(publicId);
      this.send({ type: 'APPROVE_CLIENT', publicId });
    }
  }

  private onFrame(text: string): void {
    this.framesReceived++;
    const message = JSON.parse(text) as FromDaemon;
    applyToView(this.view, message, this.interner);
    this.track(message);
    for (const waiter of this.waiters) {
      if (waiter.test(message)) {
        this.waiters.delete(waiter);
        waiter.resolve(message);
      }
    }
  }

  private track(message: FromDaemon): void {
    switch (message.type) {
      case 'MASTER_APP_REGISTER_ACK':
      case 'ROOM_STATE_PAGE':
        for (const f of message.files ?? []) this.files.set(f.id, f);
        return;
      case 'NEW_CLIENT_REGISTERED':
        if (this.autoApprove) this.approvalQueue.push(message.client.publicId);
        return this.pumpApprovals();
      case 'CLIENT_APPROVED':
        this.approvalsInFlight.delete(message.client.publicId);
        return this.pumpApprovals();
      case 'ADD_FILES': {
        const decision = decideAddFiles([...this.files.values()], message.owner, message.files);
        return this.send({
          type: 'FILES_ADDED',
          reqId: message.reqId,
          owner: message.owner,
          files: decision.files,
          rejected: decision.rejected,
        });
      }
      case 'REMOVE_FILE':
        if (mayRemoveFile(message, [...this.files.values()], this.publicId))
          this.send({ type: 'FILE_REMOVED', reqId: message.reqId, fileId: message.fileId });
        return;
      case 'FILES_ADDED':
        for (const f of message.files) this.files.set(f.id, { ...f, owner: message.owner });
        return;
      case 'FILE_REMOVED':
        this.files.delete(message.fileId);
        return;
      case 'ERROR':
        this.errors.push({ code: message.code, message: message.message });
        return;
      default:
        return;
    }
  }
}
