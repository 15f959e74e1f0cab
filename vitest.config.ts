import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'models/**/*.test.ts',
      'agent/**/*.test.ts',
      'control-plane/**/*.test.ts',
      'packaging/**/*.test.ts',
      'demo/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
