import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { countRows, pgSqlHandle, type SqlHandle } from './database.js';
import { databaseUrlOf } from './stack.js';

/** Counts audit rows of an action (optionally about one object) straight from the database (either backend). */
export function auditCount(dataDir: string, action: string, objectId?: string): number {
  return objectId
    ? countRows(dataDir, 'audit_log', 'action = ? AND object_id = ?', [action, objectId])
    : countRows(dataDir, 'audit_log', 'action = ?', [action]);
}

/** Opens the database for writing, as an attacker with access to it would. */
export function withDatabase<T>(dataDir: string, run: (db: SqlHandle) => T): T {
  // On PostgreSQL the same calls go through psql: SQL valid on both backends works on both.
  const url = databaseUrlOf(dataDir);
  if (url) return run(pgSqlHandle(url));
  const db = new BetterSqlite3(path.join(dataDir, 'counterwatch.db'), { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return run({
      prepare: (sql) => {
        const statement = db.prepare(sql);
        return {
          run: (...params) => statement.run(...params),
          get: (...params) => statement.get(...params),
          all: (...params) => statement.all(...params),
        };
      },
      exec: (sql) => void db.exec(sql),
    });
  } finally {
    db.close();
  }
}
