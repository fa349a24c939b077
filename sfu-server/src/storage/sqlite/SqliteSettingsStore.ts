import type BetterSqlite3 from 'better-sqlite3';
import type { SettingsStore } from '../Storage.js';

type Db = BetterSqlite3.Database;

/** Settings (a JSON value per key) on SQLite (the PostgreSQL twin: PgSettingsStore). */
export class SqliteSettingsStore implements SettingsStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async get(key: string): Promise<unknown> {
    const row = this.#db
      .prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?')
      .get(key);
    return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.#db
      .prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)')
      .run(key, JSON.stringify(value));
  }
}
