import { hostname, networkInterfaces } from 'node:os';
import { certificateHosts } from './self-signed';

/** How often the machine's names and addresses are read again on a miss (a new DHCP lease). */
const REFRESH_MS = 5_000;

/**
 * The names a request's Host header may carry: against DNS rebinding, where a page from another
 * site reaches the daemon under the attacker's name (the Origin check alone passes then, Origin and
 * Host naming the same foreign site). Allowed: the daemon's listening address, every address of
 * this machine, loopback names, the machine's name (and name.local), and the host's extra names
 * (`--allow-host`, e.g. a reverse proxy's public name; '*' allows any). The port is not compared.
 */
export class HostAllowList {
  private names = new Set<string>();
  private readAtMs = Number.NEGATIVE_INFINITY;
  private readonly allowsAny: boolean;

  constructor(
    private readonly listenHost: string,
    private readonly extraNames: readonly string[],
    private readonly now: () => number,
  ) {
    this.allowsAny = extraNames.includes('*');
  }

  /** True when `hostHeader` (e.g. "192.168.1.5:8787", "[::1]:8787", "laptop.local") names this daemon. */
  allows(hostHeader: string | undefined): boolean {
    // HTTP/1.0 without Host is no browser, hence no rebinding: nothing to check.
    if (hostHeader === undefined || this.allowsAny) return true;
    const name = hostNameOf(hostHeader);
    if (name === null) return false;
    if (this.names.has(name)) return true;
    const nowMs = this.now();
    if (nowMs - this.readAtMs < REFRESH_MS) return false;
    this.readAtMs = nowMs;
    this.names = new Set(
      [...certificateHosts(this.listenHost, networkInterfaces(), hostname()), this.listenHost, ...this.extraNames].map(
        normalize,
      ),
    );
    return this.names.has(name);
  }
}

/** The name part of a Host header, lower case, without brackets, port or a trailing dot. */
export function hostNameOf(hostHeader: string): string | null {
  const header = hostHeader.trim();
  if (header.startsWith('[')) {
    const end = header.indexOf(']');
    return end > 1 ? normalize(header.slice(1, end)) : null;
  }
  const colon = header.indexOf(':');
  const name = colon >= 0 ? header.slice(0, colon) : header;
  return name === '' ? null : normalize(name);
}

function normalize(name: string): string {
  return name
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}
