import type { SettingsStore } from '../Storage.js';
import type { PgDb } from './PgDb.js';

/** Settings (a JSON value per key) on PostgreSQL. */
export class PgSettingsStore implements SettingsStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async get(key: string): Promise<unknown> {
    const row = await this.#db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]);
    return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.#db.run(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, JSON.stringify(value)],
    );
  }
}
