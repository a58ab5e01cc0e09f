import { defineConfig } from 'vitest/config';

// `npm run test:load`: the long load run (issue 5, guarantee 6), apart from `npm test`. One file,
// one fork: the run spawns the daemon and a swarm of 1,000 peers, each in a process of its own.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    // About 3 minutes on a quiet 2-core machine; the bounds leave room for a busy one (the run is
    // CPU-bound and shares the cores with whatever else runs).
    testTimeout: 600_000,
    hookTimeout: 120_000,
    retry: 0,
  },
});
