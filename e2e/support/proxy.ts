import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the daemon, to cut one person's network without touching the others:
 * Playwright's context.setOffline() does not cut WebSockets (docs/TESTING.md). While it is down, open
 * connections are reset and new ones are refused with a reset too.
 */
export interface CuttableLink {
  /** The daemon's origin as seen through the proxy, e.g. http://127.0.0.1:40123. */
  readonly url: string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function openCuttableLink(targetUrl: string): Promise<CuttableLink> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let isDown = false;

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const server = createServer((incoming) => {
    track(incoming);
    if (isDown) {
      incoming.resetAndDestroy();
      return;
    }
    const outgoing = createConnection({ host: target.hostname, port: Number(target.port) });
    track(outgoing);
    incoming.pipe(outgoing).pipe(incoming);
    incoming.once('close', () => outgoing.destroy());
    outgoing.once('close', () => incoming.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      isDown = true;
      for (const socket of sockets) socket.resetAndDestroy();
    },
    restore: () => {
      isDown = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
