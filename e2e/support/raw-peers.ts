import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';

// Plain WebSocket peers from Node, for the limits tests: they only register and leave their
// identity pending, as many people asking to join at once would.

/** The daemon refuses registrations over its per-address rate; wait this long before trying again. */
const RATE_LIMITED_PAUSE_MS = 1_000;
const ANSWER_TIMEOUT_MS = 10_000;

interface Answer {
  type: string;
  code?: string;
}

/** Opens a socket, sends CLIENT_REGISTER as `name`, and resolves with the daemon's first answer. */
async function registerOnce(wsUrl: string, name: string): Promise<Answer> {
  const socket = new WebSocket(wsUrl);
  try {
    return await new Promise<Answer>((resolve, reject) => {
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
  } finally {
    socket.close();
  }
}

/**
 * Registers `count` new identities named `${prefix} 1`, `${prefix} 2`... that stay pending (the
 * daemon remembers an offline pending identity for its grace period). A register refused by the
 * rate limit is tried again after a pause, so this works whatever the daemon's rate.
 */
export async function registerPendingPeers(daemonUrl: string, count: number, prefix: string): Promise<void> {
  const wsUrl = `${daemonUrl.replace(/^http/, 'ws')}/ws`;
  for (let i = 1; i <= count;) {
    const answer = await registerOnce(wsUrl, `${prefix} ${i}`);
    if (answer.type === 'CLIENT_REGISTER_ACK') {
      i++;
    } else if (answer.type === 'ERROR' && answer.code === 'RATE_LIMITED') {
      await delay(RATE_LIMITED_PAUSE_MS);
    } else {
      throw new Error(`the register of "${prefix} ${i}" was answered ${JSON.stringify(answer)}`);
    }
  }
}
