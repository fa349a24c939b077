import type BetterSqlite3 from 'better-sqlite3';
import type { ProvisionOutcome } from '../Storage.js';
import type { SqliteChangeFeed } from './SqliteChangeFeed.js';

type Db = BetterSqlite3.Database;

/**
 * Counter tokens and department API keys (their hashes) on SQLite (the PostgreSQL twin:
 * PgSecretStore): each change writes its change-feed row in the immediate transaction of the change.
 */
export class SqliteSecretStore {
  readonly #db: Db;
  readonly #changes: SqliteChangeFeed;

  constructor(db: Db, changes: SqliteChangeFeed) {
    this.#db = db;
    this.#changes = changes;
  }

  async setCounterTokenHash(counterId: string, tokenHash: string | null, at: number): Promise<boolean> {
    return this.#db
      .transaction(() => {
        const changed =
          this.#db
            .prepare(
              'UPDATE counters SET token_hash = ?, token_set_at = ?, token_managed_at = ? WHERE id = ?',
            )
            .run(tokenHash, at, at, counterId).changes === 1;
        if (changed) this.#changes.record('counter', counterId);
        return changed;
      })
      .immediate();
  }

  async setDepartmentApiKeyHash(
    departmentId: string,
    apiKeyHash: string | null,
    at: number,
  ): Promise<boolean> {
    return this.#db
      .transaction(() => {
        const changed =
          this.#db
            .prepare('UPDATE departments SET api_key_hash = ?, key_managed_at = ? WHERE id = ?')
            .run(apiKeyHash, at, departmentId).changes === 1;
        if (changed) this.#changes.record('department', departmentId);
        return changed;
      })
      .immediate();
  }

  async provisionCounterTokenHash(
    counterId: string,
    tokenHash: string,
    at: number,
  ): Promise<ProvisionOutcome> {
    return this.#db
      .transaction((): ProvisionOutcome => {
        const row = this.#db
          .prepare<[string], { token_hash: string | null; token_managed_at: number | null }>(
            'SELECT token_hash, token_managed_at FROM counters WHERE id = ?',
          )
          .get(counterId);
        if (!row) return 'not_found';
        if (row.token_managed_at !== null) return 'managed_in_database';
        if (row.token_hash === tokenHash) return 'unchanged';
        this.#db
          .prepare('UPDATE counters SET token_hash = ?, token_set_at = ? WHERE id = ?')
          .run(tokenHash, at, counterId);
        this.#changes.record('counter', counterId);
        return 'applied';
      })
      .immediate();
  }

  async provisionDepartmentApiKeyHash(departmentId: string, apiKeyHash: string): Promise<ProvisionOutcome> {
    return this.#db
      .transaction((): ProvisionOutcome => {
        const row = this.#db
          .prepare<[string], { api_key_hash: string | null; key_managed_at: number | null }>(
            'SELECT api_key_hash, key_managed_at FROM departments WHERE id = ?',
          )
          .get(departmentId);
        if (!row) return 'not_found';
        if (row.key_managed_at !== null) return 'managed_in_database';
        if (row.api_key_hash === apiKeyHash) return 'unchanged';
        this.#db
          .prepare('UPDATE departments SET api_key_hash = ? WHERE id = ?')
          .run(apiKeyHash, departmentId);
        this.#changes.record('department', departmentId);
        return 'applied';
      })
      .immediate();
  }
}
