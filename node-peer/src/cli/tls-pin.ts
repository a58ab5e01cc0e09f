import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import tls from 'node:tls';
import { CliError, EXIT } from './exit-codes';

/** TLS options for every connection to the room (its WebSocket and its relay). */
export interface TlsOptions {
  ca?: string;
  checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
}

const plainHex = (fingerprint: string) => fingerprint.replace(/:/g, '').toUpperCase();
const colonHex = (hex: string) => hex.match(/../g)?.join(':') ?? hex;

/**
 * With a pinned fingerprint (a 'ferry --tls self-signed' room): the room's certificate is fetched
 * once, compared with the pin, and then trusted alone, for that certificate only, whatever names
 * it holds. A certificate that does not match is refused with both fingerprints, never skipped.
 * Without a pin, the system's certificate authorities decide, as a browser does.
 */
export async function tlsFor(joinLink: URL, fingerprint: string | null, timeoutMs = 10_000): Promise<TlsOptions> {
  if (joinLink.protocol !== 'https:') {
    if (fingerprint !== null) throw new CliError(EXIT.usage, '--fingerprint is for https links only');
    return {};
  }
  if (fingerprint === null) return {};
  const certificate = await presentedCertificate(joinLink, timeoutMs);
  const presented = plainHex(certificate.fingerprint256);
  if (presented !== fingerprint) {
    throw new CliError(
      EXIT.unreachable,
      `the room's certificate does not match --fingerprint: it presented SHA256:${colonHex(presented)}, ` +
        `expected SHA256:${colonHex(fingerprint)}. Check the fingerprint the host's ferry printed; ` +
        'if it matches what you typed, someone may be in between.',
    );
  }
  return {
    ca: certificate.toString(),
    checkServerIdentity: (_host, cert) =>
      plainHex(cert.fingerprint256) === fingerprint
        ? undefined
        : new Error(`the room's certificate changed (SHA256:${colonHex(plainHex(cert.fingerprint256))})`),
  };
}

/** The certificate the server at `url` presents, read without trusting it (nothing is sent). */
function presentedCertificate(url: URL, timeoutMs: number): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: url.hostname,
      port: Number(url.port || 443),
      // Only to read the certificate and compare it with the pin; the connection is then closed.
      rejectUnauthorized: false,
      ...(isIp(url.hostname) ? {} : { servername: url.hostname }),
    });
    const timer = setTimeout(() => fail(new Error(`no answer from ${url.host} in ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new CliError(EXIT.unreachable, `cannot reach the room at ${url.origin}: ${error.message}`, { cause: error }),
      );
    };
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      if (!raw) return reject(new CliError(EXIT.unreachable, `the room at ${url.origin} presented no certificate`));
      resolve(new X509Certificate(raw));
    });
  });
}

const isIp = (host: string) => /^[\d.]+$/.test(host) || host.includes(':') || host.startsWith('[');
