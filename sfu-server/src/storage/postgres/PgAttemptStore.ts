import type { AttemptStore } from '../Storage.js';
import type { PgDb } from './PgDb.js';

/** The largest INTEGER: a higher maximum would not fit the comparison's parameter. */
const MAX_COUNT = 2_147_483_647;

/**
 * Rate-limit attempt counts on PostgreSQL (the SQLite twin: SqliteAttemptStore). `take` is one
 * statement: concurrent upserts of one row wait on its lock and re-check the maximum on the row as
 * committed, so parallel attempts from several processes cannot all slip under it.
 */
export class PgAttemptStore implements AttemptStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async take(scope: string, key: string, windowStart: number, max: number): Promise<boolean> {
    if (max < 1) return false;
    const row = await this.#db.get<{ count: number }>(
      `INSERT INTO rate_attempts (scope, key_hash, window_start, count) VALUES (?, ?, ?, 1)
       ON CONFLICT (scope, key_hash, window_start) DO UPDATE SET count = rate_attempts.count + 1
         WHERE rate_attempts.count < ?
       RETURNING count`,
      [scope, key, windowStart, Math.min(max, MAX_COUNT)],
    );
    return row !== undefined;
  }

  async giveBack(scope: string, key: string, windowStart: number, n = 1): Promise<void> {
    await this.#db.run(
      `UPDATE rate_attempts SET count = GREATEST(0, count - ?)
       WHERE scope = ? AND key_hash = ? AND window_start = ?`,
      [Math.min(n, MAX_COUNT), scope, key, windowStart],
    );
  }

  async clear(scope: string, key: string): Promise<{ windowStart: number; count: number }[]> {
    return this.#db.all<{ windowStart: number; count: number }>(
      `DELETE FROM rate_attempts WHERE scope = ? AND key_hash = ?
       RETURNING window_start AS "windowStart", count`,
      [scope, key],
    );
  }

  async prune(scope: string, before: number): Promise<number> {
    return this.#db.run('DELETE FROM rate_attempts WHERE scope = ? AND window_start < ?', [scope, before]);
  }
}
