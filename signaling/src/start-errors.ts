import { StoreError } from './store/room-store';

export interface StartContext {
  host: string;
  port: number;
  /** Where the room is kept, or null in memory. */
  dataDir: string | null;
  /** Whether --data-dir named that folder; without it the folder is the port's own. */
  isDataDirGiven: boolean;
}

/**
 * The line a person reads when the daemon cannot start: what is in the way and what to do, instead
 * of Node's bare `listen EADDRINUSE: address already in use 0.0.0.0:8787`.
 */
export function startErrorMessage(error: unknown, { host, port, dataDir, isDataDirGiven }: StartContext): string {
  const isEveryAddress = host === '0.0.0.0' || host === '::';
  const where = isEveryAddress ? `port ${port}` : `port ${port} on ${host}`;
  const otherPort = 'pick another port with --port N (--port 0 takes any free one)';
  // Without --data-dir each port keeps its own room, so a Ferry already on this port is found by
  // its lock on the room's folder, before the port is even tried.
  if (error instanceof StoreError && error.code === 'locked' && !isDataDirGiven) {
    return (
      `another Ferry is already running on port ${port}, with this port's room (${dataDir ?? 'in memory'}). ` +
      `Use that one, stop it, or ${otherPort}: another port has a room of its own`
    );
  }
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'EADDRINUSE':
      return `${where} is already in use: another Ferry, or another program, is listening there. Stop it, or ${otherPort}`;
    case 'EACCES':
      return `not allowed to listen on ${where} (ports below 1024 usually need administrator rights): ${otherPort}`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine: give one of its addresses with --host, or leave --host out to listen on all of them`;
    default:
      return (error as Error).message;
  }
}
