import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * A thin layer over node-postgres (`pg`). Why `pg` rather than `postgres`
 * (porsager): it is the most used and longest maintained client, its Pool is
 * built in, named prepared statements are explicit, LISTEN runs on a client we
 * own, and type parsing is configurable per pool (no global mutation).
 *
 * - SQL is written with `?` placeholders like the SQLite stores; they become
 *   `$1…$n` once per text (our SQL never holds a literal `?`).
 * - Every statement is a named prepared statement (name = hash of its text):
 *   each pooled connection parses and plans it once.
 * - BIGINT (epoch milliseconds, ids) and numeric sums come back as JS numbers:
 *   every value we store is below 2^53.
 */

const { INT8, NUMERIC } = pg.types.builtins;
const toNumber = (value: string): number => Number(value);
type TypeId = Parameters<typeof pg.types.getTypeParser>[0];

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: TypeId, format?: 'text' | 'binary') => {
    if (oid === INT8 || oid === NUMERIC) return toNumber;
    return format === 'binary'
      ? (pg.types.getTypeParser(oid, 'binary') as (value: Buffer) => unknown)
      : (pg.types.getTypeParser(oid, 'text') as (value: string) => unknown);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Arrays may hold NULLs (node-postgres sends them as NULL elements). */
export type Param =
  string | number | boolean | null | readonly (string | null)[] | readonly (number | null)[];

interface Compiled {
  name: string;
  text: string;
}
const compiled = new Map<string, Compiled>();

function compile(sql: string): Compiled {
  let hit = compiled.get(sql);
  if (!hit) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    hit = { name: `cw_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text };
    compiled.set(sql, hit);
  }
  return hit;
}

/** Something that runs a query: the pool (one statement, autocommit) or a transaction's client. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

/** Statements on one connection or the pool. */
export class Sql {
  readonly #on: Queryable;

  constructor(on: Queryable) {
    this.#on = on;
  }

  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    const result = await this.#exec(sql, params);
    return result.rowCount ?? 0;
  }

  async all<R extends pg.QueryResultRow>(sql: string, params: readonly Param[] = []): Promise<R[]> {
    return (await this.#exec<R>(sql, params)).rows;
  }

  async get<R extends pg.QueryResultRow>(sql: string, params: readonly Param[] = []): Promise<R | undefined> {
    return (await this.#exec<R>(sql, params)).rows[0];
  }

  async #exec<R extends pg.QueryResultRow>(
    sql: string,
    params: readonly Param[],
  ): Promise<pg.QueryResult<R>> {
    const { name, text } = compile(sql);
    return this.#on.query<R>({ name, text, values: params as unknown[] });
  }
}

/** A value written into SQL text, for statements that cannot take parameters (see `TxSql.atCommit`). */
export function literal(value: string | number): string {
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer literal: ${value}`);
  return String(value);
}

/** Statements in one transaction. */
export class TxSql extends Sql {
  readonly #atCommit: string[] = [];

  /**
   * A statement sent with the COMMIT, in the same round trip: a lock taken there is held only while
   * the database runs them and commits, never while this process is busy between two round trips.
   * The simple protocol takes no parameters: values go in through `literal`.
   */
  atCommit(statement: string): void {
    this.#atCommit.push(statement);
  }

  /** What `tx` sends to commit. */
  commitText(): string {
    return [...this.#atCommit, 'COMMIT'].join(';\n');
  }
}

export class PgDb extends Sql {
  readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    super(pool);
    this.pool = pool;
  }

  static open(url: string, options: { max?: number; applicationName?: string } = {}): PgDb {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      types,
      application_name: options.applicationName ?? 'counterwatch',
      idleTimeoutMillis: 30_000,
    });
    return new PgDb(pool);
  }

  /**
   * Runs `work` in one transaction on one pooled connection: committed when it
   * resolves, rolled back when it throws. Serialization failures and deadlocks
   * are retried (the transaction is re-run from the start).
   */
  async tx<T>(work: (sql: TxSql) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const sql = new TxSql(client);
        const result = await work(sql);
        await client.query(sql.commitText());
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        const code = (error as { code?: string }).code;
        if ((code === '40001' || code === '40P01') && attempt < 5) continue;
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }

  /** Runs a script of several statements (migrations), outside the prepared-statement path. */
  async script(client: pg.PoolClient, sqlText: string): Promise<void> {
    await client.query(sqlText);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
