import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgStorage, type Change } from '@counterwatch/sfu-server/storage';
import { startPostgres, type PgCluster } from '../support/postgres.js';

const logger = pino({ level: 'silent' });
const T0 = Date.UTC(2026, 2, 2, 3, 30);
/** No polling to speak of: only LISTEN/NOTIFY (and the catch-up after a reconnect) can deliver. */
const HOUR = 3_600_000;

async function waitFor<T>(read: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Once more on failure: the pool may hand out a connection the cut killed (once per idle client). */
async function retried<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 10) throw error;
    }
  }
}

/**
 * The PostgreSQL change feed across a lost connection: every backend of the
 * database terminated (what a PostgreSQL restart or a network cut does to the
 * server's connections). LISTEN must be re-opened, what was committed in the
 * meantime read from the table, and the writer lease held by exactly one.
 */
describe('the PostgreSQL change feed after its connection is lost', () => {
  let cluster: PgCluster;
  let url: string;
  const storages: PgStorage[] = [];

  beforeAll(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase('feed');
  }, 120_000);

  afterAll(async () => {
    for (const s of storages) await s.close();
    await cluster?.stop();
  });

  const open = async () => {
    const storage = await PgStorage.create({ url, logger, now: () => T0, changePollMs: HOUR });
    storages.push(storage);
    return storage;
  };
  const user = (username: string) => ({
    username,
    displayName: username,
    passwordHash: 'ph',
    roles: ['auditor' as const],
    departmentIds: null,
  });

  it('re-opens LISTEN, catches up from the table, and leaves one writer', async () => {
    const follower = await open();
    const writer = await open();
    // The first to start holds the lease.
    expect([follower.changes.leads(), writer.changes.leads()]).toEqual([true, false]);
    const seen: Change[] = [];
    await follower.changes.follow((changes) => seen.push(...changes)).ready;

    const before = await writer.createUser(user('before'), T0);
    await waitFor(
      () => seen.find((c) => c.kind === 'user' && c.subject === String(before.id)),
      'a change by NOTIFY',
    );

    // Every connection to the database cut, as by a restart.
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    try {
      const cut = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        ['feed'],
      );
      expect(cut.rowCount).toBeGreaterThan(1);
    } finally {
      await admin.end();
    }

    // Changed at once, maybe before the follower listens again: it reads it from the table then.
    const during = await retried(() => writer.createUser(user('during'), T0));
    await waitFor(
      () => seen.find((c) => c.kind === 'user' && c.subject === String(during.id)),
      'a change committed around the cut',
    );
    const after = await writer.createUser(user('after'), T0);
    await waitFor(
      () => seen.find((c) => c.kind === 'user' && c.subject === String(after.id)),
      'a change by NOTIFY on the new connection',
    );
    await waitFor(
      () => ([follower, writer].filter((s) => s.changes.leads()).length === 1 ? true : undefined),
      'one writer again',
    );
  });
});
