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

/** The environment the admin CLI needs to reach a stack's database (PostgreSQL is named by URL, SQLite by --data-dir). */
export function adminEnv(dataDir: string): NodeJS.ProcessEnv {
  const url = databaseUrlOf(dataDir);
  return url ? { ...process.env, CW_DATABASE_URL: url } : process.env;
}

/** Removes the database's append-only guard on the audit log, as someone with write access to it could. */
export function dropAuditGuards(dataDir: string): void {
  const pg = databaseUrlOf(dataDir) !== undefined;
  withDatabase(dataDir, (db) => {
    if (pg) db.exec('DROP TRIGGER audit_log_no_update ON audit_log');
    else {
      db.exec('DROP TRIGGER audit_log_no_update');
      db.exec('DROP TRIGGER audit_log_no_delete');
    }
  });
}

/**
 * Makes appending an audit row fail (every row, or one action's), as a full disk would; returns the undo.
 * A trigger on either backend: the server's own write path meets the failure.
 */
export function failAuditAppends(dataDir: string, action?: string): () => void {
  if (action !== undefined && !/^[a-z_.]+$/.test(action)) throw new Error(`not an action: ${action}`);
  const pg = databaseUrlOf(dataDir) !== undefined;
  withDatabase(dataDir, (db) => {
    if (pg) {
      const fail = "RAISE EXCEPTION 'disk full';";
      const body = action ? `IF NEW.action = '${action}' THEN ${fail} END IF;` : fail;
      db.exec(
        `CREATE FUNCTION cw_test_audit_fails() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body} RETURN NEW; END $$;` +
          ' CREATE TRIGGER cw_test_audit_fails BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION cw_test_audit_fails()',
      );
    } else {
      const when = action ? `WHEN NEW.action = '${action}' ` : '';
      db.exec(
        `CREATE TRIGGER cw_test_audit_fails BEFORE INSERT ON audit_log ${when}BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
      );
    }
  });
  return () =>
    withDatabase(dataDir, (db) =>
      db.exec(
        pg
          ? 'DROP TRIGGER cw_test_audit_fails ON audit_log; DROP FUNCTION cw_test_audit_fails()'
          : 'DROP TRIGGER cw_test_audit_fails',
      ),
    );
}
