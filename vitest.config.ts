import { defineConfig } from 'vitest/config';

// Two projects: fast pure-function tests, then browser end-to-end tests.
// e2e runs after unit (groupOrder) and one file at a time: the machine has 2 cores and
// each e2e file drives its own headless Chromium against a built app.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
