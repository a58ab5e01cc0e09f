import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { bundleNodeEntry } from '../build/bundle-node.mjs';
import type { SwarmCommand, SwarmConfig, SwarmReply, SwarmResults } from './swarm-protocol';

/*
 * The parent's handle on the swarm worker: bundles swarm-worker.ts with esbuild (the way the
 * daemon is built), forks it with an IPC channel and turns each command into a promise.
 */

const DEFAULT_TIMEOUT_MS = 120_000;

/** Builds the worker into dist/load/ (inside the repository, so `ws` resolves from node_modules). */
export function buildSwarmWorker(root: string): Promise<string> {
  return bundleNodeEntry({
    root,
    entry: join('signaling', 'load', 'swarm-worker.ts'),
    outfile: join('dist', 'load', 'swarm-worker.js'),
  });
}

export class Swarm {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private exitError: Error | null = null;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: SwarmReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      clearTimeout(waiter.timer);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`swarm: ${reply.error}`));
    });
    child.on('exit', (code, signal) => {
      this.exitError = new Error(`the swarm worker exited (code ${code}, signal ${signal})`);
      for (const waiter of this.waiting.values()) {
        clearTimeout(waiter.timer);
        waiter.reject(this.exitError);
      }
      this.waiting.clear();
    });
  }

  static async start(root: string, config: SwarmConfig): Promise<Swarm> {
    const entry = await buildSwarmWorker(root);
    // Ten thousand sockets and their buffers: more heap than the default, and no inherited flags.
    const child = fork(entry, [], {
      execArgv: ['--max-old-space-size=4096'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const swarm = new Swarm(child);
    await swarm.call({ cmd: 'configure', config });
    return swarm;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  call<C extends SwarmCommand>(command: C, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<SwarmResults[C['cmd']]> {
    if (this.exitError) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise<SwarmResults[C['cmd']]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`swarm: ${command.cmd} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.child.send({ id, ...command });
    });
  }

  async stop(): Promise<void> {
    if (this.exitError) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call({ cmd: 'shutdown' }, 10_000).catch(() => undefined);
    this.child.kill('SIGTERM');
    await exited;
  }
}
