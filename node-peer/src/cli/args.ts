import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { NAME_BOUNDS, textProblem } from '@ferry/common';
import { CliError, EXIT } from './exit-codes';

/** What both commands share: where the room is and who this peer is. */
export interface CommonOptions {
  joinLink: URL;
  name: string;
  /** --name was given: a name the room refuses is an error, not a reason to pick another. */
  isNameGiven: boolean;
  /** A pinned certificate fingerprint (64 hex digits, uppercase, no separators). */
  fingerprint: string | null;
  forget: boolean;
  json: boolean;
}

export interface SendOptions extends CommonOptions {
  command: 'send';
  paths: string[];
}

export interface GetOptions extends CommonOptions {
  command: 'get';
  list: boolean;
  files: string[];
  from: string | null;
  all: boolean;
  output: string;
  overwrite: boolean;
}

export type Parsed = SendOptions | GetOptions | { command: 'help'; text: 'main' | 'send' | 'get' };

const usage = (message: string) => new CliError(EXIT.usage, message);

/** "SHA256:AB:CD:…", "ab:cd:…" or plain hex, as 'ferry --tls self-signed' and browsers print it. */
export function parseFingerprint(text: string): string {
  const hex = text
    .trim()
    .replace(/^sha-?256:/i, '')
    .replace(/[:\s]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw usage(`--fingerprint: expected a SHA-256 fingerprint (64 hex digits, e.g. SHA256:AB:CD:…), got "${text}"`);
  }
  return hex;
}

/** The room's address: an http(s) link as the daemon prints it (any path is the room's). */
export function parseJoinLink(text: string | undefined): URL {
  if (text === undefined) throw usage('the join link is missing (the "join link" the host\'s ferry printed)');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usage(`"${text}" is not a link: expected the join link, e.g. http://192.168.1.20:8787/`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usage(`"${text}" is not an http or https link`);
  }
  // A master link's token stays out of anything this command keeps or prints.
  url.hash = '';
  url.search = '';
  return url;
}

function nameOf(given: string | undefined): string {
  const name = (given ?? hostname()).trim() || 'terminal';
  const problem = textProblem(name, 'name', NAME_BOUNDS);
  if (problem && given !== undefined) throw usage(`--name: ${problem}`);
  // A machine name the room would refuse is replaced, not fatal.
  return problem ? 'terminal' : name;
}

const COMMON = {
  name: { type: 'string' },
  fingerprint: { type: 'string' },
  forget: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** `argv` after `ferry`: `send …` or `get …`. Throws a CliError (exit 2) on a bad command line. */
export function parseCommand(argv: readonly string[]): Parsed {
  const [command, ...rest] = argv;
  if (command !== 'send' && command !== 'get') return { command: 'help', text: 'main' };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options:
        command === 'send'
          ? COMMON
          : {
              ...COMMON,
              list: { type: 'boolean', default: false },
              file: { type: 'string', multiple: true, default: [] },
              from: { type: 'string' },
              all: { type: 'boolean', default: false },
              output: { type: 'string', short: 'o', default: '.' },
              overwrite: { type: 'boolean', default: false },
            },
    });
  } catch (error) {
    throw usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help', text: command };
  const common: CommonOptions = {
    joinLink: parseJoinLink(positionals[0]),
    name: nameOf(values.name),
    isNameGiven: values.name !== undefined,
    fingerprint: values.fingerprint === undefined ? null : parseFingerprint(values.fingerprint),
    forget: values.forget,
    json: values.json,
  };
  if (command === 'send') {
    const paths = positionals.slice(1);
    if (paths.length === 0) throw usage('nothing to send: name at least one file or folder after the join link');
    return { ...common, command, paths };
  }
  if (positionals.length > 1) throw usage(`unexpected argument "${positionals[1]}" (files to fetch go after --file)`);
  const v = values as typeof values & {
    list: boolean;
    file: string[];
    from?: string;
    all: boolean;
    output: string;
    overwrite: boolean;
  };
  if (!v.list && !v.all && v.file.length === 0) {
    throw usage('say what to get: --list, --file NAME-OR-ID (repeatable) or --all');
  }
  if (v.list && (v.all || v.file.length > 0)) throw usage('--list only lists: leave out --file and --all');
  if (v.all && v.file.length > 0) throw usage('--all already gets everything: leave out --file');
  return {
    ...common,
    command,
    list: v.list,
    files: v.file,
    from: v.from ?? null,
    all: v.all,
    output: v.output,
    overwrite: v.overwrite,
  };
}
