import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeAll, Peer, registerClient, registerMaster, room, startTestDaemon, wsUrl } from './helpers';

// How peers reach the daemon: TLS, the /ws path, the Origin check.

afterEach(closeAll);

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
const cert = readFileSync(join(fixtures, 'tls-cert.pem'), 'utf8');
const key = readFileSync(join(fixtures, 'tls-key.pem'), 'utf8');

function httpsStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { ca: cert }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** Resolves with the HTTP status a refused upgrade got, or 101 when the socket opened. */
function upgradeStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
  });
}

describe('transport', () => {
  it('with TLS the daemon speaks https and wss', async () => {
    const daemon = await startTestDaemon({ tls: { cert, key } });
    expect(daemon.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await httpsStatus(`${daemon.url}/healthz`)).toBe(200);
    const peer = await Peer.connect(daemon, 'master', { ca: cert });
    const master = await registerMaster(daemon, { peer });
    expect(master.ack.files).toEqual([]);
    await expect(upgradeStatus(wsUrl(daemon))).rejects.toThrow();
  });

  it('speaks WebSocket at /ws only', async () => {
    const daemon = await startTestDaemon();
    const base = daemon.url.replace(/^http/, 'ws');
    expect(await upgradeStatus(`${base}/ws`)).toBe(101);
    expect(await upgradeStatus(`${base}/`)).not.toBe(101);
    expect(await upgradeStatus(`${base}/relay/x/0`)).not.toBe(101);
  });

  it("refuses an upgrade from another site's page, accepts its own", async () => {
    const daemon = await startTestDaemon();
    expect(await upgradeStatus(wsUrl(daemon), { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(wsUrl(daemon), { origin: daemon.url })).toBe(101);
  });

  it('closes every socket when the daemon closes (1001)', async () => {
    const { daemon, master } = await room([]);
    const alice = await registerClient(daemon, 'alice');
    await daemon.close();
    expect((await master.peer.closed).code).toBe(1001);
    expect((await alice.peer.closed).code).toBe(1001);
  });
});
