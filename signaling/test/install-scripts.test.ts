import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// npm 11.16+ reads `allowScripts` in the root package.json and warns about every dependency install
// script it does not cover; a later npm skips those scripts, and without its install script
// better-sqlite3 has no native driver, so the daemon could not keep a room. Every package the
// lockfile marks as having install scripts needs a decision there (true runs it, false skips it).

interface LockedPackage {
  version?: string;
  hasInstallScript?: boolean;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string): unknown => JSON.parse(readFileSync(join(repoRoot, file), 'utf8'));
const manifest = read('package.json') as { allowScripts?: Record<string, boolean> };
const lock = read('package-lock.json') as { packages: Record<string, LockedPackage> };

/** A lockfile key's package name: the part after the last node_modules/ (scoped names kept whole). */
const nameOf = (key: string) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('install scripts (issue 12, bug 11)', () => {
  it('every dependency with an install script has a decision in the root allowScripts', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([key, entry]) => key.includes('node_modules/') && entry.hasInstallScript === true)
      .map(([key]) => nameOf(key));
    expect(withScripts.length).toBeGreaterThan(0);
    const decided = new Set(Object.keys(manifest.allowScripts ?? {}).map((entry) => entry.replace(/(.)@.*$/, '$1')));
    expect(withScripts.filter((name) => !decided.has(name))).toEqual([]);
  });

  it("allows better-sqlite3's build (the room database) and esbuild's binary check", () => {
    expect(manifest.allowScripts).toMatchObject({ 'better-sqlite3': true, esbuild: true });
  });
});
