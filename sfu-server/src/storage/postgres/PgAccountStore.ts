import { z } from 'zod';
import { RoleSchema } from '@counterwatch/shared';
import type { NewUser, SessionRecord, UserRecord } from '../Storage.js';
import { json } from '../rows/jsonColumn.js';
import type { PgChangeFeed } from './PgChangeFeed.js';
import type { PgDb, Sql } from './PgDb.js';

const StringList = z.array(z.string());
const RoleList = z.array(RoleSchema);

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string;
  department_ids: string | null;
  disabled: boolean;
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
 * Users and their sessions on PostgreSQL: a change to an account writes its change-feed row in the
 * transaction of the change.
 */
export class PgAccountStore {
  readonly #db: PgDb;
  readonly #changes: PgChangeFeed;

  constructor(db: PgDb, changes: PgChangeFeed) {
    this.#db = db;
    this.#changes = changes;
  }

  async countUsers(): Promise<number> {
    return (await this.#db.get<{ n: number }>('SELECT count(*) AS n FROM users'))?.n ?? 0;
  }

  async createUser(user: NewUser, at: number): Promise<UserRecord> {
    const row = await this.#db.tx(async (sql) => {
      const inserted = await sql.get<UserRow>(
        `INSERT INTO users (username, display_name, password_hash, roles, department_ids, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
        [
          user.username,
          user.displayName,
          user.passwordHash,
          JSON.stringify(user.roles),
          user.departmentIds === null ? null : JSON.stringify(user.departmentIds),
          at,
        ],
      );
      if (!inserted) throw new Error('user insert returned nothing');
      this.#changes.recordAtCommit(sql, 'user', [inserted.id]);
      return inserted;
    });
    return userFromRow(row);
  }

  async getUser(id: number): Promise<UserRecord | undefined> {
    const row = await this.#db.get<UserRow>('SELECT * FROM users WHERE id = ?', [id]);
    return row && userFromRow(row);
  }

  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.#db.get<UserRow>('SELECT * FROM users WHERE username = ?', [username]);
    return row && userFromRow(row);
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.#db.all<UserRow>('SELECT * FROM users ORDER BY username')).map(userFromRow);
  }

  /** Runs one write in a transaction with its change-feed row (only if it changed a row); the rows changed. */
  async #recorded(
    kind: 'user' | 'session',
    subject: string | number,
    write: (sql: Sql) => Promise<number>,
  ): Promise<number> {
    return this.#db.tx(async (sql) => {
      const changed = await write(sql);
      if (changed > 0) this.#changes.recordAtCommit(sql, kind, [subject]);
      return changed;
    });
  }

  async setUserPassword(userId: number, passwordHash: string): Promise<boolean> {
    return (
      (await this.#recorded('user', userId, (sql) =>
        sql.run('UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, userId]),
      )) > 0
    );
  }

  async updateUser(
    userId: number,
    f: { displayName: string; roles: string[]; departmentIds: string[] | null; disabled: boolean },
  ): Promise<boolean> {
    return (
      (await this.#recorded('user', userId, (sql) =>
        sql.run(
          'UPDATE users SET display_name = ?, roles = ?, department_ids = ?, disabled = ? WHERE id = ?',
          [
            f.displayName,
            JSON.stringify(f.roles),
            f.departmentIds === null ? null : JSON.stringify(f.departmentIds),
            f.disabled,
            userId,
          ],
        ),
      )) > 0
    );
  }

  async listActiveSessions(now: number): Promise<SessionRecord[]> {
    return (
      await this.#db.all<SessionRow>(
        'SELECT * FROM sessions WHERE revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC',
        [now],
      )
    ).map(sessionFromRow);
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.#db.run(
      `INSERT INTO sessions (id_hash, user_id, created_at, expires_at, revoked_at, ip, user_agent)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [s.idHash, s.userId, s.createdAt, s.expiresAt, s.revokedAt, s.ip, s.userAgent],
    );
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const row = await this.#db.get<SessionRow>('SELECT * FROM sessions WHERE id_hash = ?', [idHash]);
    return row && sessionFromRow(row);
  }

  async revokeSession(idHash: string, at: number): Promise<boolean> {
    return (
      (await this.#recorded('session', idHash, (sql) =>
        sql.run('UPDATE sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL', [at, idHash]),
      )) > 0
    );
  }

  async revokeUserSessions(userId: number, at: number): Promise<number> {
    return this.#recorded('user', userId, (sql) =>
      sql.run('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', [at, userId]),
    );
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
    disabled: row.disabled,
    createdAt: row.created_at,
  };
}
