import { describe, expect, it } from 'vitest';
import { parseCommand, parseFingerprint } from '../../src/cli/args';
import { CliError, EXIT } from '../../src/cli/exit-codes';

const usageError = (argv: string[]) => {
  try {
    parseCommand(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe(EXIT.usage);
    return (error as CliError).message;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
};

describe('ferry send / get command lines', () => {
  it('reads send with paths, a name and a fingerprint in any of the printed forms', () => {
    const fingerprint = 'AB:'.repeat(31) + 'AB';
    const parsed = parseCommand([
      'send',
      'http://10.0.0.5:8787/',
      'a.txt',
      'photos/',
      '--name',
      'nas',
      '--fingerprint',
      `SHA256:${fingerprint}`,
    ]);
    expect(parsed).toMatchObject({ command: 'send', paths: ['a.txt', 'photos/'], name: 'nas', json: false });
    expect(parsed.command === 'send' && parsed.fingerprint).toBe('AB'.repeat(32));
    expect(parseFingerprint(fingerprint.toLowerCase())).toBe('AB'.repeat(32));
  });

  it("keeps a master link's token out of the room address", () => {
    const parsed = parseCommand(['get', 'http://host:8787/master#token=secret?x', '--list']);
    expect(parsed.command === 'get' && parsed.joinLink.href).toBe('http://host:8787/master');
  });

  it('reads get with repeated --file, --from, -o and --overwrite', () => {
    const parsed = parseCommand([
      'get',
      'https://ferry.lan/',
      '--file',
      'a',
      '--file',
      'b/c',
      '--from',
      'Ana',
      '-o',
      '/tmp/x',
      '--overwrite',
      '--json',
    ]);
    expect(parsed).toMatchObject({
      command: 'get',
      files: ['a', 'b/c'],
      from: 'Ana',
      output: '/tmp/x',
      overwrite: true,
      json: true,
      all: false,
      list: false,
    });
  });

  it.each([
    [['send', 'http://h/'], /nothing to send/],
    [['send'], /join link is missing/],
    [['get', 'ftp://h/', '--list'], /not an http or https link/],
    [['get', 'not a link', '--list'], /is not a link/],
    [['get', 'http://h/'], /say what to get/],
    [['get', 'http://h/', '--list', '--all'], /--list only lists/],
    [['get', 'http://h/', '--all', '--file', 'x'], /--all already gets everything/],
    [['get', 'http://h/', '--bogus'], /Unknown option/],
    [['get', 'http://h/', 'extra', '--all'], /unexpected argument "extra"/],
    [['send', 'http://h/', 'a', '--fingerprint', 'SHA256:12'], /expected a SHA-256 fingerprint/],
    [['send', 'http://h/', 'a', '--name', 'a\u0000b'], /--name: name has control characters/],
  ])('refuses %j with a clear message (exit 2)', (argv, message) => {
    expect(usageError(argv)).toMatch(message);
  });

  it('answers help for --help and for no command', () => {
    expect(parseCommand(['get', '--help'])).toEqual({ command: 'help', text: 'get' });
    expect(parseCommand(['send', '-h'])).toEqual({ command: 'help', text: 'send' });
    expect(parseCommand([])).toEqual({ command: 'help', text: 'main' });
  });
});
