import { parseCommand } from './args';
import type { Reporter } from './events';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { runGet } from './get';
import { IdentityStore } from './identity';
import { HumanReporter, JsonReporter } from './reporter';
import { runSend } from './send';
import { GET_USAGE, MAIN_USAGE, SEND_USAGE } from './usage';
import { cleanupWebrtc } from '../wrtc';

/**
 * `ferry send …` and `ferry get …` (the daemon's own `ferry` hands these over). Resolves with the
 * exit code; the caller exits with it. The only place that reads signals and the console.
 */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseCommand(argv);
  } catch (error) {
    const usage = argv[0] === 'get' ? GET_USAGE : argv[0] === 'send' ? SEND_USAGE : MAIN_USAGE;
    process.stderr.write(`ferry: ${(error as Error).message}\n\n${usage}`);
    return EXIT.usage;
  }
  if (parsed.command === 'help') {
    process.stdout.write(parsed.text === 'get' ? GET_USAGE : parsed.text === 'send' ? SEND_USAGE : MAIN_USAGE);
    return EXIT.done;
  }
  const reporter: Reporter = parsed.json ? new JsonReporter() : new HumanReporter();
  let interrupt = () => {};
  const interrupted = new Promise<void>((resolve) => {
    interrupt = resolve;
  });
  const onSignal = () => interrupt();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const identities = new IdentityStore();
  let code: ExitCode;
  try {
    code =
      parsed.command === 'send'
        ? await runSend(parsed, { identities, reporter, interrupted })
        : await runGet(parsed, { identities, reporter, interrupted });
    reporter.report({ event: 'exit', code });
  } catch (error) {
    const failure =
      error instanceof CliError ? error : new CliError(EXIT.transferFailed, (error as Error)?.message ?? String(error));
    reporter.report({ event: 'exit', code: failure.code, message: `ferry: ${failure.message}` });
    code = failure.code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    reporter.close();
    cleanupWebrtc();
  }
  return code;
}
