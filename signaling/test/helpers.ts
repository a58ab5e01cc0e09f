import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import {
  parseFromDaemon,
  RoomPageAssembler,
  type FileInfo,
  type FileOffer,
  type FromDaemon,
  type FromDaemonOf,
} from '@ferry/common';
import { startDaemon } from '../src/daemon';

/*
 * Integration-test harness: the real daemon on port 0 and real `ws` clients. Waiting is always on a
 * message (`next`), never on a fixed sleep; the only timed waits are short absence checks.
 */

export type DaemonOptions = NonNullable<Parameters<typeof startDaemon>[0]>;
export type Daemon = Awaited<ReturnType<typeof startDaemon>>;
export type MessageType = FromDaemon['type'];

export const TOKEN = 'test-master-token-0123456789';
export const DEFAULT_TIMEOUT_MS = 2_000;
/** How long an absence check listens. Short on purpose: it is the only timed wait in these tests. */
export const ABSENCE_MS = 200;

const cleanups: Array<() => Promise<void>> = [];
const problems: string[] = [];

/** Closes every socket and daemon opened by the current test; fails if a daemon frame broke the schema. */
export async function closeAll(): Promise<void> {
  const tasks = cleanups.splice(0).reverse();
  for (const task of tasks) await task();
  const found = problems.splice(0);
  if (found.length > 0) throw new Error(`daemon sent frames that break the protocol schema:\n${found.join('\n')}`);
}

export async function startTestDaemon(options: Partial<DaemonOptions> = {}): Promise<Daemon> {
  const daemon = await startDaemon({ host: '127.0.0.1', port: 0, masterToken: TOKEN, ...options });
  cleanups.push(() => daemon.close());
  return daemon;
}

/** Anything with the daemon's base URL: a started daemon, or one run by the CLI. */
export type Target = Pick<Daemon, 'url'>;

export function wsUrl(daemon: Target): string {
  return `${daemon.url.replace(/^http/, 'ws')}/ws`;
}

interface Waiter {
  type: string;
  where: (message: FromDaemon) => boolean;
  resolve: (message: FromDaemon) => void;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

export class Peer {
  /** Every text frame received, verbatim (for leak checks on fields the schema would strip). */
  readonly frames: string[] = [];
  readonly closed: Promise<CloseInfo>;
  private readonly queue: FromDaemon[] = [];
  private readonly waiters = new Set<Waiter>();
  /** Paged room states (PROTOCOL.md §9.11) are handed to tests whole; `frames` keeps the pages. */
  private readonly pages = new RoomPageAssembler();

  constructor(
    readonly ws: WebSocket,
    readonly label: string,
  ) {
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
  }

  static async connect(daemon: Target, label = 'peer', options: WebSocket.ClientOptions = {}): Promise<Peer> {
    const ws = new WebSocket(wsUrl(daemon), options);
    const peer = new Peer(ws, label);
    cleanups.push(() => peer.terminate());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return peer;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** The next message of `type` (optionally matching `where`); other messages stay buffered. */
  next<T extends MessageType>(
    type: T,
    options: { timeoutMs?: number; where?: (message: FromDaemonOf<T>) => boolean } = {},
  ): Promise<FromDaemonOf<T>> {
    const where = (message: FromDaemon): boolean =>
      message.type === type && (options.where ? options.where(message as FromDaemonOf<T>) : true);
    const index = this.queue.findIndex(where);
    if (index >= 0) {
      const [found] = this.queue.splice(index, 1);
      return Promise.resolve(found as FromDaemonOf<T>);
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        type,
        where,
        resolve: (message) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(message as FromDaemonOf<T>);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const buffered = this.queue.map((m) => (m.type === 'ERROR' ? `ERROR ${m.code}` : m.type)).join(', ');
        reject(new Error(`${this.label}: no ${type} within ${timeoutMs} ms (buffered: [${buffered}])`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Asserts that no message of `type` (matching `where`) is buffered or arrives within `ms`. */
  async expectNo<T extends MessageType>(
    type: T,
    ms = ABSENCE_MS,
    where?: (message: FromDaemonOf<T>) => boolean,
  ): Promise<void> {
    const match = (message: FromDaemon): boolean =>
      message.type === type && (where ? where(message as FromDaemonOf<T>) : true);
    await new Promise((resolve) => setTimeout(resolve, ms));
    const found = this.queue.find(match);
    if (found) throw new Error(`${this.label}: unexpected ${type}: ${JSON.stringify(found)}`);
  }

  /** Asserts that nothing at all arrives within `ms` (and nothing is buffered). */
  async expectSilence(ms = ABSENCE_MS): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (this.queue.length > 0) {
      throw new Error(`${this.label}: unexpected messages: ${this.queue.map((m) => JSON.stringify(m)).join(' ')}`);
    }
  }

  /** Drops buffered messages (after a setup phase whose broadcasts a test does not care about). */
  clear(): void {
    this.queue.length = 0;
  }

  async close(): Promise<CloseInfo> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    return this.closed;
  }

  async terminate(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.terminate();
    await this.closed;
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) {
      problems.push(`${this.label}: binary frame from the daemon`);
      return;
    }
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    this.frames.push(text);
    const parsed = parseFromDaemon(text);
    if (!parsed.ok) {
      problems.push(`${this.label}: ${parsed.code} ${parsed.error}: ${text.slice(0, 300)}`);
      return;
    }
    for (const message of this.pages.accept(parsed.message)) this.deliver(message);
  }

  private deliver(message: FromDaemon): void {
    for (const waiter of this.waiters) {
      if (waiter.where(message)) {
        waiter.resolve(message);
        return;
      }
    }
    this.queue.push(message);
  }
}

export interface Member {
  peer: Peer;
  publicId: string;
  privateId: string;
}

export async function registerMaster(
  daemon: Target,
  options: { token?: string; privateId?: string; peer?: Peer; features?: string[] } = {},
): Promise<Member & { ack: FromDaemonOf<'MASTER_APP_REGISTER_ACK'> }> {
  const peer = options.peer ?? (await Peer.connect(daemon, 'master'));
  peer.send({
    type: 'MASTER_APP_REGISTER',
    token: options.token ?? TOKEN,
    ...(options.privateId === undefined ? {} : { privateId: options.privateId }),
    ...(options.features === undefined ? {} : { features: options.features }),
  });
  const ack = await peer.next('MASTER_APP_REGISTER_ACK');
  return { peer, publicId: ack.publicId, privateId: ack.privateId, ack };
}

export async function registerClient(
  daemon: Target,
  name: string,
  options: { privateId?: string; peer?: Peer; features?: string[] } = {},
): Promise<Member & { ack: FromDaemonOf<'CLIENT_REGISTER_ACK'> }> {
  const peer = options.peer ?? (await Peer.connect(daemon, name));
  peer.send({
    type: 'CLIENT_REGISTER',
    name,
    ...(options.privateId === undefined ? {} : { privateId: options.privateId }),
    ...(options.features === undefined ? {} : { features: options.features }),
  });
  const ack = await peer.next('CLIENT_REGISTER_ACK');
  return { peer, publicId: ack.publicId, privateId: ack.privateId, ack };
}

/** The master approves `client`; resolves once the client has its ROOM_STATE. */
export async function approve(master: Member, client: Member): Promise<FromDaemonOf<'ROOM_STATE'>> {
  master.peer.send({ type: 'APPROVE_CLIENT', publicId: client.publicId });
  await master.peer.next('CLIENT_APPROVED', { where: (m) => m.client.publicId === client.publicId });
  await client.peer.next('CLIENT_APPROVED', { where: (m) => m.client.publicId === client.publicId });
  return client.peer.next('ROOM_STATE');
}

/** The master dis-approves `client`; resolves once the client has been told. */
export async function disApprove(master: Member, client: Member): Promise<void> {
  master.peer.send({ type: 'DIS_APPROVE_CLIENT', publicId: client.publicId });
  await client.peer.next('CLIENT_DIS_APPROVED', { where: (m) => m.publicId === client.publicId });
  await master.peer.next('CLIENT_DIS_APPROVED', { where: (m) => m.publicId === client.publicId });
}

export async function approvedClient(
  daemon: Daemon,
  master: Member,
  name: string,
  options: { features?: string[] } = {},
): Promise<Member> {
  const client = await registerClient(daemon, name, options);
  await master.peer.next('NEW_CLIENT_REGISTERED', { where: (m) => m.client.publicId === client.publicId });
  await approve(master, client);
  return client;
}

export function offer(overrides: Partial<FileOffer> = {}): FileOffer {
  return { id: randomUUID(), name: 'notes.txt', size: 10, chunkSize: 4, mime: 'text/plain', ...overrides };
}

/** `owner` shares `files`; the test's master answers like the real one (accepting every file). */
export async function share(master: Member, owner: Member, files: FileOffer[] = [offer()]): Promise<FileInfo[]> {
  const reqId = `add-${randomUUID()}`;
  owner.peer.send({ type: 'ADD_FILES', reqId, files });
  const forwarded = await master.peer.next('ADD_FILES', { where: (m) => m.reqId === reqId });
  const stamped = forwarded.files.map((file) => ({ ...file, owner: forwarded.owner }));
  master.peer.send({ type: 'FILES_ADDED', reqId, owner: forwarded.owner, files: stamped, rejected: [] });
  const added = await owner.peer.next('FILES_ADDED', { where: (m) => m.reqId === reqId });
  return added.files;
}

/** A room: daemon, master, and approved clients by name (in order). */
export async function room(
  names: string[],
  options: Partial<DaemonOptions> = {},
): Promise<{ daemon: Daemon; master: Member; clients: Member[] }> {
  const daemon = await startTestDaemon(options);
  const master = await registerMaster(daemon);
  const clients: Member[] = [];
  for (const name of names) clients.push(await approvedClient(daemon, master, name));
  return { daemon, master, clients };
}

/**
 * A room of three at `p2p: false` (plus `options`): the first shares a file of `size` bytes in
 * `chunkSize` chunks, the second asks for chunks [0, `end`) under a new transferId, and this
 * resolves once the owner is asked to upload them. The third is a bystander.
 */
export async function relayTransferRoom(
  names: [string, string, string],
  options: Partial<DaemonOptions>,
  shape: { size: number; chunkSize: number; end: number },
) {
  const { daemon, master, clients } = await room(names, { p2p: false, ...options });
  const [owner, asker, third] = [pick(clients, 0), pick(clients, 1), pick(clients, 2)];
  const [file] = await share(master, owner, [offer({ size: shape.size, chunkSize: shape.chunkSize })]);
  if (!file) throw new Error('no file');
  const transferId = randomUUID();
  asker.peer.send({ type: 'REQUEST_CHUNK', transferId, fileId: file.id, start: 0, end: shape.end });
  await owner.peer.next('UPLOAD_CHUNK_REQUEST');
  return { daemon, master, owner, asker, third, file, transferId };
}

/** Destructures `room()` clients without non-null assertions. */
export function pick(clients: Member[], index: number): Member {
  const member = clients[index];
  if (!member) throw new Error(`no client at ${index}`);
  return member;
}

export async function relay(
  daemon: Daemon,
  method: 'GET' | 'PUT',
  path: string,
  options: { privateId?: string; authorization?: string; body?: Uint8Array<ArrayBuffer> } = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.authorization !== undefined) headers['authorization'] = options.authorization;
  else if (options.privateId !== undefined) headers['authorization'] = `Bearer ${options.privateId}`;
  if (options.body) headers['content-type'] = 'application/octet-stream';
  return fetch(`${daemon.url}${path}`, { method, headers, ...(options.body ? { body: options.body } : {}) });
}

/** Polls `check` until it holds (for state only observable over HTTP, like a TTL sweep). */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000, stepMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export async function health(daemon: Daemon): Promise<Record<string, unknown>> {
  const response = await fetch(`${daemon.url}/healthz`);
  return (await response.json()) as Record<string, unknown>;
}
