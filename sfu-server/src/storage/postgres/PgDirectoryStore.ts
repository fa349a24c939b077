import type { DirectoryChange, DirectoryStore } from '../Storage.js';
import {
  COUNTER_FOR_CODE_SQL,
  REDEEM_COUNTER_CODE_SQL,
  changeSubject,
  directoryStatements,
} from '../rows/directoryRows.js';
import type { PgChangeFeed } from './PgChangeFeed.js';
import type { PgDb } from './PgDb.js';

class Conflict extends Error {
  constructor(readonly id: string) {
    super(`directory conflict on ${id}`);
  }
}

/** Departments and counters changed from the console, on PostgreSQL. */
export class PgDirectoryStore implements DirectoryStore {
  readonly #db: PgDb;
  readonly #changes: PgChangeFeed;

  constructor(db: PgDb, changes: PgChangeFeed) {
    this.#db = db;
    this.#changes = changes;
  }

  async apply(
    changes: DirectoryChange[],
    at: number,
    by: string,
  ): Promise<{ status: 'ok' } | { status: 'conflict'; id: string }> {
    try {
      await this.#db.tx(async (sql) => {
        for (const change of changes) {
          for (const statement of directoryStatements(change, at, by)) {
            const changed = await sql.run(statement.sql, statement.params);
            if (statement.expectOne && changed !== 1) throw new Conflict(changeSubject(change));
            this.#changes.recordAtCommit(sql, statement.feed.kind, [statement.feed.subject]);
          }
        }
      });
      return { status: 'ok' };
    } catch (error) {
      if (error instanceof Conflict) return { status: 'conflict', id: error.id };
      throw error;
    }
  }

  async setCounterCode(counterId: string, codeHash: string, expiresAt: number): Promise<boolean> {
    return (
      (await this.#db.run(
        'UPDATE counters SET code_hash = ?, code_expires_at = ? WHERE id = ? AND retired_at IS NULL',
        [codeHash, expiresAt, counterId],
      )) === 1
    );
  }

  async counterForCode(
    codeHash: string,
    now: number,
  ): Promise<{ counterId: string; departmentId: string } | undefined> {
    const row = await this.#db.get<{ id: string; department_id: string }>(COUNTER_FOR_CODE_SQL, [
      codeHash,
      now,
    ]);
    return row && { counterId: row.id, departmentId: row.department_id };
  }

  async redeemCounterCode(
    codeHash: string,
    tokenHash: string,
    now: number,
  ): Promise<{ counterId: string; departmentId: string } | undefined> {
    return this.#db.tx(async (sql) => {
      const row = await sql.get<{ id: string; department_id: string }>(REDEEM_COUNTER_CODE_SQL, [
        tokenHash,
        now,
        now,
        codeHash,
        now,
      ]);
      if (!row) return undefined;
      this.#changes.recordAtCommit(sql, 'counter', [row.id]);
      return { counterId: row.id, departmentId: row.department_id };
    });
  }
}
