import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const e2eDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(e2eDir, '..');
export const daemonEntry = join(repoRoot, 'signaling', 'bin', 'ferry.js');
export const artifactsDir = join(e2eDir, 'artifacts');
export const screenshotsDir = join(artifactsDir, 'screenshots');
export const logsDir = join(artifactsDir, 'logs');

/** Turns a test or step name into a file-name-safe slug: "Host approves Ana" -> "host-approves-ana". */
export function slug(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cleaned.slice(0, 80) || 'unnamed';
}
