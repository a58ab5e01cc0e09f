import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliProcess, type Exit } from '@ferry/signaling/test/support/cli-process';
import type { CliEvent } from '../../src/cli/events';

/*
 * `ferry send` and `ferry get` as real child processes (`node signaling/bin/ferry.js send …`), each
 * with its own config folder (its identities), reporting --json events.
 */

const dirs: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export type EventOf<E extends CliEvent['event']> = Extract<CliEvent, { event: E }>;

export class PeerCli {
  readonly process: CliProcess;

  /** `args` after `ferry`; `configDir` holds its identities (a new one unless given); `env` adds to its environment. */
  constructor(
    args: readonly string[],
    readonly configDir: string = tempDir('ferry-cli-config-'),
    env: Record<string, string> = {},
  ) {
    this.process = new CliProcess([...args, '--json'], {
      env: { ...env, FERRY_CONFIG_DIR: configDir },
      startTimeoutMs: 30_000,
    });
  }

  /** Every JSON event printed so far. */
  events(): CliEvent[] {
    return this.process.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as CliEvent);
  }

  /** The first event named `name` matching `where`, waiting for it. */
  async event<E extends CliEvent['event']>(
    name: E,
    where: (e: EventOf<E>) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<EventOf<E>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events().find((e): e is EventOf<E> => e.event === name && where(e as EventOf<E>));
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no ${name} event within ${timeoutMs} ms; output:\n${this.process.output}`);
      await Promise.race([this.process.exited, new Promise((resolve) => setTimeout(resolve, 25))]);
      const late = this.events().find((e): e is EventOf<E> => e.event === name && where(e as EventOf<E>));
      if (late) return late;
      if ((await Promise.race([this.process.exited, Promise.resolve(null)])) !== null) {
        throw new Error(`exited without a ${name} event; output:\n${this.process.output}`);
      }
    }
  }

  /** The exit code, once it exits by itself. */
  async code(timeoutMs = 60_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`still running after ${timeoutMs} ms; output:\n${this.process.output}`)),
        timeoutMs,
      );
    });
    try {
      const exit: Exit = await Promise.race([this.process.exited, timeout]);
      return exit.code;
    } finally {
      clearTimeout(timer);
    }
  }
}
