import { defineConfig } from 'vitest/config';

/**
 * Three projects: `unit` (fast, in-process, next to the code, and the storage
 * contract on both backends), `integration` (real server, mediasoup, ffmpeg,
 * SQLite and Chromium) and `integration-pg` (the same files with every stack
 * on its own PostgreSQL cluster, `CW_TEST_DB=postgres`).
 */

/**
 * The integration files run on PostgreSQL too (each verified there). Not listed: docker-files
 * (no database) and the browser-only files whose server state is the same on either backend.
 */
const ON_POSTGRES = [
  'queue-ingest',
  'queue-e2e',
  'alerts',
  'wall-alerts',
  'bad-input',
  'token-refused',
  'business-day',
  'reports',
  'agent-outbox',
  'audit-page',
  'sessions',
  'device-credentials',
  'supervision-e2e',
  'inspection-e2e',
  'device-hall',
  'operations',
  'directory-console',
  'audit',
  'access-matrix',
  'security',
  'recording-service',
  'wall-views',
  'staffing',
  'counter-replay',
  'faults',
  'fuzz',
  // PostgreSQL only: several server processes on one database.
  'multi-process',
  'media-nodes',
];
/** Files that need PostgreSQL: not in the SQLite project. */
const POSTGRES_ONLY = ['multi-process', 'media-nodes'];
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // The storage contract runs against both backends (SQLite, and PostgreSQL in a private cluster).
          include: [
            '{shared,sfu-server,agent,demo,console}/src/**/*.test.{ts,tsx}',
            'tests/storage/**/*.test.ts',
          ],
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
          exclude: POSTGRES_ONLY.map((name) => `tests/integration/${name}.test.ts`),
          environment: 'node',
          // Real processes and a browser: one file at a time on a 2-core machine.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'integration-pg',
          include: ON_POSTGRES.map((name) => `tests/integration/${name}.test.ts`),
          environment: 'node',
          env: { CW_TEST_DB: 'postgres' },
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
