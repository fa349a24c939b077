import type BetterSqlite3 from 'better-sqlite3';
import type { DirectoryChange, DirectoryStore } from '../Storage.js';
import {
  COUNTER_FOR_CODE_SQL,
  REDEEM_COUNTER_CODE_SQL,
  changeSubject,
  directoryStatements,
} from '../rows/directoryRows.js';
import type { SqliteChangeFeed } from './SqliteChangeFeed.js';

type Db = BetterSqlite3.Database;

class Conflict extends Error {
  constructor(readonly id: string) {
    super(`directory conflict on ${id}`);
  }
}

/** Departments and counters changed from the console, on SQLite. */
export class SqliteDirectoryStore implements DirectoryStore {
  readonly #db: Db;
  readonly #changes: SqliteChangeFeed;

  constructor(db: Db, changes: SqliteChangeFeed) {
    this.#db = db;
    this.#changes = changes;
  }

  async apply(
    changes: DirectoryChange[],
    at: number,
    by: string,
  ): Promise<{ status: 'ok' } | { status: 'conflict'; id: string }> {
    try {
      this.#db
        .transaction(() => {
          for (const change of changes) {
            for (const statement of directoryStatements(change, at, by)) {
              const changed = this.#db.prepare(statement.sql).run(...statement.params).changes;
              if (statement.expectOne && changed !== 1) throw new Conflict(changeSubject(change));
              this.#changes.record(statement.feed.kind, statement.feed.subject);
            }
          }
        })
        .immediate();
      return { status: 'ok' };
    } catch (error) {
      if (error instanceof Conflict) return { status: 'conflict', id: error.id };
      throw error;
    }
  }

  async setCounterCode(counterId: string, codeHash: string, expiresAt: number): Promise<boolean> {
    return (
      this.#db
        .prepare('UPDATE counters SET code_hash = ?, code_expires_at = ? WHERE id = ? AND retired_at IS NULL')
        .run(codeHash, expiresAt, counterId).changes === 1
    );
  }

  async counterForCode(
    codeHash: string,
    now: number,
  ): Promise<{ counterId: string; departmentId: string } | undefined> {
    const row = this.#db
      .prepare<unknown[], { id: string; department_id: string }>(COUNTER_FOR_CODE_SQL)
      .get(codeHash, now);
    return row && { counterId: row.id, departmentId: row.department_id };
  }

  async redeemCounterCode(
    codeHash: string,
    tokenHash: string,
    now: number,
  ): Promise<{ counterId: string; departmentId: string } | undefined> {
    return this.#db
      .transaction(() => {
        const row = this.#db
          .prepare<unknown[], { id: string; department_id: string }>(REDEEM_COUNTER_CODE_SQL)
          .get(tokenHash, now, now, codeHash, now);
        if (!row) return undefined;
        this.#changes.record('counter', row.id);
        return { counterId: row.id, departmentId: row.department_id };
      })
      .immediate();
  }
}
