import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { CLOSE_CODES, limits } from '@ferry/common';
import { Connection, ConnectionGroup } from './connection';
import { HostAllowList } from './host-allow-list';
import { MasterTokenGuard } from './master-token-guard';
import { KeyedBuckets } from './rate-limit';
import { sendError, sendJson } from './http-util';
import type { DaemonOptions } from './options';
import { withDefaults } from './options';
import { isRelayPath, RelayHttp } from './relay-http';
import { Room } from './room';
import { newSecret } from './secrets';
import { openRoomStore } from './store/sqlite-store';
import { StaticFiles } from './static-files';
import { UnregisteredSockets } from './unregistered-sockets';

export type { DaemonOptions } from './options';

export interface Daemon {
  /** Base URL, e.g. http://127.0.0.1:43210 (https with TLS). */
  readonly url: string;
  readonly port: number;
  readonly room: Room;
  /** The room's database file, or "memory" when it is not kept across restarts. */
  readonly storage: string;
  /** Sockets upgraded but not registered yet (capped per address and in total). */
  readonly unregisteredSockets: number;
  close(): Promise<void>;
}

/** Both signaling/src/daemon.ts and dist/daemon/cli.js sit two folders below the repository root. */
const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

export async function startDaemon(partial: Partial<DaemonOptions> = {}): Promise<Daemon> {
  const options = withDefaults(partial, DEFAULT_WEB_ROOT);
  // Throws (StoreError) when another daemon holds the room or its database cannot be read.
  const store = openRoomStore(options.dataDir, (m) => options.logger.warn(m));
  let room: Room;
  try {
    // A token made up at first start is kept, so the master link survives a restart.
    options.masterToken ||= store.masterToken() ?? newSecret();
    if (store.masterToken() !== options.masterToken) store.setMasterToken(options.masterToken);
    room = new Room(options, store);
  } catch (error) {
    store.close();
    throw error;
  }
  const relayHttp = new RelayHttp(room);
  const statics = new StaticFiles(options.webRoot);
  const connections = new Set<Connection>();
  const connectionGroup = new ConnectionGroup();
  const registrationsPerAddress = new KeyedBuckets(options.registerRatePerSecond, options.registerBurst, options.now);
  const unregistered = new UnregisteredSockets(options.maxUnregisteredPerAddress, options.maxUnregistered);
  const resumesPerIdentity = new KeyedBuckets(options.resumeRatePerSecond, options.resumeBurst, options.now);
  const masterTokens = new MasterTokenGuard(
    options.masterTokenFreeFailures,
    options.masterTokenMaxDelayMs,
    options.now,
  );
  const hosts = new HostAllowList(options.host, options.allowedHosts, options.now);

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const pathname = pathOf(req);
    const method = req.method ?? 'GET';
    if (!hosts.allows(req.headers.host)) {
      return sendError(res, 421, 'this daemon does not serve that host name (see --allow-host)', true);
    }
    if (pathname === '/healthz' && (method === 'GET' || method === 'HEAD')) {
      return sendJson(res, 200, health(room));
    }
    if (isRelayPath(pathname)) {
      if (method === 'PUT') return relayHttp.put(req, res, pathname);
      if (method === 'GET') return relayHttp.get(req, res, pathname);
      return sendError(res, 405, 'the relay takes PUT and GET', true);
    }
    if (statics.handles(pathname) && (method === 'GET' || method === 'HEAD')) {
      statics.serve(req, res, pathname).catch(() => sendError(res, 500, 'could not read the app'));
      return;
    }
    sendError(res, 404, 'not found', method !== 'GET' && method !== 'HEAD');
  };

  // Bounded headers and request times protect against slow or flooding clients: a header section
  // over MAX_HEADER_BYTES gets 431; headers past the 64th are ignored (not refused).
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, maxHeaderSize: MAX_HEADER_BYTES }, onRequest)
    : createHttpServer({ maxHeaderSize: MAX_HEADER_BYTES }, onRequest);
  server.maxHeadersCount = 64;
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.MAX_FRAME_BYTES, perMessageDeflate: false });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!hosts.allows(req.headers.host)) return refuseUpgrade(socket, '421 Misdirected Request');
    if (pathOf(req) !== '/ws' || !sameOrigin(req)) return refuseUpgrade(socket, '403 Forbidden');
    // The socket is gone already: nothing to serve, and its 'close' may have passed.
    if (socket.destroyed) return;
    // The same address as the registration rate's (behind a reverse proxy: the proxy's, for all).
    const address = addressKey(req.socket.remoteAddress ?? '');
    // A newcomer may take this socket's slot while it is still unregistered (see UnregisteredSockets).
    const admission = unregistered.admit(address, () => socket.destroy());
    if (!admission.isAdmitted) {
      // 429 like the relay's rate limit when the address is over its own share; 503 when the
      // daemon as a whole is full, which is no fault of this client.
      return admission.reason === 'address-full'
        ? refuseUpgrade(
            socket,
            '429 Too Many Requests',
            'too many connections from your address have not registered yet; retry in a moment',
          )
        : refuseUpgrade(
            socket,
            '503 Service Unavailable',
            'too many connections have not registered yet; retry in a moment',
          );
    }
    // Every end of the socket (a failed handshake, a close, the register timeout, a cut) passes
    // here; registering frees the slot earlier. The release is idempotent.
    socket.once('close', admission.release);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const registration = {
        perAddress: registrationsPerAddress,
        resumesPerIdentity,
        masterTokens,
        address,
        onRegistered: admission.release,
      };
      const connection = new Connection(ws, room, connectionGroup, registration, socket);
      connections.add(connection);
      ws.on('close', () => connections.delete(connection));
    });
  });

  let lastBeatMs = options.now();
  const heartbeat = setInterval(() => {
    // A late beat means this process stalled (a long task, a starved CPU): the pongs may be
    // sitting unread behind this timer, so this round only pings and cuts nobody.
    const nowMs = options.now();
    const isLate = nowMs - lastBeatMs > options.heartbeatMs + Math.max(1000, options.heartbeatMs / 10);
    lastBeatMs = nowMs;
    for (const c of connections) {
      if (!c.isAlive && !isLate) c.terminate();
      else c.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();
  const sweeper = setInterval(() => room.sweep(), Math.min(1000, options.relayTtlMs));
  sweeper.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(heartbeat);
    clearInterval(sweeper);
    room.close();
    store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `${options.tls ? 'https' : 'http'}://${hostForUrl}:${port}`;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      clearInterval(heartbeat);
      clearInterval(sweeper);
      for (const c of connections) c.closeForShutdown(CLOSE_CODES.goingAway, 'the daemon is shutting down');
      room.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Sockets that do not finish the closing handshake promptly are cut.
      const force = setTimeout(() => {
        for (const c of connections) c.terminate();
        server.closeAllConnections();
      }, 1000);
      await closed;
      clearTimeout(force);
      wss.close();
      // Last: a message handled while the sockets were closing is still written.
      store.close();
    })();
    return closing;
  };
  return {
    url,
    port,
    room,
    storage: store.location,
    get unregisteredSockets() {
      return unregistered.size;
    },
    close,
  };
}

/** Header section bytes a request may carry (Node's own default, set here so it is a stated limit). */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The key limits by address count under: the address itself, but for IPv6 its /64 (one home or
 * one machine routinely holds a whole /64, so its single addresses are free for the taking).
 */
export function addressKey(remoteAddress: string): string {
  if (!remoteAddress.includes(':') || remoteAddress.startsWith('::ffff:')) return remoteAddress;
  if (remoteAddress === '::1') return remoteAddress;
  const [head = ''] = remoteAddress.split('%');
  const halves = head.split('::');
  const left = (halves[0] ?? '').split(':').filter((g) => g !== '');
  const right = halves.length > 1 ? (halves[1] ?? '').split(':').filter((g) => g !== '') : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).join(':')}::/64`;
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://ferry.invalid').pathname;
  } catch {
    return '';
  }
}

/**
 * A browser always sends Origin on a WebSocket upgrade; refusing other sites' pages stops a
 * malicious page from talking to the daemon from a guest's browser. Non-browser clients send none.
 */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Answers an upgrade without a handshake and drops the socket. The HTTP server has taken its own
 * 'error' listener off an upgraded socket, so one is added: a reset mid-answer must not throw.
 * `retryError` marks a refusal that passes (a cap): it gets `Retry-After: 1` and a JSON reason.
 */
function refuseUpgrade(socket: Duplex, status: string, retryError?: string): void {
  socket.on('error', () => socket.destroy());
  const body = retryError === undefined ? '' : JSON.stringify({ error: retryError });
  const headers = ['Connection: close'];
  if (retryError !== undefined) headers.push('Retry-After: 1', 'Content-Type: application/json');
  headers.push(`Content-Length: ${Buffer.byteLength(body)}`);
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status}\r\n${headers.join('\r\n')}\r\n\r\n${body}`);
}

function health(room: Room) {
  let online = 0;
  for (const peer of room.peers.all()) if (peer.session) online++;
  return {
    ok: true,
    peers: room.peers.size,
    online,
    masterOnline: room.masterOnline,
    files: room.files.size,
    transfers: room.transfers.size,
    relayBytes: room.relay.bytes,
  };
}
