/** Types for build-daemon.mjs, which tests that spawn the CLI import. */
export const daemonOutfile: string;
export function buildDaemon(options?: { quiet?: boolean }): Promise<void>;
export const peerCliOutfile: string;
