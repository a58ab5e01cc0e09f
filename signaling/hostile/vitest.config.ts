import { defineConfig } from 'vitest/config';

// `npm run test:hostile`: one approved attacker runs every abuse of issue 11 in turn against the
// real daemon (the CLI, as its own process) while an honest host and two honest guests keep
// working. One file, one fork, in order; about a minute, bounded well under two.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false },
    testTimeout: 40_000,
    hookTimeout: 90_000,
    retry: 0,
  },
});
