import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Stack, type StackOptions } from '@counterwatch/demo';
import { openStorage, type Storage } from '@counterwatch/sfu-server/storage';
import { systemClock } from '@counterwatch/shared';
import { MID_MORNING, clockAt, type TestClock } from './clock.js';
import { startPostgres, type PgCluster } from './postgres.js';

/**
 * The backend integration stacks run on: `CW_TEST_DB=postgres` gives each
 * stack its own private PostgreSQL cluster (tests/support/postgres.ts);
 * unset or `sqlite`, the embedded SQLite file in the stack's data directory.
 */
export type TestBackend = 'sqlite' | 'postgres';
export function testBackend(): TestBackend {
  const value = process.env.CW_TEST_DB ?? 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres')
    throw new Error(`CW_TEST_DB must be sqlite or postgres, not ${value}`);
  return value;
}

/** The database URL of the stack whose data directory this is (PostgreSQL stacks only). */
const databaseUrls = new Map<string, string>();
export function databaseUrlOf(dataDir: string): string | undefined {
  return databaseUrls.get(path.resolve(dataDir));
}

/**
 * A fresh stack in a temporary directory; removed by `cleanup()` unless
 * KEEP_TEST_DIRS is set. Its clock reads 10:30 Vietnam time unless the test
 * pins another (`clock`): tests must pass whatever the hour CI runs at, so
 * they stamp their events with `clock.now()`, never the machine's time.
 */
export async function testStack(
  name: string,
  options: Omit<StackOptions, 'dir' | 'clockOffsetMs'> & { clock?: TestClock } = {},
): Promise<{
  stack: Stack;
  cleanup: () => Promise<void>;
  clock: TestClock;
  /** The stack's private PostgreSQL cluster (CW_TEST_DB=postgres), for tests that need a second database. */
  cluster: PgCluster | undefined;
}> {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), `cw-${name}-`));
  // Under a dot-folder, as the demo's `.demo/`: any data directory must work (file senders refuse
  // dot-segments by default).
  const dir = path.join(parent, '.stack');
  fs.mkdirSync(dir);
  const { clock = clockAt(MID_MORNING), ...rest } = options;
  const cluster = testBackend() === 'postgres' ? await startPostgres() : undefined;
  let stack: Stack;
  try {
    const databaseUrl = await cluster?.createDatabase('counterwatch');
    if (databaseUrl) databaseUrls.set(path.join(dir, 'data'), databaseUrl);
    stack = await Stack.create({
      dir,
      departments: 1,
      countersPerDepartment: 3,
      ...rest,
      // Set (to a URL or to empty) either way, so a CW_DATABASE_URL in the caller's environment never leaks in.
      serverEnv: { CW_DATABASE_URL: databaseUrl ?? '', ...rest.serverEnv },
      clockOffsetMs: clock.offsetMs,
    });
  } catch (error) {
    await cluster?.stop();
    throw error;
  }
  return {
    stack,
    clock,
    cluster,
    cleanup: async () => {
      try {
        await stack.stop();
      } finally {
        await cluster?.stop();
        databaseUrls.delete(path.join(dir, 'data'));
        if (!process.env.KEEP_TEST_DIRS) fs.rmSync(parent, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The storage of the test's backend, for tests that drive server parts without a whole stack: the SQLite
 * file in `dataDir`, or (CW_TEST_DB=postgres) a database in a private cluster of its own. `close()` closes
 * it and removes the cluster.
 */
export async function openTestStorage(
  dataDir: string,
  logger: Parameters<typeof openStorage>[0]['logger'],
): Promise<{ storage: Storage; close: () => Promise<void> }> {
  const cluster = testBackend() === 'postgres' ? await startPostgres() : undefined;
  try {
    const databaseUrl = cluster ? await cluster.createDatabase() : null;
    const storage = await openStorage({ dataDir, databaseUrl, logger, now: systemClock });
    return {
      storage,
      close: async () => {
        await storage.close();
        await cluster?.stop();
      },
    };
  } catch (error) {
    await cluster?.stop();
    throw error;
  }
}
