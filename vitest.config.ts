import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (fast, in-process, next to the code) and
 * `integration` (real server, mediasoup, ffmpeg, SQLite and Chromium).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // The storage contract runs against both backends (SQLite, and PostgreSQL in a private cluster).
          include: ['{shared,sfu-server,agent,demo,console}/src/**/*.test.{ts,tsx}', 'tests/storage/**/*.test.ts'],
          environment: 'node',
          // Some unit tests hash with scrypt on purpose (logins); on two loaded cores ten of them outlast
          // vitest's 5 s default and the late ones spill into the next test. Speed lives in benchmarks.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // Real processes and a browser: one file at a time on a 2-core machine.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
