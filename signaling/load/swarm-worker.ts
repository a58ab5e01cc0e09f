import { monitorEventLoopDelay } from 'node:perf_hooks';
import { FrameDecoder } from './frame-decoder';
import { digestView, FileInterner, serializeView } from './room-view';
import { SimClient, type SwarmContext } from './sim-client';
import type {
  JoinTiming,
  SignalLoadResult,
  SwarmCommand,
  SwarmConfig,
  SwarmReply,
  SwarmRequest,
  SwarmResults,
} from './swarm-protocol';
import { wallClockMs } from './swarm-protocol';

/*
 * The swarm worker: a child process holding many simulated peers, driven over IPC by the test or
 * the benchmark (swarm.ts). Its own process, so the daemon's RSS and CPU are not mixed with the
 * clients', and so the parent's master is not slowed by ten thousand sockets.
 */

const SIGNAL_PAD = 'x'.repeat(160);

class Worker {
  private readonly clients: SimClient[] = [];
  private ctx: SwarmContext | null = null;
  private readonly markerWaiters = new Set<() => void>();
  private signalLoad: { active: boolean; received: number; errors: number } | null = null;

  private get context(): SwarmContext {
    if (!this.ctx) throw new Error('configure the swarm first');
    return this.ctx;
  }

  configure(config: SwarmConfig): null {
    const interner = new FileInterner();
    this.ctx = {
      wsUrl: config.wsUrl,
      trackViews: config.trackViews,
      sourceAddresses: config.sourceAddresses,
      interner,
      decoder: new FrameDecoder(interner),
      stats: {
        framesReceived: 0,
        charsReceived: 0,
        framesSent: 0,
        errorsByCode: {},
        unexpectedCloses: {},
        socketErrors: [],
        clients: 0,
        approvedOnline: 0,
        loopDelayP99Ms: 0,
        loopDelayMaxMs: 0,
      },
      markers: new Map(),
      onMarker: () => {
        for (const check of this.markerWaiters) check();
      },
      onSignal: (client, from, data) => this.onSignal(client, from, data),
    };
    return null;
  }

  /** New identities, at most `window` between connecting and ROOM_STATE at once (the pending cap is 200). */
  async join(count: number, window: number): Promise<JoinTiming[]> {
    const ctx = this.context;
    const fresh: SimClient[] = [];
    for (let i = 0; i < count; i++) {
      const client = new SimClient(this.clients.length, `sim ${this.clients.length}`, ctx);
      this.clients.push(client);
      fresh.push(client);
    }
    const timings: JoinTiming[] = [];
    let next = 0;
    const lane = async () => {
      while (next < fresh.length) {
        const client = fresh[next++];
        if (client) timings.push(await client.join());
      }
    };
    await Promise.all(Array.from({ length: Math.min(window, fresh.length) }, lane));
    return timings;
  }

  async reconnect(indices: number[], mode: 'close' | 'terminate' | 'takeover'): Promise<JoinTiming[]> {
    return Promise.all(indices.map((i) => this.client(i).reconnect(mode)));
  }

  async leave(indices: number[]): Promise<null> {
    await Promise.all(indices.map((i) => this.client(i).leave()));
    return null;
  }

  /** Resolves once every approved online client has received the marker FILES_ADDED. */
  awaitMarker(reqId: string, timeoutMs: number): Promise<number[]> {
    const ctx = this.context;
    const onlineApproved = () => this.clients.filter((c) => c.isOnlineApproved);
    return new Promise<number[]>((resolve, reject) => {
      // Counting the expected clients walks them all: done on the poll, not on every receipt.
      let expectedCount = onlineApproved().length;
      const check = () => {
        const receipts = ctx.markers.get(reqId);
        if (!receipts || receipts.size < expectedCount) return;
        const expected = onlineApproved();
        if (expected.some((c) => !receipts.has(c.index))) return;
        finish();
        ctx.markers.delete(reqId);
        resolve(expected.map((c) => receipts.get(c.index) ?? 0));
      };
      const timer = setTimeout(() => {
        finish();
        const got = ctx.markers.get(reqId)?.size ?? 0;
        reject(
          new Error(`marker ${reqId}: ${got} of ${onlineApproved().length} clients got it within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const poll = setInterval(() => {
        expectedCount = onlineApproved().length;
        check();
      }, 100);
      const finish = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.markerWaiters.delete(check);
      };
      this.markerWaiters.add(check);
      check();
    });
  }

  async awaitQuiet(timeoutMs: number): Promise<null> {
    const busy = () =>
      this.clients.filter((c) => c.isRecovering || c.phase === 'connecting' || c.phase === 'registering');
    const deadlineMs = performance.now() + timeoutMs;
    while (busy().length > 0) {
      if (performance.now() > deadlineMs)
        throw new Error(
          `${busy().length} clients still (re)connecting after ${timeoutMs} ms: ${busy()
            .slice(0, 5)
            .map((c) => `${c.name} ${c.phase}`)
            .join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return null;
  }

  /**
   * Ping-pong SIGNALs over `pairs`, `window` in flight per pair, for `durationMs`: what the daemon
   * relays when every sender waits for its answer (closed loop, so the load adapts to the daemon).
   */
  async runSignalLoad(pairs: [number, number][], window: number, durationMs: number): Promise<SignalLoadResult> {
    this.signalLoad = { active: true, received: 0, errors: 0 };
    const errorsBefore = this.errorCount();
    const startedAt = wallClockMs();
    for (const [a, b] of pairs) {
      const from = this.client(a);
      const to = this.client(b);
      for (let k = 0; k < window; k++)
        from.send({ type: 'SIGNAL', to: to.publicId, data: { seq: k, pad: SIGNAL_PAD } });
    }
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    const endedAt = wallClockMs();
    const received = this.signalLoad.received;
    this.signalLoad.active = false;
    return { relaysReceived: received, startedAt, endedAt, errors: this.errorCount() - errorsBefore };
  }

  private errorCount(): number {
    return Object.values(this.context.stats.errorsByCode).reduce((a, b) => a + b, 0);
  }

  private onSignal(client: SimClient, from: string, data: unknown): void {
    const load = this.signalLoad;
    if (!load?.active) return;
    load.received++;
    client.send({ type: 'SIGNAL', to: from, data: data ?? null });
  }

  client(index: number): SimClient {
    const client = this.clients[index];
    if (!client) throw new Error(`no client ${index}`);
    return client;
  }

  async handle(command: SwarmCommand): Promise<SwarmResults[SwarmCommand['cmd']]> {
    switch (command.cmd) {
      case 'configure':
        return this.configure(command.config);
      case 'join':
        return this.join(command.count, command.window);
      case 'reconnect':
        return this.reconnect(command.indices, command.mode);
      case 'leave':
        return this.leave(command.indices);
      case 'addFiles': {
        const answer = await this.client(command.index).request({
          type: 'ADD_FILES',
          reqId: command.reqId,
          files: command.files,
        });
        if (answer.type === 'error') return { ok: false, code: answer.code };
        if (answer.message.type !== 'FILES_ADDED') return { ok: false, code: answer.message.type };
        return { ok: true, files: answer.message.files, rejected: answer.message.rejected };
      }
      case 'removeFile': {
        const answer = await this.client(command.index).request({
          type: 'REMOVE_FILE',
          reqId: command.reqId,
          fileId: command.fileId,
        });
        return answer.type === 'error' ? { ok: false, code: answer.code } : { ok: true };
      }
      case 'awaitMarker':
        return this.awaitMarker(command.reqId, command.timeoutMs);
      case 'awaitQuiet':
        return this.awaitQuiet(command.timeoutMs);
      case 'signalLoad':
        return this.runSignalLoad(command.pairs, command.window, command.durationMs);
      case 'digests':
        return this.clients.flatMap((c) =>
          c.isOnlineApproved && c.view ? [{ index: c.index, publicId: c.publicId, digest: digestView(c.view) }] : [],
        );
      case 'views':
        return command.indices.map((i) => {
          const view = this.client(i).view;
          return view ? serializeView(view) : { files: [], approved: [] };
        });
      case 'stats': {
        const stats = this.context.stats;
        stats.clients = this.clients.length;
        stats.approvedOnline = this.clients.filter((c) => c.isOnlineApproved).length;
        stats.loopDelayP99Ms = loopDelay.percentile(99) / 1e6;
        stats.loopDelayMaxMs = loopDelay.max / 1e6;
        return stats;
      }
      case 'shutdown':
        for (const c of this.clients) c.close();
        return null;
      default: {
        const unreachable: never = command;
        return unreachable;
      }
    }
  }
}

const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
const worker = new Worker();
process.on('message', (request: SwarmRequest) => {
  worker.handle(request).then(
    (result) => reply({ id: request.id, ok: true, result }),
    (error: unknown) =>
      reply({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});

function reply(message: SwarmReply): void {
  process.send?.(message);
}
