import { randomUUID } from 'node:crypto';
import { Attacker, ATTACKER_ADDRESS, floodHead, loop, rawHttp, sleep } from './attacker';
import type { HonestRoom } from './honest-room';
import type { RawSocket } from './raw-socket';

/*
 * Every abuse of issue 11, each started before an honest round and stopped after it. `stop`
 * returns a note on what the attacker managed (for the table) and, when the abuse itself can see
 * harm to the honest side (a rebinding page admitted, the master token guessed), a problem.
 */

export interface AbuseContext {
  url: string;
  wsUrl: string;
  attacker: Attacker;
  honest: HonestRoom;
}

export interface AbuseOutcome {
  note: string;
  problem?: string;
}

export interface Abuse {
  name: string;
  /** The finding of issue 11 it replays. */
  finding: string;
  start(ctx: AbuseContext): Promise<() => Promise<AbuseOutcome>>;
}

const count = (values: number[]) => {
  const tally = new Map<number, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  return [...tally].map(([status, n]) => `${n}x${status}`).join(' ');
};

/** Sockets opened at once, in batches, holding those the daemon accepts. */
async function openMany(attacker: Attacker, total: number): Promise<{ held: RawSocket[]; refused: number }> {
  const held: RawSocket[] = [];
  let refused = 0;
  for (let i = 0; i < total; i += 64) {
    const batch = await Promise.all(Array.from({ length: Math.min(64, total - i) }, () => attacker.open()));
    for (const socket of batch) {
      if (socket) held.push(socket);
      else refused++;
    }
  }
  return { held, refused };
}

const headerFlood: Abuse = {
  name: 'header floods',
  finding: '14',
  start: ({ url }) => {
    const host = new URL(url).host;
    const statuses: number[] = [];
    const stop = loop(async () => {
      const heads = [floodHead('/healthz', host, 2_000, 1), floodHead('/ws', host, 1_500, 12)];
      statuses.push(...(await Promise.all(heads.map((head) => rawHttp(url, head)))));
    });
    return Promise.resolve(async () => {
      await stop();
      return { note: `2,000 headers / 20 KB heads: ${count(statuses)}` };
    });
  },
};

const hostRebinding: Abuse = {
  name: 'Host header rebinding',
  finding: '11',
  start: async ({ url, attacker }) => {
    const evil = `rebound.example:${new URL(url).port}`;
    const page = await rawHttp(url, `GET /master HTTP/1.1\r\nHost: ${evil}\r\nConnection: close\r\n\r\n`);
    const socket = await attacker.open({ Host: evil, Origin: `http://${evil}` });
    let admitted = false;
    if (socket) {
      socket.send({ type: 'CLIENT_REGISTER', name: 'Rebound page' });
      admitted = (await socket.next('CLIENT_REGISTER_ACK', 1_000).catch(() => null)) !== null;
      socket.terminate();
    }
    return () =>
      Promise.resolve({
        note: `page at a foreign Host: ${page}; its WebSocket: ${socket ? 'opened' : 'refused'}`,
        ...(admitted || page === 200 ? { problem: `a page at ${evil} reached the room (HTTP ${page})` } : {}),
      });
  },
};

const tokenGuessing: Abuse = {
  name: 'master-token guessing',
  finding: '9',
  start: ({ attacker }) => {
    let guesses = 0;
    let won = false;
    const stops = Array.from({ length: 64 }, () =>
      loop(async () => {
        const socket = await attacker.open();
        if (!socket) return sleep(100);
        for (let i = 0; i < 20 && socket.isOpen; i++) {
          socket.send({
            type: 'MASTER_APP_REGISTER',
            token: String(Math.floor(Math.random() * 10_000)).padStart(4, '0'),
          });
          const answer = await socket.next(['ERROR', 'MASTER_APP_REGISTER_ACK'], 2_000).catch(() => null);
          if (!answer) break;
          guesses++;
          if (answer.type === 'MASTER_APP_REGISTER_ACK') won = true;
        }
        socket.terminate();
      }),
    );
    return Promise.resolve(async () => {
      await Promise.all(stops.map((stop) => stop()));
      return { note: `${guesses} guesses answered`, ...(won ? { problem: 'a guess became the master' } : {}) };
    });
  },
};

const idleUnregistered: Abuse = {
  name: 'idle unregistered sockets from one address',
  finding: '6',
  start: async ({ attacker }) => {
    const { held, refused } = await openMany(attacker, 1_100);
    return () => {
      for (const socket of held) socket.terminate();
      return Promise.resolve({ note: `${held.length} held from ${ATTACKER_ADDRESS}, ${refused} refused` });
    };
  },
};

const ghostPending: Abuse = {
  name: 'ghost pending registrations',
  finding: '7',
  start: async ({ attacker }) => {
    let pending = 0;
    for (let i = 0; i < 200; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, async (_, j) => {
          const socket = await attacker.open();
          socket?.send({ type: 'CLIENT_REGISTER', name: `ghost ${i + j}` });
          const ack = await socket?.next(['CLIENT_REGISTER_ACK', 'ERROR'], 2_000).catch(() => null);
          if (ack?.type === 'CLIENT_REGISTER_ACK') pending++;
          return socket;
        }),
      );
      for (const socket of batch) socket?.terminate();
    }
    return () => Promise.resolve({ note: `${pending} registrations, then gone` });
  },
};

const reconnectSpam: Abuse = {
  name: 'reconnect spam',
  finding: '8',
  start: ({ url, attacker }) => {
    let resumed = 0;
    const startedMs = Date.now();
    const healthMs: number[] = [];
    const stops = Array.from({ length: 8 }, () =>
      loop(async () => {
        const socket = await attacker.open();
        if (!socket) return sleep(50);
        socket.send({ type: 'CLIENT_REGISTER', name: 'Mallory', privateId: attacker.privateId });
        const answer = await socket.next(['CLIENT_REGISTER_ACK', 'ERROR'], 2_000).catch(() => null);
        if (answer?.type === 'CLIENT_REGISTER_ACK') resumed++;
        socket.terminate();
      }),
    );
    stops.push(
      loop(async () => {
        const t0 = performance.now();
        await fetch(`${url}/healthz`).then((r) => r.arrayBuffer());
        healthMs.push(performance.now() - t0);
        await sleep(50);
      }),
    );
    return Promise.resolve(async () => {
      await Promise.all(stops.map((stop) => stop()));
      const seconds = (Date.now() - startedMs) / 1000;
      const p50 = healthMs.sort((a, b) => a - b)[Math.floor(healthMs.length / 2)] ?? 0;
      await attacker.resume();
      return { note: `${(resumed / seconds).toFixed(0)} resumes/s accepted; /healthz p50 ${p50.toFixed(1)} ms` };
    });
  },
};

const signalBurst: Abuse = {
  name: 'SIGNAL bursts',
  finding: '4',
  start: ({ attacker, honest }) => {
    const targets = [honest.host.publicId, honest.guests[0].publicId];
    const data = { junk: 'x'.repeat(60_000) };
    let sent = 0;
    // The SIGNAL budgets refuse the burst to its sender (RATE_LIMITED), never to its targets.
    let refused = 0;
    const ws = attacker.socket.ws;
    const countRefusals = (frame: Buffer) => {
      if (frame.includes('"RATE_LIMITED"')) refused++;
    };
    ws.on('message', countRefusals);
    const stop = loop(async () => {
      for (let i = 0; i < 300; i++) {
        for (const to of targets) attacker.send({ type: 'SIGNAL', to, data });
        sent += targets.length;
      }
      await sleep(1_000);
    });
    return Promise.resolve(async () => {
      await stop();
      ws.off('message', countRefusals);
      return { note: `${sent} SIGNAL frames of 60 KB, ${refused} refused to the sender` };
    });
  },
};

const relayHoarding: Abuse = {
  name: 'relay hoarding (asks, never fetches)',
  finding: '5',
  start: async ({ url, attacker, honest }) => {
    const transferIds: string[] = [];
    for (const file of honest.bigFiles) {
      const chunks = Math.ceil(file.size / file.chunkSize);
      for (let i = 0; i < 4; i++) {
        const transferId = randomUUID();
        transferIds.push(transferId);
        attacker.send({ type: 'REQUEST_CHUNK', transferId, fileId: file.id, start: 0, end: chunks });
      }
    }
    // Let the honest owners' engines upload what was asked until the relay refuses them.
    const held = async () =>
      Number(((await (await fetch(`${url}/healthz`)).json()) as { relayBytes?: number }).relayBytes);
    let last = -1;
    for (let i = 0; i < 40; i++) {
      await sleep(250);
      const now = await held();
      if (now === last && now > 0) break;
      last = now;
    }
    return () => {
      for (const transferId of transferIds) attacker.send({ type: 'CANCEL_TRANSFER', transferId });
      return Promise.resolve({ note: `${(last / 2 ** 20).toFixed(0)} MiB held for the attacker` });
    };
  },
};

/**
 * ADD_FILES of well-formed files (at most 256, each field within its bounds, three-byte UTF-8 so
 * few files carry many bytes) padded to just under the 1 MiB frame limit, as in finding 2: the
 * owner stamp on each file in the master's answer would take that answer over the limit.
 */
function nearLimitAddFiles(): string {
  const segment = '\u4e2d'.repeat(127);
  const files = Array.from({ length: 256 }, () => ({
    id: randomUUID(),
    name: '\u4e2d'.repeat(255),
    size: 1,
    chunkSize: 1,
    mime: `application/${'x'.repeat(200)}`,
    path: `${segment}/`.repeat(7) + segment,
  }));
  const frame = { type: 'ADD_FILES', reqId: randomUUID(), files };
  let text = JSON.stringify(frame);
  while (Buffer.byteLength(text) > 1_046_073 && files.length > 1) {
    files.pop();
    text = JSON.stringify(frame);
  }
  return text;
}

const addFilesNearLimit: Abuse = {
  name: 'ADD_FILES near the frame limit',
  finding: '2',
  start: async ({ attacker }) => {
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) {
      attacker.socket.sendText(nearLimitAddFiles());
      const answer = await attacker.socket.next(['FILES_ADDED', 'ERROR'], 5_000).catch(() => null);
      const code = answer?.['code'];
      answers.push(typeof code === 'string' ? code : (answer?.type ?? 'none'));
      await sleep(300);
    }
    return () => Promise.resolve({ note: `answers: ${answers.join(', ')}` });
  },
};

/** Files whose fields grow about 6x as JSON: lone surrogates in names and paths, controls in mime. */
function uglyFiles(n: number): object[] {
  return Array.from({ length: n }, () => ({
    id: randomUUID(),
    name: '\ud800'.repeat(255),
    size: 1,
    chunkSize: 1,
    mime: '\u0001'.repeat(255),
    path: `${'\udc00'.repeat(30)}/`.repeat(30) + 'x',
  }));
}

const uglyFileLists: Abuse = {
  name: 'oversized, ugly file lists',
  finding: '1',
  start: async ({ attacker }) => {
    let accepted = 0;
    const refusals = new Set<string>();
    for (let sent = 0; sent < 10_000; sent += 100) {
      const reqId = randomUUID();
      attacker.send({ type: 'ADD_FILES', reqId, files: uglyFiles(100) });
      const answer = await attacker.socket
        .next(['FILES_ADDED', 'ERROR'], 5_000, (frame) => frame['reqId'] === reqId)
        .catch(() => null);
      if (!answer) break;
      if (answer.type === 'FILES_ADDED') accepted += (answer['files'] as unknown[]).length;
      else refusals.add(String(answer['code']));
      if (answer.type === 'ERROR' && accepted === 0 && sent >= 500) break;
    }
    return () =>
      Promise.resolve({
        note: `${accepted} ugly files listed${refusals.size ? `; refused: ${[...refusals].join(', ')}` : ''}`,
      });
  },
};

/** In the order they run: the ones that can wreck the daemon for good come last. */
export const ABUSES: readonly Abuse[] = [
  headerFlood,
  hostRebinding,
  tokenGuessing,
  idleUnregistered,
  ghostPending,
  signalBurst,
  relayHoarding,
  reconnectSpam,
  addFilesNearLimit,
  uglyFileLists,
];
