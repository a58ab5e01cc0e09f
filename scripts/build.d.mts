/** Types for scripts/build.mjs, which tests import. */
export function buildDaemon(options?: { quiet?: boolean }): Promise<void>;
export function buildAll(options?: { quiet?: boolean }): Promise<void>;
