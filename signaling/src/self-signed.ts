import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** A certificate and its key, both PEM, as `https.createServer` takes them. */
export interface TlsMaterial {
  cert: string;
  key: string;
}

export interface SelfSignedResult extends TlsMaterial {
  /** SHA-256 of the certificate, as browsers show it on their warning page. */
  fingerprint256: string;
  /** True when a stored certificate was reused (people who accepted it are not asked again). */
  reused: boolean;
}

const VALIDITY_DAYS = 365;
/** A stored certificate this close to expiry is replaced rather than served. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;
const CERT_FILE = 'self-signed-cert.pem';
const KEY_FILE = 'self-signed-key.pem';

/**
 * The certificate `--tls self-signed` serves: one that names every address the join link may use,
 * so a browser on the LAN gets a secure context (WebCrypto, service workers, the save picker)
 * once the person accepts the warning. Kept in `dir` (the data directory) so that, after a
 * restart, the exception people already granted still matches; replaced when it no longer covers
 * `hosts` or nears expiry. `dir` null: made afresh in memory.
 */
export async function selfSignedCertificate(
  hosts: readonly string[],
  dir: string | null,
  now = new Date(),
): Promise<SelfSignedResult> {
  if (dir !== null) {
    const stored = readStored(dir);
    if (stored && covers(stored.x509, hosts, now)) {
      return { cert: stored.cert, key: stored.key, fingerprint256: stored.x509.fingerprint256, reused: true };
    }
  }
  const made = await makeCertificate(hosts, now);
  if (dir !== null) {
    // Made here before the store opens it: private like the store makes it (the key lives here too).
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The key first and private: a crash between the two writes leaves no certificate without its key.
    writeFileSync(join(dir, KEY_FILE), made.key, { mode: 0o600 });
    chmodSync(join(dir, KEY_FILE), 0o600);
    writeFileSync(join(dir, CERT_FILE), made.cert);
  }
  return { ...made, fingerprint256: new X509Certificate(made.cert).fingerprint256, reused: false };
}

async function makeCertificate(hosts: readonly string[], now: Date): Promise<TlsMaterial> {
  const altNames = [...new Set(hosts)].map((host) =>
    isIP(host) ? { type: 7 as const, ip: host } : { type: 2 as const, value: host },
  );
  const pems = await generate([{ name: 'commonName', value: 'Ferry (self-signed)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + VALIDITY_DAYS * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

function readStored(dir: string): (TlsMaterial & { x509: X509Certificate }) | null {
  try {
    const cert = readFileSync(join(dir, CERT_FILE), 'utf8');
    const key = readFileSync(join(dir, KEY_FILE), 'utf8');
    return { cert, key, x509: new X509Certificate(cert) };
  } catch {
    // Missing or unreadable: a new one is made and written over it.
    return null;
  }
}

function covers(x509: X509Certificate, hosts: readonly string[], now: Date): boolean {
  if (Date.parse(x509.validTo) - now.getTime() < RENEW_BEFORE_MS) return false;
  if (Date.parse(x509.validFrom) > now.getTime()) return false;
  return hosts.every((host) => (isIP(host) ? x509.checkIP(host) !== undefined : x509.checkHost(host) !== undefined));
}

/**
 * The names a self-signed certificate must carry for a daemon listening on `host`: every address
 * the printed links may use (all LAN addresses when it listens everywhere), plus loopback and the
 * machine's name for the host's own tab.
 */
export function certificateHosts(
  host: string,
  interfaces: NodeJS.Dict<Array<{ address: string; internal: boolean }>>,
  hostname: string,
): string[] {
  const hosts = new Set<string>(['localhost', '127.0.0.1', '::1']);
  if (hostname) {
    hosts.add(hostname);
    if (!hostname.includes('.')) hosts.add(`${hostname}.local`);
  }
  if (host === '0.0.0.0' || host === '::') {
    for (const addresses of Object.values(interfaces)) {
      for (const a of addresses ?? []) if (!a.internal) hosts.add(a.address.split('%')[0] ?? a.address);
    }
  } else {
    hosts.add(host);
  }
  return [...hosts];
}
