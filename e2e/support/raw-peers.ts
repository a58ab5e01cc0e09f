import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';

// Plain WebSocket peers from Node, for the limits tests: they register and stay connected,
// pending, as many people waiting at once would. (A pending request whose socket closed is a
// ghost: the daemon forgets it as soon as the line is full, so it could not fill the line.)

/** The daemon refuses registrations over its per-address rate; wait this long before trying again. */
const RATE_LIMITED_PAUSE_MS = 1_000;
const ANSWER_TIMEOUT_MS = 10_000;

interface Answer {
  type: string;
  code?: string;
}

/**
 * Opens a socket, sends CLIENT_REGISTER as `name`, and resolves with the daemon's first answer and
 * the socket, still open when the answer was an ACK (closed otherwise).
 */
async function registerOnce(wsUrl: string, name: string): Promise<{ answer: Answer; socket: WebSocket }> {
  const socket = new WebSocket(wsUrl);
  try {
    const answer = await new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to the register of ${name}`)), ANSWER_TIMEOUT_MS);
      socket.once('open', () => socket.send(JSON.stringify({ type: 'CLIENT_REGISTER', name })));
      // The daemon sends JSON text frames; `ws` hands them over as a Buffer.
      socket.once('message', (data: Buffer) => {
        clearTimeout(timer);
        resolve(JSON.parse(data.toString('utf8')) as Answer);
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    if (answer.type !== 'CLIENT_REGISTER_ACK') socket.close();
    return { answer, socket };
  } catch (error) {
    socket.close();
    throw error;
  }
}

/** The open sockets of pending identities; `close()` hangs them all up. */
export interface PendingPeers {
  close(): void;
}

/**
 * Registers `count` new identities named `${prefix} 1`, `${prefix} 2`... that stay pending and
 * connected until `close()`. A register refused by the rate limit is tried again after a pause, so
 * this works whatever the daemon's rate.
 */
export async function registerPendingPeers(daemonUrl: string, count: number, prefix: string): Promise<PendingPeers> {
  const wsUrl = `${daemonUrl.replace(/^http/, 'ws')}/ws`;
  const sockets: WebSocket[] = [];
  const close = (): void => sockets.forEach((socket) => socket.close());
  for (let i = 1; i <= count;) {
    const { answer, socket } = await registerOnce(wsUrl, `${prefix} ${i}`).catch((error: unknown) => {
      close();
      throw error;
    });
    if (answer.type === 'CLIENT_REGISTER_ACK') {
      sockets.push(socket);
      i++;
    } else if (answer.type === 'ERROR' && answer.code === 'RATE_LIMITED') {
      await delay(RATE_LIMITED_PAUSE_MS);
    } else {
      close();
      throw new Error(`the register of "${prefix} ${i}" was answered ${JSON.stringify(answer)}`);
    }
  }
  return { close };
}
