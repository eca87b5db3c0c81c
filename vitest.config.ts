import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    setupFiles: ['./tools/vitest-setup.ts'],
    reporters: ['default', './tools/vitest-summary-reporter.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
