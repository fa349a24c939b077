import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { countRows } from './database.js';
import { databaseUrlOf } from './stack.js';

/** Counts audit rows of an action (optionally about one object) straight from the database (either backend). */
export function auditCount(dataDir: string, action: string, objectId?: string): number {
  return objectId
    ? countRows(dataDir, 'audit_log', 'action = ? AND object_id = ?', [action, objectId])
    : countRows(dataDir, 'audit_log', 'action = ?', [action]);
}

/** Opens the SQLite database for writing, as an attacker with file access would (SQLite stacks only). */
export function withDatabase<T>(dataDir: string, run: (db: BetterSqlite3.Database) => T): T {
  if (databaseUrlOf(dataDir))
    throw new Error('withDatabase opens SQLite files: this stack runs on PostgreSQL');
  const db = new BetterSqlite3(path.join(dataDir, 'counterwatch.db'), { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return run(db);
  } finally {
    db.close();
  }
}
