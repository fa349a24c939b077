import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import {
  AlertThresholdsSchema,
  HistoryPointSchema,
  QueueEventSchema,
  RoleSchema,
  type AlertQuery,
  type AlertThresholds,
  type Counter,
  type Department,
  type DepartmentEntry,
  type HistoryPoint,
  type QueueEvent,
  DailyAggregateSchema,
  type Clock,
} from '@counterwatch/shared';
import type { Logger } from '../../logger.js';
import type {
  CounterRecord,
  DailyAggregate,
  DepartmentRecord,
  EventInsertResult,
  NewAlert,
  NewUser,
  ProvisionOutcome,
  SessionRecord,
  Storage,
  StoredAlert,
  StoredQueueEvent,
  UserRecord,
  AlertPart,
} from '../Storage.js';
import { MIGRATIONS } from './migrations.js';
import { SqliteAuditStore } from './SqliteAuditStore.js';
import { SqliteChangeFeed } from './SqliteChangeFeed.js';
import { SqliteDeviceStore } from './SqliteDeviceStore.js';
import { SqliteWallViewStore } from './SqliteWallViewStore.js';
import { SqliteCampaignStore } from './SqliteCampaignStore.js';
import { SqliteAttemptStore } from './SqliteAttemptStore.js';
import { SqliteNodeStore } from './SqliteNodeStore.js';
import { SqliteOfficerStore } from './SqliteOfficerStore.js';
import { SqliteDirectoryStore } from './SqliteDirectoryStore.js';
import {
  SEED_COUNTER_SQL,
  SEED_DEPARTMENT_SQL,
  counterFromRow,
  departmentFromRow,
  seedCounterParams,
  seedDepartmentParams,
  type CounterRow,
  type DepartmentRow,
} from '../rows/directoryRows.js';
import { alertFromRow, type AlertRow } from '../rows/alertRows.js';
import { alertInsert, alertUpdate } from './sqliteAlertWrites.js';
import {
  SqliteInspectionStore,
  SqliteRecordingStore,
  SqliteReviewStore,
  SqliteSettingsStore,
} from './SqliteSupervisionStores.js';

type Db = BetterSqlite3.Database;

/** JSON columns are parsed back through schemas: a corrupted row fails loudly, not as a wrong type. */
const StringList = z.array(z.string());
const RoleList = z.array(RoleSchema);

function json<S extends z.ZodType>(schema: S, text: string, column: string): z.output<S> {
  const result = schema.safeParse(JSON.parse(text));
  if (!result.success) throw new Error(`corrupt ${column} column: ${result.error.message}`);
  return result.data;
}

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

export class SqliteStorage implements Storage {
  readonly #db: Db;
  readonly #logger: Logger;
  readonly changes: SqliteChangeFeed;
  readonly audit: SqliteAuditStore;
  readonly settings: SqliteSettingsStore;
  readonly recordings: SqliteRecordingStore;
  readonly reviews: SqliteReviewStore;
  readonly inspections: SqliteInspectionStore;
  readonly devices: SqliteDeviceStore;
  readonly wallViews: SqliteWallViewStore;
  readonly officers: SqliteOfficerStore;
  readonly campaigns: SqliteCampaignStore;
  readonly attempts: SqliteAttemptStore;
  readonly nodes: SqliteNodeStore;
  readonly directory: SqliteDirectoryStore;
  #closed = false;

  readonly #now: Clock;

  private constructor(db: Db, logger: Logger, now: Clock, options: { changePollMs?: number }) {
    this.#db = db;
    this.#logger = logger;
    this.#now = now;
    this.changes = new SqliteChangeFeed(db, {
      logger,
      now,
      ...(options.changePollMs === undefined ? {} : { pollMs: options.changePollMs }),
    });
    this.audit = new SqliteAuditStore(db);
    this.settings = new SqliteSettingsStore(db);
    this.recordings = new SqliteRecordingStore(db);
    this.reviews = new SqliteReviewStore(db);
    this.inspections = new SqliteInspectionStore(db);
    this.devices = new SqliteDeviceStore(db);
    this.wallViews = new SqliteWallViewStore(db);
    this.officers = new SqliteOfficerStore(db);
    this.campaigns = new SqliteCampaignStore(db);
    this.attempts = new SqliteAttemptStore(db);
    this.nodes = new SqliteNodeStore(db);
    this.directory = new SqliteDirectoryStore(db, this.changes);
  }

  /** Opens (creating if needed) `<dataDir>/counterwatch.db` in WAL mode and migrates it. */
  static async create({
    dataDir,
    logger,
    changePollMs,
    now,
  }: {
    dataDir: string;
    logger: Logger;
    now: Clock;
    /** How often the change feed looks for other processes' changes. */
    changePollMs?: number;
  }): Promise<SqliteStorage> {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const db = new BetterSqlite3(path.join(dataDir, 'counterwatch.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // durable across process crashes; WAL keeps it fast
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const child = logger.child({ module: 'storage' });
    const storage = new SqliteStorage(db, child, now, changePollMs === undefined ? {} : { changePollMs });
    storage.#migrate();
    storage.changes.prepare();
    storage.changes.prune();
    return storage;
  }

  /** For modules that keep their own prepared statements on the same database. */
  get db(): Db {
    return this.#db;
  }

  #migrate(): void {
    this.#db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
    );
    const applied = new Set(
      this.#db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
        .all()
        .map((r) => r.version),
    );
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      this.#db.transaction(() => {
        this.#db.exec(migration.sql);
        this.#db
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(migration.version, migration.name, this.#now());
      })();
      this.#logger.info({ version: migration.version, name: migration.name }, 'migration applied');
    }
  }

  async listDepartments(): Promise<DepartmentRecord[]> {
    return this.#db
      .prepare<[], DepartmentRow>('SELECT * FROM departments ORDER BY id')
      .all()
      .map(departmentFromRow);
  }

  async listCounters(): Promise<CounterRecord[]> {
    return this.#db
      .prepare<[], CounterRow>('SELECT * FROM counters ORDER BY department_id, id')
      .all()
      .map(counterFromRow);
  }

  async saveDepartment(
    d: Department & Partial<Pick<DepartmentEntry, 'level' | 'services'>>,
  ): Promise<boolean> {
    const entry = { level: 'commune' as const, services: [], ...d };
    return (
      this.#db.prepare(SEED_DEPARTMENT_SQL).run(...seedDepartmentParams(entry, this.#now())).changes === 1
    );
  }

  async saveCounter(c: Counter): Promise<boolean> {
    return this.#db.prepare(SEED_COUNTER_SQL).run(...seedCounterParams(c, this.#now())).changes === 1;
  }

  async setCounterTokenHash(counterId: string, tokenHash: string | null, at: number): Promise<boolean> {
    return this.#db
      .transaction(() => {
        const changed =
          this.#db
            .prepare(
              'UPDATE counters SET token_hash = ?, token_set_at = ?, token_managed_at = ? WHERE id = ?',
            )
            .run(tokenHash, at, at, counterId).changes === 1;
        if (changed) this.changes.record('counter', counterId);
        return changed;
      })
      .immediate();
  }

  async setDepartmentApiKeyHash(
    departmentId: string,
    apiKeyHash: string | null,
    at: number,
  ): Promise<boolean> {
    return this.#db
      .transaction(() => {
        const changed =
          this.#db
            .prepare('UPDATE departments SET api_key_hash = ?, key_managed_at = ? WHERE id = ?')
            .run(apiKeyHash, at, departmentId).changes === 1;
        if (changed) this.changes.record('department', departmentId);
        return changed;
      })
      .immediate();
  }

  async provisionCounterTokenHash(
    counterId: string,
    tokenHash: string,
    at: number,
  ): Promise<ProvisionOutcome> {
    return this.#db
      .transaction((): ProvisionOutcome => {
        const row = this.#db
          .prepare<[string], { token_hash: string | null; token_managed_at: number | null }>(
            'SELECT token_hash, token_managed_at FROM counters WHERE id = ?',
          )
          .get(counterId);
        if (!row) return 'not_found';
        if (row.token_managed_at !== null) return 'managed_in_database';
        if (row.token_hash === tokenHash) return 'unchanged';
        this.#db
          .prepare('UPDATE counters SET token_hash = ?, token_set_at = ? WHERE id = ?')
          .run(tokenHash, at, counterId);
        this.changes.record('counter', counterId);
        return 'applied';
      })
      .immediate();
  }

  async provisionDepartmentApiKeyHash(departmentId: string, apiKeyHash: string): Promise<ProvisionOutcome> {
    return this.#db
      .transaction((): ProvisionOutcome => {
        const row = this.#db
          .prepare<[string], { api_key_hash: string | null; key_managed_at: number | null }>(
            'SELECT api_key_hash, key_managed_at FROM departments WHERE id = ?',
          )
          .get(departmentId);
        if (!row) return 'not_found';
        if (row.key_managed_at !== null) return 'managed_in_database';
        if (row.api_key_hash === apiKeyHash) return 'unchanged';
        this.#db
          .prepare('UPDATE departments SET api_key_hash = ? WHERE id = ?')
          .run(apiKeyHash, departmentId);
        this.changes.record('department', departmentId);
        return 'applied';
      })
      .immediate();
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
        this.changes.record('user', id);
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
        if (changed) this.changes.record(kind, subject);
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
      .map((row) => ({
        idHash: row.id_hash,
        userId: row.user_id,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        revokedAt: row.revoked_at,
        ip: row.ip,
        userAgent: row.user_agent,
      }));
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
    return (
      row && {
        idHash: row.id_hash,
        userId: row.user_id,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        revokedAt: row.revoked_at,
        ip: row.ip,
        userAgent: row.user_agent,
      }
    );
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

  async insertQueueEvents(
    events: { event: QueueEvent; receivedAt: number; correctedAt: number }[],
  ): Promise<EventInsertResult[]> {
    const insert = this.#db.prepare(
      `INSERT INTO queue_events (id, department_id, counter_id, ticket_id, type, occurred_at, received_at, source_id, source_seq, body, corrected_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    const byId = this.#db.prepare<[string], { department_id: string; source_id: string }>(
      'SELECT department_id, source_id FROM queue_events WHERE id = ?',
    );
    const bySourceSeq = this.#db.prepare<[string, string, number], { id: string }>(
      'SELECT id FROM queue_events WHERE department_id = ? AND source_id = ? AND source_seq = ?',
    );
    return this.#db.transaction(() =>
      events.map(({ event, receivedAt, correctedAt }): EventInsertResult => {
        const result = insert.run(
          event.id,
          event.departmentId,
          'counterId' in event ? (event.counterId ?? null) : null,
          'ticketId' in event ? event.ticketId : null,
          event.type,
          event.occurredAt,
          receivedAt,
          event.source.id,
          event.source.seq,
          JSON.stringify(event),
          correctedAt,
        );
        if (result.changes === 1) return { status: 'inserted', seq: Number(result.lastInsertRowid) };
        // Ids are unique per source within a department; the same id elsewhere is a clash, not a replay.
        const holder = byId.get(event.id);
        if (holder) {
          if (holder.department_id === event.departmentId && holder.source_id === event.source.id)
            return { status: 'duplicate' };
          return {
            status: 'id_conflict',
            sameDepartment: holder.department_id === event.departmentId,
            existingSourceId: holder.source_id,
          };
        }
        const existing = bySourceSeq.get(event.departmentId, event.source.id, event.source.seq);
        if (existing) return { status: 'seq_conflict', existingId: existing.id };
        throw new Error('queue event neither inserted nor conflicting');
      }),
    )();
  }

  async listQueueEvents(departmentId: string, since: number): Promise<StoredQueueEvent[]> {
    return this.#db
      .prepare<[string, number], EventRow>(
        'SELECT seq, body, received_at, corrected_at FROM queue_events WHERE department_id = ? AND received_at >= ? ORDER BY seq',
      )
      .all(departmentId, since)
      .map(storedEvent);
  }

  async listQueueEventsBetween(
    afterSeq: number,
    throughSeq: number,
    limit: number,
  ): Promise<StoredQueueEvent[]> {
    return this.#db
      .prepare<[number, number, number], EventRow>(
        'SELECT seq, body, received_at, corrected_at FROM queue_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
      )
      .all(afterSeq, throughSeq, limit)
      .map(storedEvent);
  }

  async queueEventsHead(): Promise<number> {
    return (
      this.#db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM queue_events').get()?.seq ?? 0
    );
  }

  async listTicketEvents(departmentId: string, ticketId: string): Promise<StoredQueueEvent[]> {
    return this.#db
      .prepare<[string, string], EventRow>(
        'SELECT seq, body, received_at, corrected_at FROM queue_events WHERE department_id = ? AND ticket_id = ? ORDER BY seq',
      )
      .all(departmentId, ticketId)
      .map(storedEvent);
  }

  async nextSourceSeq(departmentId: string, sourceId: string): Promise<number> {
    const row = this.#db
      .prepare<[string, string], { max: number | null }>(
        'SELECT max(source_seq) AS max FROM queue_events WHERE department_id = ? AND source_id = ?',
      )
      .get(departmentId, sourceId);
    return (row?.max ?? 0) + 1;
  }

  async insertHistoryPoints(rows: { departmentId: string; point: HistoryPoint }[]): Promise<void> {
    const insert = this.#db.prepare(
      'INSERT OR REPLACE INTO metrics_history (department_id, at, point) VALUES (?, ?, ?)',
    );
    this.#db.transaction(() => {
      for (const r of rows) insert.run(r.departmentId, r.point.at, JSON.stringify(r.point));
    })();
  }

  async listHistory(departmentId: string, from: number, to: number): Promise<HistoryPoint[]> {
    return this.#db
      .prepare<[string, number, number], { point: string }>(
        'SELECT point FROM metrics_history WHERE department_id = ? AND at >= ? AND at <= ? ORDER BY at',
      )
      .all(departmentId, from, to)
      .map((r) => json(HistoryPointSchema, r.point, 'metrics_history.point'));
  }

  async deleteHistoryBefore(at: number): Promise<number> {
    return this.#db.prepare('DELETE FROM metrics_history WHERE at < ?').run(at).changes;
  }

  async saveDailyAggregate(departmentId: string, aggregate: DailyAggregate): Promise<void> {
    this.#db
      .prepare('INSERT OR REPLACE INTO daily_aggregates (department_id, day, aggregate) VALUES (?, ?, ?)')
      .run(departmentId, aggregate.day, JSON.stringify(aggregate));
  }

  async listDailyAggregates(departmentId: string, fromDay: string, toDay: string): Promise<DailyAggregate[]> {
    return this.#db
      .prepare<[string, string, string], { aggregate: string }>(
        'SELECT aggregate FROM daily_aggregates WHERE department_id = ? AND day >= ? AND day <= ? ORDER BY day',
      )
      .all(departmentId, fromDay, toDay)
      .map((r) => json(DailyAggregateSchema, r.aggregate, 'daily_aggregates.aggregate'));
  }

  async insertAlert(alert: NewAlert): Promise<StoredAlert> {
    const [stored] = await this.writeAlerts([alert], []);
    if (!stored) throw new Error(`an unresolved alert of condition ${alert.conditionKey} exists already`);
    return stored;
  }

  async updateAlert(alert: StoredAlert, part: AlertPart): Promise<void> {
    await this.writeAlerts([], [{ alert, part }]);
  }

  async writeAlerts(
    inserts: readonly NewAlert[],
    updates: readonly { alert: StoredAlert; part: AlertPart }[],
  ): Promise<(StoredAlert | null)[]> {
    return this.#db.transaction(() => {
      const stored = inserts.map((alert): StoredAlert | null => {
        const [sql, values] = alertInsert(alert);
        const result = this.#db.prepare(sql).run(...values);
        return result.changes > 0 ? { ...alert, id: Number(result.lastInsertRowid) } : null;
      });
      for (const { alert, part } of updates) {
        const [sql, values] = alertUpdate(alert, part);
        this.#db.prepare(sql).run(...values);
      }
      return stored;
    })();
  }

  async getAlert(id: number): Promise<StoredAlert | undefined> {
    const row = this.#db.prepare<[number], AlertRow>('SELECT * FROM alerts WHERE id = ?').get(id);
    return row && alertFromRow(row);
  }

  async getAlerts(ids: readonly number[]): Promise<StoredAlert[]> {
    if (ids.length === 0) return [];
    const rows = this.#db
      .prepare<[string], AlertRow>('SELECT * FROM alerts WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids));
    return rows.map(alertFromRow);
  }

  async listAlerts(query: AlertQuery & { departmentIds?: string[] | null }): Promise<StoredAlert[]> {
    // Only fixed fragments go into the SQL text; every value is a bound parameter.
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (clause: string, value: string | number | undefined): void => {
      if (value === undefined) return;
      where.push(clause);
      params.push(value);
    };
    add('state = ?', query.state);
    add('department_id = ?', query.departmentId);
    add('counter_id = ?', query.counterId);
    add('severity = ?', query.severity);
    add('rule = ?', query.rule);
    add('opened_at >= ?', query.from);
    add('opened_at <= ?', query.to);
    if (query.departmentIds) {
      if (query.departmentIds.length === 0) return [];
      where.push(`department_id IN (${query.departmentIds.map(() => '?').join(', ')})`);
      params.push(...query.departmentIds);
    }
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT ?`;
    return this.#db
      .prepare<(string | number)[], AlertRow>(sql)
      .all(...params, query.limit)
      .map(alertFromRow);
  }

  async listActiveAlerts(): Promise<StoredAlert[]> {
    return this.#db
      .prepare<[], AlertRow>("SELECT * FROM alerts WHERE state != 'resolved' ORDER BY id")
      .all()
      .map(alertFromRow);
  }

  async getThresholds(departmentId: string): Promise<AlertThresholds | undefined> {
    const row = this.#db
      .prepare<[string], { thresholds: string }>(
        'SELECT thresholds FROM alert_thresholds WHERE department_id = ?',
      )
      .get(departmentId);
    return row && json(AlertThresholdsSchema, row.thresholds, 'alert_thresholds.thresholds');
  }

  async setThresholds(departmentId: string, thresholds: AlertThresholds): Promise<void> {
    this.#db
      .prepare('INSERT OR REPLACE INTO alert_thresholds (department_id, thresholds) VALUES (?, ?)')
      .run(departmentId, JSON.stringify(thresholds));
  }

  async ping(): Promise<void> {
    this.#db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.changes.close();
    this.#db.close();
  }
}

interface EventRow {
  seq: number;
  body: string;
  received_at: number;
  corrected_at: number | null;
}

function storedEvent(r: EventRow): StoredQueueEvent {
  const event = json(QueueEventSchema, r.body, 'queue_events.body');
  // Rows from before corrected times were stored keep their source time.
  return { seq: r.seq, event, receivedAt: r.received_at, correctedAt: r.corrected_at ?? event.occurredAt };
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
