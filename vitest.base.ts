import { defineConfig } from 'vitest/config';

const conditions = ['source', 'import', 'module', 'node', 'default'];

/**
 * Shared by every package: workspace packages resolve to their TypeScript
 * sources (the 'source' export condition), in SSR too, so tests never run
 * against a stale build.
 */
export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
