import { spawnSync } from 'node:child_process';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { databaseUrlOf } from './stack.js';

/**
 * Counts rows straight from a stack's database, whichever backend it runs on:
 * the SQLite file (read-only; WAL allows a reader beside the server) or, for
 * a PostgreSQL stack, `psql` (synchronous like better-sqlite3, so tests read
 * the same either way). `where` is fixed SQL valid on both; values are `?`
 * parameters.
 */
export function countRows(
  dataDir: string,
  table: 'queue_events' | 'audit_log',
  where = '1 = 1',
  params: readonly (string | number)[] = [],
): number {
  const sql = `SELECT count(*) AS n FROM ${table} WHERE ${where}`;
  const url = databaseUrlOf(dataDir);
  if (url) return Number(psql(url, sql, params));
  const db = new BetterSqlite3(path.join(dataDir, 'counterwatch.db'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    return z.object({ n: z.number() }).parse(db.prepare(sql).get(...params)).n;
  } finally {
    db.close();
  }
}

/** The part of better-sqlite3's Database the tests use, so a test can write SQL valid on both backends. */
export interface SqlHandle {
  prepare(sql: string): {
    run(...params: (string | number | null)[]): { changes: number };
    get(...params: (string | number | null)[]): unknown;
    all(...params: (string | number | null)[]): unknown[];
  };
  exec(sql: string): void;
}

/** A PostgreSQL database behind the same synchronous calls (psql per statement; rows come back as JSON). */
export function pgSqlHandle(url: string): SqlHandle {
  return {
    prepare(sql) {
      const rows = (params: (string | number | null)[]): unknown[] =>
        z
          .array(z.unknown())
          .parse(JSON.parse(psql(url, `SELECT coalesce(json_agg(t), '[]'::json) FROM (${sql}) t`, params)));
      return {
        run: (...params) => ({ changes: Number(/\d+$/.exec(psql(url, sql, params, false))?.[0] ?? 0) }),
        get: (...params) => rows(params)[0],
        all: (...params) => rows(params),
      };
    },
    exec(sql) {
      psql(url, sql, []);
    },
  };
}

/** Runs one statement with psql; `?` become psql variables (quoted literals). The password goes by environment. */
function psql(url: string, sql: string, params: readonly (string | number | null)[], quiet = true): string {
  const u = new URL(url);
  let n = 0;
  // A null is the literal NULL; every other value a psql variable, interpolated as a quoted literal.
  const text = sql.replace(/\?/g, () => (params[n++] === null ? 'NULL' : `:'p${n}'`));
  const result = spawnSync(
    'psql',
    [
      '-X',
      '-A',
      '-t',
      ...(quiet ? ['-q'] : []),
      '-v',
      'ON_ERROR_STOP=1',
      ...params.flatMap((p, i) => (p === null ? [] : ['-v', `p${i + 1}=${String(p)}`])),
    ],
    {
      input: `${text};\n`,
      encoding: 'utf8',
      env: {
        ...process.env,
        PGHOST: u.hostname,
        PGPORT: u.port,
        PGUSER: decodeURIComponent(u.username),
        PGPASSWORD: decodeURIComponent(u.password),
        PGDATABASE: u.pathname.slice(1),
      },
    },
  );
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
  return result.stdout.trim();
}
