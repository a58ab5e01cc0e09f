/** Types for public-files.mjs, which the daemon's static test imports. */
export function copyPublicFiles(app: 'client' | 'master', outDir: string): Promise<void>;
