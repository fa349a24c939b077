import type { ProvisionOutcome } from '../Storage.js';
import type { PgChangeFeed } from './PgChangeFeed.js';
import type { PgDb } from './PgDb.js';

/**
 * Counter tokens and department API keys (their hashes) on PostgreSQL: each change writes its
 * change-feed row in the transaction of the change.
 */
export class PgSecretStore {
  readonly #db: PgDb;
  readonly #changes: PgChangeFeed;

  constructor(db: PgDb, changes: PgChangeFeed) {
    this.#db = db;
    this.#changes = changes;
  }

  async setCounterTokenHash(counterId: string, tokenHash: string | null, at: number): Promise<boolean> {
    return this.#db.tx(async (sql) => {
      const changed =
        (await sql.run(
          'UPDATE counters SET token_hash = ?, token_set_at = ?, token_managed_at = ? WHERE id = ?',
          [tokenHash, at, at, counterId],
        )) === 1;
      if (changed) this.#changes.recordAtCommit(sql, 'counter', [counterId]);
      return changed;
    });
  }

  async setDepartmentApiKeyHash(
    departmentId: string,
    apiKeyHash: string | null,
    at: number,
  ): Promise<boolean> {
    return this.#db.tx(async (sql) => {
      const changed =
        (await sql.run('UPDATE departments SET api_key_hash = ?, key_managed_at = ? WHERE id = ?', [
          apiKeyHash,
          at,
          departmentId,
        ])) === 1;
      if (changed) this.#changes.recordAtCommit(sql, 'department', [departmentId]);
      return changed;
    });
  }

  async provisionCounterTokenHash(
    counterId: string,
    tokenHash: string,
    at: number,
  ): Promise<ProvisionOutcome> {
    return this.#db.tx(async (sql): Promise<ProvisionOutcome> => {
      const row = await sql.get<{ token_hash: string | null; token_managed_at: number | null }>(
        'SELECT token_hash, token_managed_at FROM counters WHERE id = ? FOR UPDATE',
        [counterId],
      );
      if (!row) return 'not_found';
      if (row.token_managed_at !== null) return 'managed_in_database';
      if (row.token_hash === tokenHash) return 'unchanged';
      await sql.run('UPDATE counters SET token_hash = ?, token_set_at = ? WHERE id = ?', [
        tokenHash,
        at,
        counterId,
      ]);
      this.#changes.recordAtCommit(sql, 'counter', [counterId]);
      return 'applied';
    });
  }

  async provisionDepartmentApiKeyHash(departmentId: string, apiKeyHash: string): Promise<ProvisionOutcome> {
    return this.#db.tx(async (sql): Promise<ProvisionOutcome> => {
      const row = await sql.get<{ api_key_hash: string | null; key_managed_at: number | null }>(
        'SELECT api_key_hash, key_managed_at FROM departments WHERE id = ? FOR UPDATE',
        [departmentId],
      );
      if (!row) return 'not_found';
      if (row.key_managed_at !== null) return 'managed_in_database';
      if (row.api_key_hash === apiKeyHash) return 'unchanged';
      await sql.run('UPDATE departments SET api_key_hash = ? WHERE id = ?', [apiKeyHash, departmentId]);
      this.#changes.recordAtCommit(sql, 'department', [departmentId]);
      return 'applied';
    });
  }
}
