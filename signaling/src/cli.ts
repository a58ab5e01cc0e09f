import { readFileSync } from 'node:fs';
import { homedir, hostname, networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderUnicodeCompact } from 'uqr';
import { IceServers } from '@ferry/common';
import { startDaemon } from './daemon';
import type { DaemonOptions, Logger } from './options';
import { certificateHosts, selfSignedCertificate } from './self-signed';
import { startErrorMessage } from './start-errors';
import type { System } from './store/data-dir';
import { defaultDataDir } from './store/data-dir';

const USAGE = `Usage: ferry [options]                    run a room (this machine is its host)
       ferry send <join-link> <path>...   share files and folders from a terminal
       ferry get <join-link> [options]    list or download from a terminal
                                          (see ferry send --help, ferry get --help)

Options of the room:

  --host HOST            address to listen on (default 0.0.0.0: the whole LAN)
  --port PORT            port, 0 for any free one (default 8787)
  --master-token TOKEN   the host's secret, at least 22 characters (default:
                         $FERRY_MASTER_TOKEN, else the room's stored one, else a random one
                         that is then kept)
  --weak-token-ok        accept a --master-token shorter than 22 characters (guessable)
  --data-dir DIR         keep the room (people, approvals, files, master) in DIR/ferry.sqlite
                         (default: the user's data folder, ferry/rooms/port-PORT; with --port 0
                         the room is kept in memory only)
  --p2p on|off           off sends every transfer through the HTTP relay (default on)
  --relay-ttl SECONDS    relay chunks not fetched by then are deleted (default 60)
  --relay-quota MIB      MiB the relay may hold at once (default 128)
  --register-rate N      limit registrations by address, off by default (0; many people may
                         share one address): N per second from one address, burst 3N. (Always
                         on: at most 64 sockets per address not yet registered, and waits
                         after 5 wrong master tokens from one address.)
  --allow-host NAME      also serve requests whose Host is NAME (e.g. a reverse proxy's public
                         name; repeatable; '*' allows any). Always served: this machine's
                         addresses and name, localhost
  --grace SECONDS        how long an offline peer's files stay listed (default 300)
  --ice-servers JSON     STUN/TURN servers for WebRTC, e.g. '[{"urls":"stun:stun.example.org"}]'
  --tls-cert FILE        serve HTTPS/WSS with this certificate (PEM) ...
  --tls-key FILE         ... and this key (PEM)
  --tls self-signed      serve HTTPS/WSS with a certificate made for this machine's addresses
                         (LAN use: browsers warn once; kept with the room's data)
  --no-qr                do not print the join link's QR code
  --help                 show this text
`;

class UsageError extends Error {}

/**
 * `--register-rate`: registrations by remote address, off at 0 (the default). The caps on
 * unregistered sockets are not its business: they are on whatever it says (no honest tab nears them).
 */
function registerRate(perSecond: number): Partial<DaemonOptions> {
  if (perSecond === 0) {
    return { registerRatePerSecond: Number.POSITIVE_INFINITY, registerBurst: Number.POSITIVE_INFINITY };
  }
  return { registerRatePerSecond: perSecond, registerBurst: perSecond * 3 };
}

/** A master token shorter than this (about 128 bits of base64) can be guessed; refused without --weak-token-ok. */
export const MIN_MASTER_TOKEN_CHARS = 22;

const VALUE_OPTIONS = new Set([
  '--host',
  '--port',
  '--master-token',
  '--p2p',
  '--relay-ttl',
  '--relay-quota',
  '--grace',
  '--ice-servers',
  '--tls-cert',
  '--tls-key',
  '--tls',
  '--data-dir',
  '--register-rate',
  '--allow-host',
]);

/**
 * `--master-token -abc` is a value, not an option: random tokens may start with '-', which
 * parseArgs alone refuses as ambiguous. Values of options that take one are joined with '='.
 */
function joinOptionValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = argv[i + 1];
    if (VALUE_OPTIONS.has(arg) && value !== undefined) {
      out.push(`${arg}=${value}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function numberOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export function parseCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  system: Omit<System, 'env'> = { platform: process.platform, homedir: homedir() },
):
  | {
      options: Partial<DaemonOptions>;
      qr: boolean;
      isSelfSigned: boolean;
      tokenGiven: boolean;
      isDataDirGiven: boolean;
    }
  | 'help' {
  const { values } = parseArgs({
    args: joinOptionValues(argv),
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'master-token': { type: 'string' },
      p2p: { type: 'string' },
      'relay-ttl': { type: 'string' },
      'relay-quota': { type: 'string' },
      grace: { type: 'string' },
      'ice-servers': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      tls: { type: 'string' },
      'data-dir': { type: 'string' },
      'register-rate': { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      'weak-token-ok': { type: 'boolean' },
      'no-qr': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const p2p = values.p2p ?? 'on';
  if (p2p !== 'on' && p2p !== 'off') throw new UsageError('--p2p must be on or off');
  const givenToken = values['master-token'] ?? env['FERRY_MASTER_TOKEN'];
  if (givenToken !== undefined && (givenToken.length < 1 || givenToken.length > 256)) {
    throw new UsageError('--master-token must be 1 to 256 characters');
  }
  if (givenToken !== undefined && givenToken.length < MIN_MASTER_TOKEN_CHARS && !values['weak-token-ok']) {
    const source = values['master-token'] === undefined ? 'FERRY_MASTER_TOKEN' : '--master-token';
    throw new UsageError(
      `${source} is ${givenToken.length} characters: anyone could guess it and run the room. ` +
        `Use at least ${MIN_MASTER_TOKEN_CHARS} random characters (or leave it out for a random one), ` +
        'or pass --weak-token-ok to accept it anyway',
    );
  }
  const allowedHosts = values['allow-host'] ?? [];
  if (allowedHosts.some((name) => name === '' || /[\s/]/.test(name)))
    throw new UsageError('--allow-host takes a host name or address, e.g. ferry.example.org');
  let iceServers: DaemonOptions['iceServers'] = [];
  if (values['ice-servers'] !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(values['ice-servers']);
    } catch {
      throw new UsageError('--ice-servers must be JSON, e.g. \'[{"urls":"stun:host:3478"}]\'');
    }
    const parsed = IceServers.safeParse(raw);
    if (!parsed.success) throw new UsageError(`--ice-servers: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    iceServers = parsed.data;
  }
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new UsageError('--tls-cert and --tls-key go together');
  if (values.tls !== undefined && values.tls !== 'self-signed')
    throw new UsageError('--tls takes one value: self-signed');
  const isSelfSigned = values.tls === 'self-signed';
  if (isSelfSigned && certFile !== undefined)
    throw new UsageError('--tls self-signed and --tls-cert/--tls-key exclude each other');
  let tls: DaemonOptions['tls'] = null;
  if (certFile !== undefined && keyFile !== undefined) {
    try {
      tls = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
    } catch (error) {
      throw new UsageError(`cannot read the TLS files: ${(error as Error).message}`);
    }
  }
  const port = numberOption(values.port, 'port', 8787, 0, 65535);
  if (values['data-dir'] === '') throw new UsageError('--data-dir needs a folder');
  return {
    options: {
      host: values.host ?? '0.0.0.0',
      port,
      dataDir:
        values['data-dir'] === undefined ? defaultDataDir(port, { ...system, env }) : resolve(values['data-dir']),
      // Empty: the daemon reuses the room's stored token, or makes one up and keeps it.
      masterToken: givenToken ?? '',
      p2p: p2p === 'on',
      relayTtlMs: numberOption(values['relay-ttl'], 'relay-ttl', 60, 1, 86_400) * 1000,
      relayQuotaBytes: numberOption(values['relay-quota'], 'relay-quota', 128, 1, 65_536) * 1024 * 1024,
      ...registerRate(numberOption(values['register-rate'], 'register-rate', 0, 0, 1_000_000)),
      gracePeriodMs: numberOption(values.grace, 'grace', 300, 0, 86_400 * 7) * 1000,
      allowedHosts,
      iceServers,
      tls,
    },
    qr: !values['no-qr'],
    isSelfSigned,
    tokenGiven: givenToken !== undefined,
    isDataDirGiven: values['data-dir'] !== undefined,
  };
}

/** The address people on the LAN use when the daemon listens on every interface. */
function publicHost(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host.includes(':') ? `[${host}]` : host;
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return 'localhost';
}

const consoleLogger: Logger = {
  info: (m) => console.log(`[ferry] ${m}`),
  warn: (m) => console.warn(`[ferry] ${m}`),
};

export async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(argv, process.env);
  } catch (error) {
    console.error(`ferry: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (parsed === 'help') {
    console.log(USAGE);
    return;
  }
  const { options, qr } = parsed;
  if (parsed.isSelfSigned) {
    // Kept with the room's data, so exceptions browsers were given still match after a restart.
    const made = await selfSignedCertificate(
      certificateHosts(options.host ?? '0.0.0.0', networkInterfaces(), hostname()),
      options.dataDir ?? null,
    );
    options.tls = { cert: made.cert, key: made.key };
    console.log(
      `self-signed certificate (${made.reused ? 'kept' : 'new'}), SHA-256 fingerprint: ${made.fingerprint256}`,
    );
    console.log('browsers warn about it once: compare the fingerprint above with the one the browser shows');
  }
  let daemon: Awaited<ReturnType<typeof startDaemon>>;
  try {
    daemon = await startDaemon({ ...options, logger: consoleLogger });
  } catch (error) {
    // A locked or unreadable room, a port in use: one clear line, not a stack trace.
    const context = {
      host: options.host ?? '0.0.0.0',
      port: options.port ?? 8787,
      dataDir: options.dataDir ?? null,
      isDataDirGiven: parsed.isDataDirGiven,
    };
    console.error(`ferry: cannot start: ${startErrorMessage(error, context)}`);
    process.exit(2);
  }
  // Before anything is printed: whoever reads the links may signal at once, and must get a clean exit.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[ferry] ${signal}: closing`);
    daemon.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const base = `${daemon.url.split('://')[0]}://${publicHost(options.host ?? '0.0.0.0')}:${daemon.port}`;
  const joinLink = `${base}/`;
  daemon.room.options.joinUrl = joinLink;
  console.log(`Ferry is running. listening on ${daemon.url}`);
  console.log(
    daemon.storage === 'memory'
      ? 'state kept in memory: a restart starts an empty room (pass --data-dir to keep it)'
      : `state kept in ${daemon.storage}`,
  );
  console.log(
    `master link (yours alone: it runs the room): ${base}/master#token=${encodeURIComponent(daemon.room.options.masterToken)}`,
  );
  console.log(`join link (share it): ${joinLink}`);
  if (!options.p2p) console.log('p2p is off: every transfer goes through the relay');
  if (qr) console.log(renderUnicodeCompact(joinLink));
}
