import { defineConfig } from 'vitest/config';

// The real-browser suite. Run it through e2e/run.mjs, which first moves it into a loopback-only
// network namespace when it can. One file at a time: each test runs a daemon and several browser
// contexts, and two of those at once would only fight over the two cores.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.e2e.ts'],
    exclude: ['artifacts/**', 'node_modules/**'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
    // A failure here is real: a retry would hide a race the users would hit.
    retry: 0,
  },
});
