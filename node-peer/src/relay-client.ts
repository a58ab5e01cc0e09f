import http from 'node:http';
import https from 'node:https';
import type { RelayGetResult, RelayPutResult } from '@ferry/common/transfer';
import type { TlsOptions } from './cli/tls-pin';

/**
 * A Node peer's client for the daemon's HTTP relay, over node:http with kept-alive connections.
 * Node's fetch (undici) was most of a Node peer's CPU on the relay path: profiled moving 64 MiB, its
 * body handling (extractBody, a web-stream copy of every body, its stream controller) took more
 * main-thread time than hashing and storing the chunks. A plain request writes the chunk as is.
 */
export class RelayClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  /**
   * `authorization` is read per request: the peer learns its privateId after connecting. `tls`: a
   * pinned certificate for an https room (cli/tls-pin.ts).
   */
  constructor(
    baseUrl: string,
    private readonly authorization: () => string,
    tls: TlsOptions = {},
  ) {
    this.base = new URL(baseUrl);
    const isHttps = this.base.protocol === 'https:';
    this.transport = isHttps ? https : http;
    this.agent = isHttps ? new https.Agent({ keepAlive: true, ...tls }) : new http.Agent({ keepAlive: true });
  }

  async put(transferId: string, index: number, bytes: Uint8Array, sha256Hex: string): Promise<RelayPutResult> {
    const { status } = await this.request('PUT', transferId, index, bytes, {
      'X-Chunk-Sha256': sha256Hex,
      'Content-Type': 'application/octet-stream',
    });
    if (status >= 200 && status < 300) return 'ok';
    // 507: a relay quota is full until the asker fetches; 429: over the upload rate. Both pass.
    return status === 507 || status === 429 || status >= 500 ? 'retry' : 'gone';
  }

  async get(transferId: string, index: number): Promise<RelayGetResult> {
    const { status, body, headers } = await this.request('GET', transferId, index, null, {});
    if (status < 200 || status >= 300) return status === 404 ? 'missing' : 'gone';
    const sha256 = headers['x-chunk-sha256'];
    return { bytes: body, ...(typeof sha256 === 'string' ? { sha256 } : {}) };
  }

  close(): void {
    this.agent.destroy();
  }

  private request(
    method: 'PUT' | 'GET',
    transferId: string,
    index: number,
    body: Uint8Array | null,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: Uint8Array; headers: http.IncomingHttpHeaders }> {
    const url = new URL(`/relay/${encodeURIComponent(transferId)}/${index}`, this.base);
    return new Promise((resolve, reject) => {
      const req = this.transport.request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            ...headers,
            Authorization: `Bearer ${this.authorization()}`,
            ...(body ? { 'Content-Length': String(body.byteLength) } : {}),
          },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (part: Buffer) => parts.push(part));
          res.on('error', reject);
          res.on('end', () => {
            const joined = parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts);
            resolve({
              status: res.statusCode ?? 0,
              body: new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength),
              headers: res.headers,
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  }
}
