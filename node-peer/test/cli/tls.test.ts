import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, startTestDaemon, TOKEN } from '@ferry/signaling/test/helpers';
import { selfSignedCertificate } from '@ferry/signaling/self-signed';
import { BUILD_TIMEOUT_MS, buildDaemonIfStale, killAllCli } from '@ferry/signaling/test/support/cli-process';
import { tlsFor } from '../../src/cli/tls-pin';
import { FerryPeer } from '../../src/ferry-peer';
import { cleanupWebrtc } from '../../src/wrtc';
import { PeerCli, removeTempDirs, tempDir } from './support';

/*
 * The join link over https: a 'ferry --tls self-signed' room with the fingerprint its host printed
 * (and refused without it, or with another), and a certificate the system trusts (a "real" one:
 * here the same certificate made trusted through NODE_EXTRA_CA_CERTS, as a CA's would be).
 * --p2p off, so the chunks also take the https relay.
 */

beforeAll(buildDaemonIfStale, BUILD_TIMEOUT_MS);
const peers: FerryPeer[] = [];
afterEach(async () => {
  await killAllCli();
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await closeAll();
  removeTempDirs();
});
afterAll(() => cleanupWebrtc());

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function httpsRoom() {
  const made = await selfSignedCertificate(['127.0.0.1'], null);
  const daemon = await startTestDaemon({ p2p: false, tls: { cert: made.cert, key: made.key } });
  const url = new URL(`${daemon.url}/`);
  expect(url.protocol).toBe('https:');
  const fingerprint = made.fingerprint256.replace(/:/g, '');
  const tls = await tlsFor(url, fingerprint);
  const host = await FerryPeer.connect({ url: daemon.url, masterToken: TOKEN, tls });
  const owner = await FerryPeer.connect({ url: daemon.url, name: 'owner', tls });
  peers.push(host, owner);
  await host.approve(owner.publicId);
  const bytes = randomBytes(3 * 1024 * 1024 + 5);
  await owner.share('secret.bin', bytes);
  return { url: url.href, host, fingerprint: `SHA256:${made.fingerprint256}`, cert: made.cert, hash: sha(bytes) };
}

describe('ferry get over https', () => {
  it('with --fingerprint of a self-signed room: socket and relay pinned, byte-exact', async () => {
    const { url, host, fingerprint, hash } = await httpsRoom();
    const out = tempDir('ferry-get-');
    const getter = new PeerCli(['get', url, '--all', '-o', out, '--fingerprint', fingerprint]);
    const { publicId } = await getter.event('waiting');
    await host.approve(publicId);
    expect(await getter.code()).toBe(0);
    expect(sha(readFileSync(join(out, 'secret.bin')))).toBe(hash);
    expect(getter.events().some((e) => e.event === 'progress' && e.route === 'relay')).toBe(true);
  });

  it('refuses a self-signed room without the fingerprint, or with another one, with exit 4', async () => {
    const { url, fingerprint } = await httpsRoom();
    const without = new PeerCli(['get', url, '--list']);
    expect(await without.code()).toBe(4);
    expect((await without.event('exit')).message).toMatch(/needs --fingerprint/);
    const other = fingerprint.endsWith('00') ? `${fingerprint.slice(0, -2)}11` : `${fingerprint.slice(0, -2)}00`;
    const wrong = new PeerCli(['get', url, '--list', '--fingerprint', other]);
    expect(await wrong.code()).toBe(4);
    expect((await wrong.event('exit')).message).toMatch(/does not match --fingerprint/);
  });

  it('with a certificate the system trusts, as a browser would, no flag needed', async () => {
    const { url, host, cert, hash } = await httpsRoom();
    const caFile = join(tempDir('ferry-ca-'), 'ca.pem');
    writeFileSync(caFile, cert);
    const out = tempDir('ferry-get-');
    const getter = new PeerCli(['get', url, '--all', '-o', out], undefined, { NODE_EXTRA_CA_CERTS: caFile });
    const { publicId } = await getter.event('waiting');
    await host.approve(publicId);
    expect(await getter.code()).toBe(0);
    expect(sha(readFileSync(join(out, 'secret.bin')))).toBe(hash);
  });
});
