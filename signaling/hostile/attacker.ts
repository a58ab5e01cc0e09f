import { connect } from 'node:net';
import { RawSocket } from './raw-socket';

/*
 * The attacker: one approved guest, and every socket it opens from its own loopback address (so
 * limits by address, on by default for unregistered sockets and failed master tokens, fall on it
 * and not on the honest peers at 127.0.0.1). Small helpers the abuses combine.
 */

export const ATTACKER_ADDRESS = '127.0.0.9';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Attacker {
  private constructor(
    readonly wsUrl: string,
    public socket: RawSocket,
    readonly publicId: string,
    readonly privateId: string,
  ) {}

  /** Registers as a guest and waits for `approve` (the host letting it in, as a host would). */
  static async join(wsUrl: string, approve: (publicId: string) => Promise<void>): Promise<Attacker> {
    const socket = await RawSocket.open(wsUrl, { localAddress: ATTACKER_ADDRESS });
    socket.send({ type: 'CLIENT_REGISTER', name: 'Mallory' });
    const ack = await socket.next('CLIENT_REGISTER_ACK', 5_000);
    const attacker = new Attacker(wsUrl, socket, String(ack['publicId']), String(ack['privateId']));
    await approve(attacker.publicId);
    await socket.next('ROOM_STATE', 10_000);
    return attacker;
  }

  /** A socket from the attacker's address, or null if the daemon refused the upgrade. */
  open(headers?: Record<string, string>): Promise<RawSocket | null> {
    return RawSocket.open(this.wsUrl, { localAddress: ATTACKER_ADDRESS, ...(headers ? { headers } : {}) }).catch(
      () => null,
    );
  }

  send(message: object): void {
    this.socket.send(message);
  }

  /** Comes back as itself on a new control socket (after an abuse replaced its session). */
  async resume(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const socket = await this.open();
      if (socket) {
        socket.send({ type: 'CLIENT_REGISTER', name: 'Mallory', privateId: this.privateId });
        const answer = await socket.next(['CLIENT_REGISTER_ACK', 'ERROR'], 5_000).catch(() => null);
        if (answer?.type === 'CLIENT_REGISTER_ACK') {
          this.socket = socket;
          return;
        }
        socket.terminate();
      }
      await sleep(500);
    }
    throw new Error('the attacker could not resume');
  }
}

/** Runs `step` in a loop until stopped; `stop` resolves once the loop has ended. */
export function loop(step: () => Promise<void>): () => Promise<void> {
  let running = true;
  const done = (async () => {
    while (running) await step().catch(() => sleep(50));
  })();
  return async () => {
    running = false;
    await done;
  };
}

/**
 * One raw HTTP/1.1 request from the attacker's address; resolves with the status code (0 if the
 * daemon closed the connection without one). Used for requests `fetch` will not send: thousands
 * of headers, a foreign Host.
 */
export function rawHttp(url: string, head: string, timeoutMs = 5_000): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), localAddress: ATTACKER_ADDRESS });
    let answer = '';
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (data: Buffer) => {
      answer += data.toString('latin1');
      if (answer.includes('\r\n')) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(head);
  });
}

/** Request head with `count` extra headers of `valueBytes` each. */
export function floodHead(path: string, host: string, count: number, valueBytes: number): string {
  const value = 'v'.repeat(valueBytes);
  const headers = Array.from({ length: count }, (_, i) => `X-Flood-${i}: ${value}\r\n`).join('');
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${headers}Connection: close\r\n\r\n`;
}
