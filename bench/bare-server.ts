import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The relay ceiling's server: a bare Node HTTP server that holds one chunk at a time. PUT
 * /chunk/<i> waits until the slot is empty, then reads the body into it; GET /chunk/<i> waits
 * until chunk i is in the slot, sends it and empties the slot. No auth, no quota, no signaling:
 * what is left is the cost of moving the bytes through HTTP from one page to another. `/` is an
 * empty page, so the ceiling's pages are same-origin with it.
 */
export interface BareServer {
  readonly url: string;
  close(): Promise<void>;
}

const CHUNK_PATH = /^\/chunk\/(\d+)$/;

export async function startBareServer(): Promise<BareServer> {
  let slot: { index: number; data: Buffer } | null = null;
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const wake of [...waiters]) wake();
  };
  const until = async (condition: () => boolean) => {
    while (!condition()) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
      });
    }
  };

  const put = async (index: number, req: IncomingMessage, res: ServerResponse) => {
    const length = Number(req.headers['content-length']);
    await until(() => slot === null);
    const data = Buffer.allocUnsafe(length);
    let received = 0;
    for await (const part of req) {
      (part as Buffer).copy(data, received);
      received += (part as Buffer).length;
    }
    slot = { index, data };
    changed();
    res.writeHead(201, { 'Content-Length': 0 }).end();
  };
  const get = async (index: number, res: ServerResponse) => {
    await until(() => slot?.index === index);
    const data = slot?.data ?? Buffer.alloc(0);
    slot = null;
    changed();
    res
      .writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': data.length,
        'Cache-Control': 'no-store',
      })
      .end(data);
  };

  const server = createServer((req, res) => {
    const match = CHUNK_PATH.exec(req.url ?? '');
    if (match?.[1] !== undefined && req.method === 'PUT') return void put(Number(match[1]), req, res);
    if (match?.[1] !== undefined && req.method === 'GET') return void get(Number(match[1]), res);
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>bench</title>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
