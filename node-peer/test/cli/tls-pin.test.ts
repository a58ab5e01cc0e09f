import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '@ferry/signaling/self-signed';
import { CliError, EXIT } from '../../src/cli/exit-codes';
import { tlsFor } from '../../src/cli/tls-pin';

const servers: https.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A real HTTPS server with a certificate made as 'ferry --tls self-signed' makes it. */
async function selfSignedServer(): Promise<{ url: URL; fingerprint: string }> {
  const made = await selfSignedCertificate(['127.0.0.1'], null);
  const server = https.createServer({ cert: made.cert, key: made.key }, (_req, res) => res.end('ok'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`https://127.0.0.1:${port}/`), fingerprint: made.fingerprint256.replace(/:/g, '') };
}

const get = (url: URL, options: https.RequestOptions) =>
  new Promise<string>((resolve, reject) => {
    https
      .get(url, { ...options, agent: false }, (res) => {
        let body = '';
        res.on('data', (part: Buffer) => (body += part.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });

describe('a pinned certificate', () => {
  it('trusts exactly the certificate whose fingerprint was given, and nothing without it', async () => {
    const { url, fingerprint } = await selfSignedServer();
    const tls = await tlsFor(url, fingerprint);
    expect(await get(url, tls)).toBe('ok');
    // Without the pin the system's authorities decide, and they do not know this certificate.
    await expect(get(url, await tlsFor(url, null))).rejects.toThrow(/self[- ]signed/i);
    // Another server's certificate under the same pin is refused on connection.
    const other = await selfSignedServer();
    await expect(get(other.url, tls)).rejects.toThrow(/changed|self[- ]signed|certificate/i);
  });

  it('refuses a fingerprint that does not match, naming both, with exit 4', async () => {
    const { url, fingerprint } = await selfSignedServer();
    const wrong = `${fingerprint.slice(0, -2)}${fingerprint.endsWith('00') ? '11' : '00'}`;
    const error = await tlsFor(url, wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe(EXIT.unreachable);
    expect((error as CliError).message).toMatch(/does not match --fingerprint/);
    expect((error as CliError).message).toContain(fingerprint.slice(0, 2));
  });

  it('is for https only', async () => {
    await expect(tlsFor(new URL('http://127.0.0.1:1/'), 'AB'.repeat(32))).rejects.toMatchObject({ code: EXIT.usage });
    expect(await tlsFor(new URL('http://127.0.0.1:1/'), null)).toEqual({});
  });
});
