import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    setupFiles: ['./test/support/vitest.setup.ts'],
    globalSetup: ['./test/support/moto-global-setup.ts'],
  },
});
