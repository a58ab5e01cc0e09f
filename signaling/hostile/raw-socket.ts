import WebSocket from 'ws';

/*
 * A WebSocket that speaks the wire by hand, for the attacker and for probes the honest side makes
 * (a new guest joining). Frames are parsed loosely: an attacker reads only what it needs, and a
 * probe must not depend on one version of the schema.
 */

export type Frame = { type: string } & Record<string, unknown>;

/** An upgrade the daemon refused before the handshake (429, 503, 403 ...). */
export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused: ${status}`);
  }
}

export interface OpenOptions {
  /** Source address on the loopback (127.0.0.x), so limits by address see distinct senders. */
  localAddress?: string;
  headers?: Record<string, string>;
}

export class RawSocket {
  readonly closed: Promise<number>;
  private readonly queue: Frame[] = [];
  private readonly waiters = new Set<(frame: Frame) => boolean>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return;
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString('utf8')) as Frame;
      } catch {
        return;
      }
      for (const waiter of this.waiters) if (waiter(frame)) return;
      if (this.queue.length < 10_000) this.queue.push(frame);
    });
  }

  static open(wsUrl: string, options: OpenOptions = {}): Promise<RawSocket> {
    const ws = new WebSocket(wsUrl, {
      perMessageDeflate: false,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawSocket(ws)));
      ws.once('unexpected-response', (_req, res) => {
        reject(new UpgradeRefused(res.statusCode ?? 0));
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: object): void {
    if (this.isOpen) this.ws.send(JSON.stringify(message));
  }

  sendText(text: string): void {
    if (this.isOpen) this.ws.send(text);
  }

  /** The next frame of `type` (or of any of several), buffered or arriving within `timeoutMs`. */
  next(
    type: string | readonly string[],
    timeoutMs: number,
    where: (frame: Frame) => boolean = () => true,
  ): Promise<Frame> {
    const types = typeof type === 'string' ? [type] : type;
    const match = (frame: Frame) => types.includes(frame.type) && where(frame);
    const index = this.queue.findIndex(match);
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0] as Frame);
    return new Promise((resolve, reject) => {
      const waiter = (frame: Frame) => {
        if (!match(frame)) return false;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(frame);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no ${types.join(' or ')} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  terminate(): void {
    this.ws.terminate();
  }
}
