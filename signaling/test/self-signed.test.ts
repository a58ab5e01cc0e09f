import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { certificateHosts, selfSignedCertificate } from '../src/self-signed';
import { closeAll, Peer, registerMaster, startTestDaemon } from './helpers';

// `--tls self-signed`: a certificate for LAN use that browsers accept once, kept across restarts.

const dirs: string[] = [];
afterEach(async () => {
  await closeAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-tls-'));
  dirs.push(dir);
  return dir;
}

function httpsStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('self-signed certificate', () => {
  it('names every host it is made for, and a client that trusts it verifies https and wss', async () => {
    const made = await selfSignedCertificate(['127.0.0.1', 'localhost', 'ferry-box.local'], null);
    const x509 = new X509Certificate(made.cert);
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkHost('ferry-box.local')).toBe('ferry-box.local');
    expect(x509.checkIP('10.9.8.7')).toBeUndefined();
    expect(x509.fingerprint256).toBe(made.fingerprint256);
    expect(x509.ca).toBe(false);

    const daemon = await startTestDaemon({ tls: { cert: made.cert, key: made.key } });
    // The certificate itself is the trust anchor: verification (including the name) must pass.
    expect(await httpsStatus(`${daemon.url}/healthz`, made.cert)).toBe(200);
    const peer = await Peer.connect(daemon, 'master', { ca: made.cert });
    const master = await registerMaster(daemon, { peer });
    expect(master.ack.type).toBe('MASTER_APP_REGISTER_ACK');
  });

  it('a client that does not trust it is refused', async () => {
    const made = await selfSignedCertificate(['127.0.0.1'], null);
    const daemon = await startTestDaemon({ tls: { cert: made.cert, key: made.key } });
    await expect(
      new Promise((resolve, reject) => get(`${daemon.url}/healthz`, resolve).on('error', reject)),
    ).rejects.toThrow(/self[- ]signed/i);
  });

  it('is kept in the data directory and reused, with a private key file', async () => {
    const dir = tempDir();
    const first = await selfSignedCertificate(['127.0.0.1', 'localhost'], dir);
    expect(first.reused).toBe(false);
    const second = await selfSignedCertificate(['localhost', '127.0.0.1'], dir);
    expect(second.reused).toBe(true);
    expect(second.fingerprint256).toBe(first.fingerprint256);
    expect(second.key).toBe(first.key);
    if (process.platform !== 'win32') {
      const keyFile = (await import('node:fs')).readdirSync(dir).find((name) => name.includes('key'));
      expect(keyFile).toBeDefined();
      expect(statSync(join(dir, keyFile ?? '')).mode & 0o077).toBe(0);
    }
  });

  it('is replaced when it no longer covers an address, or nears its expiry', async () => {
    const dir = tempDir();
    const first = await selfSignedCertificate(['127.0.0.1'], dir);
    const moved = await selfSignedCertificate(['127.0.0.1', '192.168.1.20'], dir);
    expect(moved.reused).toBe(false);
    expect(moved.fingerprint256).not.toBe(first.fingerprint256);
    expect(new X509Certificate(moved.cert).checkIP('192.168.1.20')).toBe('192.168.1.20');

    const inElevenMonths = new Date(Date.now() + 340 * 24 * 3600 * 1000);
    const renewed = await selfSignedCertificate(['127.0.0.1', '192.168.1.20'], dir, inElevenMonths);
    expect(renewed.reused).toBe(false);
    expect(renewed.fingerprint256).not.toBe(moved.fingerprint256);
  });

  it('a damaged stored file is replaced, not served', async () => {
    const dir = tempDir();
    const first = await selfSignedCertificate(['127.0.0.1'], dir);
    const certFile = (await import('node:fs')).readdirSync(dir).find((name) => name.includes('cert')) ?? '';
    writeFileSync(join(dir, certFile), 'not a certificate');
    const again = await selfSignedCertificate(['127.0.0.1'], dir);
    expect(again.reused).toBe(false);
    expect(again.fingerprint256).not.toBe(first.fingerprint256);
    expect(readFileSync(join(dir, certFile), 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});

describe('certificateHosts', () => {
  const interfaces = {
    lo: [{ address: '127.0.0.1', internal: true }],
    eth0: [
      { address: '192.168.1.20', internal: false },
      { address: 'fe80::1%eth0', internal: false },
    ],
  };

  it('listening everywhere, names every LAN address, loopback and the machine', () => {
    const hosts = certificateHosts('0.0.0.0', interfaces, 'ferry-box');
    expect(hosts).toEqual(
      expect.arrayContaining(['192.168.1.20', 'fe80::1', '127.0.0.1', 'localhost', 'ferry-box', 'ferry-box.local']),
    );
  });

  it('listening on one address, names it and loopback only', () => {
    const hosts = certificateHosts('192.168.1.20', interfaces, 'ferry-box');
    expect(hosts).toContain('192.168.1.20');
    expect(hosts).not.toContain('fe80::1');
    expect(hosts).toContain('127.0.0.1');
  });
});
