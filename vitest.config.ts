import { defineConfig } from 'vitest/config';

// Unit, component and integration tests. The real-browser suite lives in e2e/ and runs through
// e2e/run.mjs, which isolates the network first.
export default defineConfig({
  test: {
    include: ['{common,web,signaling,client,master,node-peer}/test/**/*.test.{ts,tsx}'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
