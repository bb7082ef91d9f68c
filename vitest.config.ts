import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', 'e2e/**'],
    testTimeout: 60_000,
    // a beforeAll may run a whole preset (domain-outcomes): on a loaded machine that exceeds 10 s
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
