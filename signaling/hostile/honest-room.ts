import { createHash, randomBytes } from 'node:crypto';
import type { FileInfo } from '@ferry/common';
import { FerryPeer } from '@ferry/node-peer/ferry-peer';
import { RawSocket, type Frame } from './raw-socket';

/*
 * The honest side: a host and two guests running the real transfer engine (FerryPeer), and a new
 * guest joining each round. A round is what people do in a room: a newcomer is let in and sees the
 * room, a guest shares a file, another downloads 16 MiB byte-exact. Each step has a stated bound.
 */

export const HONEST_BOUNDS_MS = {
  /** Connect, register (retrying refusals), be approved by the host, and receive the whole room. */
  join: 10_000,
  share: 5_000,
  download: 20_000,
} as const;

const MIB = 1024 * 1024;
export const BIG_FILE_BYTES = 16 * MIB;
const RETRY_JOIN_MS = 250;

export interface RoundFigures {
  joinMs: number;
  /** Refusals the newcomer met before it got in (upgrade refused, LIMIT_EXCEEDED, ...). */
  joinRefusals: number;
  shareMs: number;
  downloadMs: number;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function within<T>(what: string, limitMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${limitMs} ms`)), limitMs);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function timed<T>(what: string, limitMs: number, work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await within(what, limitMs, work());
  return [result, Math.round(performance.now() - started)];
}

export class HonestRoom {
  private rounds = 0;

  private constructor(
    readonly url: string,
    readonly host: FerryPeer,
    readonly guests: readonly [FerryPeer, FerryPeer],
    /** Files an abuser can see and ask for: the host's and the first guest's 16 MiB files. */
    readonly bigFiles: readonly [FileInfo, FileInfo],
    private readonly bigSha256: string,
  ) {}

  static async start(url: string, masterToken: string): Promise<HonestRoom> {
    const host = await FerryPeer.connect({ url, masterToken });
    const ann = await FerryPeer.connect({ url, name: 'Ann' });
    const ben = await FerryPeer.connect({ url, name: 'Ben' });
    await host.approve(ann.publicId);
    await host.approve(ben.publicId);
    const bytes = randomBytes(BIG_FILE_BYTES);
    const hostFile = await host.share('big.bin', bytes);
    const annFile = await ann.share('film.bin', randomBytes(BIG_FILE_BYTES));
    return new HonestRoom(url, host, [ann, ben], [hostFile, annFile], sha256(bytes));
  }

  /** Times the host or a guest lost its socket and came back (an honest peer is never cut). */
  get reconnects(): number {
    return this.host.reconnects + this.guests[0].reconnects + this.guests[1].reconnects;
  }

  /** One round of honest work; throws as soon as a step misses its bound. */
  async round(): Promise<RoundFigures> {
    const n = ++this.rounds;
    const [join, joinMs] = await timed('a new guest joins', HONEST_BOUNDS_MS.join, () => this.join(`Guest ${n}`));
    const [ann, ben] = this.guests;
    const [, shareMs] = await timed('a guest shares a file', HONEST_BOUNDS_MS.share, () =>
      ann.share(`notes-${n}.txt`, randomBytes(4096)),
    );
    const [got, downloadMs] = await timed('a guest downloads 16 MiB', HONEST_BOUNDS_MS.download, () =>
      ben.download(this.bigFiles[0]),
    );
    if (got.bytes.length !== BIG_FILE_BYTES || sha256(got.bytes) !== this.bigSha256) {
      throw new Error('the 16 MiB download is not byte-exact');
    }
    return { joinMs, joinRefusals: join.refusals, shareMs, downloadMs };
  }

  async close(): Promise<void> {
    await Promise.all([this.host, ...this.guests].map((peer) => peer.close()));
  }

  /**
   * A newcomer as a tab would do it: connect and register, trying again after a refusal, until
   * the host lets it in and the whole room state (all its pages) has arrived. It then leaves.
   */
  private async join(name: string): Promise<{ refusals: number }> {
    const wsUrl = `${this.url.replace(/^http/, 'ws')}/ws`;
    const deadline = Date.now() + HONEST_BOUNDS_MS.join;
    for (let refusals = 0; Date.now() < deadline; refusals++) {
      const socket = await RawSocket.open(wsUrl).catch(() => null);
      if (socket) {
        socket.send({ type: 'CLIENT_REGISTER', name });
        const answer = await socket.next(['CLIENT_REGISTER_ACK', 'ERROR'], HONEST_BOUNDS_MS.join).catch(() => null);
        if (answer?.type === 'CLIENT_REGISTER_ACK') {
          await this.host.approve(String(answer['publicId']));
          await wholeRoomState(socket);
          socket.ws.close();
          return { refusals };
        }
        socket.terminate();
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_JOIN_MS));
    }
    throw new Error(`${name} was refused until the deadline`);
  }
}

/** ROOM_STATE, and its further pages when it says `more` (PROTOCOL.md, room state in pages). */
async function wholeRoomState(socket: RawSocket): Promise<Frame> {
  const first = await socket.next('ROOM_STATE', HONEST_BOUNDS_MS.join);
  if (first['more'] !== true) return first;
  return socket.next('ROOM_STATE_PAGE', HONEST_BOUNDS_MS.join, (page) => page['last'] === true);
}
