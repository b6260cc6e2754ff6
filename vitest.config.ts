import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{bus,cli,collector,triage,api,alerts,dashboards,schemas,store}/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/helpers/kafka-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Files share one real broker; each uses its own topics and groups.
          fileParallelism: false,
        },
      },
    ],
  },
});
