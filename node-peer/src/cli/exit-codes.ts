/** What `ferry send` and `ferry get` exit with (README "Ferry in a terminal"). */
export const EXIT = {
  /** Everything asked for was done (or Ctrl-C ended a `send`). */
  done: 0,
  /** A transfer failed; each one is named on stderr (and in `--json` events). */
  transferFailed: 1,
  /** The command line was wrong: nothing was done. */
  usage: 2,
  /** The host did not let this peer in, removed it, or ended the room. */
  notAdmitted: 3,
  /** The room could not be reached (address, network, TLS, a fingerprint that does not match). */
  unreachable: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure that ends the command with `code` and one clear line. */
export class CliError extends Error {
  constructor(
    readonly code: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}
