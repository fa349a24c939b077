import type BetterSqlite3 from 'better-sqlite3';
import type { AttemptStore } from '../Storage.js';

type Db = BetterSqlite3.Database;

/** Rate-limit attempt counts on SQLite (the PostgreSQL twin: PgAttemptStore); each call is one statement. */
export class SqliteAttemptStore implements AttemptStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async take(scope: string, key: string, windowStart: number, max: number): Promise<boolean> {
    if (max < 1) return false;
    // Inserted at 1, or raised by one only while below the maximum: a row back means taken.
    const row = this.#db
      .prepare<[string, string, number, number], { count: number }>(
        `INSERT INTO rate_attempts (scope, key_hash, window_start, count) VALUES (?, ?, ?, 1)
         ON CONFLICT (scope, key_hash, window_start) DO UPDATE SET count = rate_attempts.count + 1
           WHERE rate_attempts.count < ?
         RETURNING count`,
      )
      .get(scope, key, windowStart, max);
    return row !== undefined;
  }

  async giveBack(scope: string, key: string, windowStart: number, n = 1): Promise<void> {
    this.#db
      .prepare(
        `UPDATE rate_attempts SET count = max(0, count - ?)
         WHERE scope = ? AND key_hash = ? AND window_start = ?`,
      )
      .run(n, scope, key, windowStart);
  }

  async clear(scope: string, key: string): Promise<{ windowStart: number; count: number }[]> {
    return this.#db
      .prepare<[string, string], { windowStart: number; count: number }>(
        `DELETE FROM rate_attempts WHERE scope = ? AND key_hash = ?
         RETURNING window_start AS windowStart, count`,
      )
      .all(scope, key);
  }

  async prune(scope: string, before: number): Promise<number> {
    return this.#db
      .prepare('DELETE FROM rate_attempts WHERE scope = ? AND window_start < ?')
      .run(scope, before).changes;
  }
}
