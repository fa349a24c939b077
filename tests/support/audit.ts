import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';

/** Counts audit rows of an action (optionally about one object) straight from the database. */
export function auditCount(dataDir: string, action: string, objectId?: string): number {
  const db = new BetterSqlite3(path.join(dataDir, 'counterwatch.db'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const row = objectId
      ? db
          .prepare('SELECT count(*) AS n FROM audit_log WHERE action = ? AND object_id = ?')
          .get(action, objectId)
      : db.prepare('SELECT count(*) AS n FROM audit_log WHERE action = ?').get(action);
    return z.object({ n: z.number() }).parse(row).n;
  } finally {
    db.close();
  }
}

/** Opens the database for writing, as an attacker with file access would. */
export function withDatabase<T>(dataDir: string, run: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(path.join(dataDir, 'counterwatch.db'), { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return run(db);
  } finally {
    db.close();
  }
}
