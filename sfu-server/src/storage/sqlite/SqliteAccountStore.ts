import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { RoleSchema } from '@counterwatch/shared';
import type { NewUser, SessionRecord, UserRecord } from '../Storage.js';
import { json } from '../rows/jsonColumn.js';
import type { SqliteChangeFeed } from './SqliteChangeFeed.js';

type Db = BetterSqlite3.Database;

const StringList = z.array(z.string());
const RoleList = z.array(RoleSchema);

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string;
  department_ids: string | null;
  disabled: number;
  created_at: number;
}
interface SessionRow {
  id_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  ip: string | null;
  user_agent: string | null;
}

/**
 * Users and their sessions on SQLite (the PostgreSQL twin: PgAccountStore): a change to an account
 * writes its change-feed row in the immediate transaction of the change.
 */
export class SqliteAccountStore {
  readonly #db: Db;
  readonly #changes: SqliteChangeFeed;

  constructor(db: Db, changes: SqliteChangeFeed) {
    this.#db = db;
    this.#changes = changes;
  }

  async countUsers(): Promise<number> {
    return this.#db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users').get()?.n ?? 0;
  }

  async createUser(user: NewUser, at: number): Promise<UserRecord> {
    const id = this.#db
      .transaction(() => {
        const result = this.#db
          .prepare(
            `INSERT INTO users (username, display_name, password_hash, roles, department_ids, created_at)
             VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(
            user.username,
            user.displayName,
            user.passwordHash,
            JSON.stringify(user.roles),
            user.departmentIds === null ? null : JSON.stringify(user.departmentIds),
            at,
          );
        const id = Number(result.lastInsertRowid);
        this.#changes.record('user', id);
        return id;
      })
      .immediate();
    const created = await this.getUser(id);
    if (!created) throw new Error('user vanished after insert');
    return created;
  }

  async getUser(id: number): Promise<UserRecord | undefined> {
    const row = this.#db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?').get(id);
    return row && userFromRow(row);
  }

  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    const row = this.#db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?').get(username);
    return row && userFromRow(row);
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.#db.prepare<[], UserRow>('SELECT * FROM users ORDER BY username').all().map(userFromRow);
  }

  async setUserPassword(userId: number, passwordHash: string): Promise<boolean> {
    return this.#recorded('user', userId, () =>
      this.#db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, userId),
    );
  }

  /** Runs one write in an immediate transaction with its change-feed row (only if it changed a row). */
  #recorded(kind: 'user' | 'session', subject: string | number, write: () => { changes: number }): boolean {
    return this.#db
      .transaction(() => {
        const changed = write().changes > 0;
        if (changed) this.#changes.record(kind, subject);
        return changed;
      })
      .immediate();
  }

  async updateUser(
    userId: number,
    f: { displayName: string; roles: string[]; departmentIds: string[] | null; disabled: boolean },
  ): Promise<boolean> {
    return this.#recorded('user', userId, () =>
      this.#db
        .prepare(
          'UPDATE users SET display_name = ?, roles = ?, department_ids = ?, disabled = ? WHERE id = ?',
        )
        .run(
          f.displayName,
          JSON.stringify(f.roles),
          f.departmentIds === null ? null : JSON.stringify(f.departmentIds),
          f.disabled ? 1 : 0,
          userId,
        ),
    );
  }

  async listActiveSessions(now: number): Promise<SessionRecord[]> {
    return this.#db
      .prepare<[number], SessionRow>(
        'SELECT * FROM sessions WHERE revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC',
      )
      .all(now)
      .map(sessionFromRow);
  }

  async createSession(s: SessionRecord): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO sessions (id_hash, user_id, created_at, expires_at, revoked_at, ip, user_agent)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.idHash, s.userId, s.createdAt, s.expiresAt, s.revokedAt, s.ip, s.userAgent);
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const row = this.#db
      .prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id_hash = ?')
      .get(idHash);
    return row && sessionFromRow(row);
  }

  async revokeSession(idHash: string, at: number): Promise<boolean> {
    return this.#recorded('session', idHash, () =>
      this.#db
        .prepare('UPDATE sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL')
        .run(at, idHash),
    );
  }

  async revokeUserSessions(userId: number, at: number): Promise<number> {
    let revoked = 0;
    this.#recorded('user', userId, () => {
      const result = this.#db
        .prepare('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
        .run(at, userId);
      revoked = result.changes;
      return result;
    });
    return revoked;
  }
}

function sessionFromRow(row: SessionRow): SessionRecord {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

function userFromRow(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    roles: json(RoleList, row.roles, 'users.roles'),
    departmentIds:
      row.department_ids === null ? null : json(StringList, row.department_ids, 'users.department_ids'),
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
  };
}
