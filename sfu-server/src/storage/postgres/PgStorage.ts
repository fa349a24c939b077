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
import { PG_MIGRATIONS } from './migrations.js';
import { PgDb, type Param, type Sql } from './PgDb.js';
import { insertAlerts, updateAlerts } from './pgAlertWrites.js';
import { matchInOrder } from './matchInOrder.js';
import { PgAuditStore } from './PgAuditStore.js';
import { PgChangeFeed } from './PgChangeFeed.js';
import { PgDeviceStore } from './PgDeviceStore.js';
import { PgOfficerStore } from './PgOfficerStore.js';
import { PgDirectoryStore } from './PgDirectoryStore.js';
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
import { PgCampaignStore } from './PgCampaignStore.js';
import { PgAttemptStore } from './PgAttemptStore.js';
import { PgNodeStore } from './PgNodeStore.js';
import { PgWallViewStore } from './PgWallViewStore.js';
import {
  PgInspectionStore,
  PgRecordingStore,
  PgReviewStore,
  PgSettingsStore,
} from './PgSupervisionStores.js';

const StringList = z.array(z.string());
const RoleList = z.array(RoleSchema);

function json<S extends z.ZodType>(schema: S, text: string, column: string): z.output<S> {
  const result = schema.safeParse(JSON.parse(text));
  if (!result.success) throw new Error(`corrupt ${column} column: ${result.error.message}`);
  return result.data;
}

/** Taken by every process that migrates, so two starting at once do not both apply a migration. */
const MIGRATION_LOCK = 0x63770000;

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
 * The `Storage` contract on PostgreSQL 15+ (node-postgres, pooled). Selected by
 * `CW_DATABASE_URL=postgres://…`; the embedded SQLite stays the default. Every
 * method is one statement or one transaction; secrets and accounts write their
 * change-feed row in the transaction of the change.
 */
export class PgStorage implements Storage {
  readonly #db: PgDb;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly changes: PgChangeFeed;
  readonly audit: PgAuditStore;
  readonly settings: PgSettingsStore;
  readonly recordings: PgRecordingStore;
  readonly reviews: PgReviewStore;
  readonly inspections: PgInspectionStore;
  readonly devices: PgDeviceStore;
  readonly wallViews: PgWallViewStore;
  readonly campaigns: PgCampaignStore;
  readonly attempts: PgAttemptStore;
  readonly nodes: PgNodeStore;
  readonly directory: PgDirectoryStore;
  readonly officers: PgOfficerStore;
  #closed = false;

  private constructor(db: PgDb, logger: Logger, now: Clock, options: { changePollMs?: number }) {
    this.#db = db;
    this.#logger = logger;
    this.#now = now;
    this.changes = new PgChangeFeed(db, {
      logger,
      now,
      ...(options.changePollMs === undefined ? {} : { pollMs: options.changePollMs }),
    });
    this.audit = new PgAuditStore(db);
    this.settings = new PgSettingsStore(db);
    this.recordings = new PgRecordingStore(db);
    this.reviews = new PgReviewStore(db);
    this.inspections = new PgInspectionStore(db);
    this.devices = new PgDeviceStore(db);
    this.wallViews = new PgWallViewStore(db);
    this.campaigns = new PgCampaignStore(db);
    this.attempts = new PgAttemptStore(db);
    this.nodes = new PgNodeStore(db);
    this.directory = new PgDirectoryStore(db, this.changes);
    this.officers = new PgOfficerStore(db);
  }

  /** Connects a pool to `url`, migrates the schema and starts listening for changes. */
  static async create({
    url,
    logger,
    now,
    changePollMs,
    poolSize,
  }: {
    url: string;
    logger: Logger;
    now: Clock;
    changePollMs?: number;
    poolSize?: number;
  }): Promise<PgStorage> {
    const db = PgDb.open(url, poolSize === undefined ? {} : { max: poolSize });
    const child = logger.child({ module: 'storage', backend: 'postgres' });
    // An idle client's error (the server restarted) must not crash the process: the pool replaces it.
    db.pool.on('error', (error) => child.warn({ err: error }, 'idle database connection failed'));
    const storage = new PgStorage(db, child, now, changePollMs === undefined ? {} : { changePollMs });
    try {
      await storage.#migrate();
      await storage.changes.start();
      await storage.changes.prune();
    } catch (error) {
      await storage.close().catch(() => undefined);
      throw error;
    }
    return storage;
  }

  /** The pool, for tests and tools that need plain SQL on the same database. */
  get db(): PgDb {
    return this.#db;
  }

  /** The highest migration applied. */
  async schemaVersion(): Promise<number> {
    return (
      (await this.#db.get<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations'))?.v ?? 0
    );
  }

  async #migrate(): Promise<void> {
    const client = await this.#db.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await client.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
        );
        const applied = new Set(
          (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
            (r) => r.version,
          ),
        );
        for (const migration of PG_MIGRATIONS) {
          if (applied.has(migration.version)) continue;
          await client.query('BEGIN');
          try {
            await client.query(migration.sql);
            await client.query(
              'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
              [migration.version, migration.name, this.#now()],
            );
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK');
            throw error;
          }
          this.#logger.info({ version: migration.version, name: migration.name }, 'migration applied');
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  async listDepartments(): Promise<DepartmentRecord[]> {
    return (await this.#db.all<DepartmentRow>('SELECT * FROM departments ORDER BY id')).map(
      departmentFromRow,
    );
  }

  async listCounters(): Promise<CounterRecord[]> {
    return (await this.#db.all<CounterRow>('SELECT * FROM counters ORDER BY department_id, id')).map(
      counterFromRow,
    );
  }

  async saveDepartment(
    d: Department & Partial<Pick<DepartmentEntry, 'level' | 'services'>>,
  ): Promise<boolean> {
    const entry = { level: 'commune' as const, services: [], ...d };
    return (await this.#db.run(SEED_DEPARTMENT_SQL, seedDepartmentParams(entry, this.#now()))) === 1;
  }

  async saveCounter(c: Counter): Promise<boolean> {
    return (await this.#db.run(SEED_COUNTER_SQL, seedCounterParams(c, this.#now()))) === 1;
  }

  async setCounterTokenHash(counterId: string, tokenHash: string | null, at: number): Promise<boolean> {
    return this.#db.tx(async (sql) => {
      const changed =
        (await sql.run(
          'UPDATE counters SET token_hash = ?, token_set_at = ?, token_managed_at = ? WHERE id = ?',
          [tokenHash, at, at, counterId],
        )) === 1;
      if (changed) this.changes.recordAtCommit(sql, 'counter', [counterId]);
      return changed;
    });
  }

  async setDepartmentApiKeyHash(
    departmentId: string,
    apiKeyHash: string | null,
    at: number,
  ): Promise<boolean> {
    return this.#db.tx(async (sql) => {
      const changed =
        (await sql.run('UPDATE departments SET api_key_hash = ?, key_managed_at = ? WHERE id = ?', [
          apiKeyHash,
          at,
          departmentId,
        ])) === 1;
      if (changed) this.changes.recordAtCommit(sql, 'department', [departmentId]);
      return changed;
    });
  }

  async provisionCounterTokenHash(
    counterId: string,
    tokenHash: string,
    at: number,
  ): Promise<ProvisionOutcome> {
    return this.#db.tx(async (sql): Promise<ProvisionOutcome> => {
      const row = await sql.get<{ token_hash: string | null; token_managed_at: number | null }>(
        'SELECT token_hash, token_managed_at FROM counters WHERE id = ? FOR UPDATE',
        [counterId],
      );
      if (!row) return 'not_found';
      if (row.token_managed_at !== null) return 'managed_in_database';
      if (row.token_hash === tokenHash) return 'unchanged';
      await sql.run('UPDATE counters SET token_hash = ?, token_set_at = ? WHERE id = ?', [
        tokenHash,
        at,
        counterId,
      ]);
      this.changes.recordAtCommit(sql, 'counter', [counterId]);
      return 'applied';
    });
  }

  async provisionDepartmentApiKeyHash(departmentId: string, apiKeyHash: string): Promise<ProvisionOutcome> {
    return this.#db.tx(async (sql): Promise<ProvisionOutcome> => {
      const row = await sql.get<{ api_key_hash: string | null; key_managed_at: number | null }>(
        'SELECT api_key_hash, key_managed_at FROM departments WHERE id = ? FOR UPDATE',
        [departmentId],
      );
      if (!row) return 'not_found';
      if (row.key_managed_at !== null) return 'managed_in_database';
      if (row.api_key_hash === apiKeyHash) return 'unchanged';
      await sql.run('UPDATE departments SET api_key_hash = ? WHERE id = ?', [apiKeyHash, departmentId]);
      this.changes.recordAtCommit(sql, 'department', [departmentId]);
      return 'applied';
    });
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
      this.changes.recordAtCommit(sql, 'user', [inserted.id]);
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
      if (changed > 0) this.changes.recordAtCommit(sql, kind, [subject]);
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

  /**
   * One statement inserts the whole batch (arrays unnested in batch order, so
   * `seq` follows it); `ON CONFLICT DO NOTHING` makes a replayed batch a no-op.
   * Rows not inserted are then told apart (replay, id clash, sequence clash)
   * in the same transaction.
   */
  async insertQueueEvents(
    events: { event: QueueEvent; receivedAt: number; correctedAt: number }[],
  ): Promise<EventInsertResult[]> {
    if (events.length === 0) return [];
    // The events go as one JSON array: each element's text is stored as it is, and the indexed columns
    // are read out of it by the database. Text arrays would escape every character of every id on
    // this side, the most of this statement's client time; the validated events hold each value once.
    const bodies = JSON.stringify(events.map((e) => e.event));
    const received = events.map((e) => e.receivedAt);
    const corrected = events.map((e) => e.correctedAt);
    // One statement, committed on its own: it takes the change feed's lock before a row gets its
    // sequence number (sequence order must be commit order: the other processes read "after the
    // last one I saw"), inserts, appends the feed's row for the group and notifies. The lock is held
    // only while the database runs it, never across a round trip to this busy process.
    const inserted = await this.#db.all<{ seq: number; id: string }>(
      `WITH feed_lock AS MATERIALIZED (${this.changes.lockStatement()}),
       ins AS (
         INSERT INTO queue_events (id, department_id, counter_id, ticket_id, type, occurred_at, received_at,
           source_id, source_seq, body, corrected_at)
         SELECT r.id, r."departmentId", r."counterId", r."ticketId", r.type, r."occurredAt", t.received_at,
           r.source->>'id', (r.source->>'seq')::bigint, e::text, t.corrected_at
         FROM json_array_elements(?::json) WITH ORDINALITY AS j(e, ord)
         -- Each body parsed once for all its columns (->> on json scans the text again for every key).
         CROSS JOIN LATERAL json_to_record(e) AS r(id text, "departmentId" text, "counterId" text, "ticketId" text,
           type text, "occurredAt" bigint, source json)
         JOIN unnest(?::bigint[], ?::bigint[]) WITH ORDINALITY AS t(received_at, corrected_at, ord) USING (ord)
         CROSS JOIN feed_lock
         ORDER BY ord
         ON CONFLICT DO NOTHING
         RETURNING seq, id
       ),
       change AS (
         INSERT INTO changes (at, kind, subject) SELECT ?, 'queue', ? WHERE EXISTS (SELECT 1 FROM ins)
         RETURNING ${this.changes.notifyStatement('queue')}
       )
       SELECT seq, id FROM ins`,
      [bodies, received, corrected, this.#now(), this.changes.origin],
    );
    // Rows are inserted in the batch's order; an event not inserted (a duplicate, a clash) leaves no
    // row. Matched by id alone: ids are unique in the log, so of two entries with one id only the
    // first can have been inserted. Anything else is looked into below.
    const rows = matchInOrder(events, inserted, {
      order: (r) => r.seq,
      item: (e) => e.event.id,
      row: (r) => r.id,
    });
    const results: EventInsertResult[] = [];
    for (const [i, { event }] of events.entries()) {
      const row = rows[i];
      results.push(row ? { status: 'inserted', seq: row.seq } : await this.#conflict(event));
    }
    return results;
  }

  /** Why an event was not inserted. Ids are unique per source within a department; elsewhere they clash. */
  async #conflict(event: QueueEvent): Promise<EventInsertResult> {
    const holder = await this.#db.get<{ department_id: string; source_id: string }>(
      'SELECT department_id, source_id FROM queue_events WHERE id = ?',
      [event.id],
    );
    if (holder) {
      if (holder.department_id === event.departmentId && holder.source_id === event.source.id)
        return { status: 'duplicate' };
      return {
        status: 'id_conflict',
        sameDepartment: holder.department_id === event.departmentId,
        existingSourceId: holder.source_id,
      };
    }
    const existing = await this.#db.get<{ id: string }>(
      'SELECT id FROM queue_events WHERE department_id = ? AND source_id = ? AND source_seq = ?',
      [event.departmentId, event.source.id, event.source.seq],
    );
    if (existing) return { status: 'seq_conflict', existingId: existing.id };
    throw new Error('queue event neither inserted nor conflicting');
  }

  async listQueueEvents(departmentId: string, since: number): Promise<StoredQueueEvent[]> {
    return (
      await this.#db.all<EventRow>(
        'SELECT seq, body, received_at, corrected_at FROM queue_events WHERE department_id = ? AND received_at >= ? ORDER BY seq',
        [departmentId, since],
      )
    ).map(storedEvent);
  }

  async listQueueEventsBetween(
    afterSeq: number,
    throughSeq: number,
    limit: number,
  ): Promise<StoredQueueEvent[]> {
    return (
      await this.#db.all<EventRow>(
        'SELECT seq, body, received_at, corrected_at FROM queue_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
        [afterSeq, throughSeq, limit],
      )
    ).map(storedEvent);
  }

  async queueEventsHead(): Promise<number> {
    return (await this.#db.get<{ seq: number | null }>('SELECT max(seq) AS seq FROM queue_events'))?.seq ?? 0;
  }

  async listTicketEvents(departmentId: string, ticketId: string): Promise<StoredQueueEvent[]> {
    return (
      await this.#db.all<EventRow>(
        'SELECT seq, body, received_at, corrected_at FROM queue_events WHERE department_id = ? AND ticket_id = ? ORDER BY seq',
        [departmentId, ticketId],
      )
    ).map(storedEvent);
  }

  async nextSourceSeq(departmentId: string, sourceId: string): Promise<number> {
    const row = await this.#db.get<{ max: number | null }>(
      'SELECT max(source_seq) AS max FROM queue_events WHERE department_id = ? AND source_id = ?',
      [departmentId, sourceId],
    );
    return (row?.max ?? 0) + 1;
  }

  async insertHistoryPoints(rows: { departmentId: string; point: HistoryPoint }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#db.run(
      `INSERT INTO metrics_history (department_id, at, point)
       SELECT DISTINCT ON (department_id, at) department_id, at, point
       FROM unnest(?::text[], ?::bigint[], ?::text[]) WITH ORDINALITY AS r(department_id, at, point, ord)
       ORDER BY department_id, at, ord DESC
       ON CONFLICT (department_id, at) DO UPDATE SET point = excluded.point`,
      [
        rows.map((r) => r.departmentId),
        rows.map((r) => r.point.at),
        rows.map((r) => JSON.stringify(r.point)),
      ],
    );
  }

  async listHistory(departmentId: string, from: number, to: number): Promise<HistoryPoint[]> {
    return (
      await this.#db.all<{ point: string }>(
        'SELECT point FROM metrics_history WHERE department_id = ? AND at >= ? AND at <= ? ORDER BY at',
        [departmentId, from, to],
      )
    ).map((r) => json(HistoryPointSchema, r.point, 'metrics_history.point'));
  }

  async deleteHistoryBefore(at: number): Promise<number> {
    return this.#db.run('DELETE FROM metrics_history WHERE at < ?', [at]);
  }

  async saveDailyAggregate(departmentId: string, aggregate: DailyAggregate): Promise<void> {
    await this.#db.run(
      `INSERT INTO daily_aggregates (department_id, day, aggregate) VALUES (?, ?, ?)
       ON CONFLICT (department_id, day) DO UPDATE SET aggregate = excluded.aggregate`,
      [departmentId, aggregate.day, JSON.stringify(aggregate)],
    );
  }

  async listDailyAggregates(departmentId: string, fromDay: string, toDay: string): Promise<DailyAggregate[]> {
    return (
      await this.#db.all<{ aggregate: string }>(
        'SELECT aggregate FROM daily_aggregates WHERE department_id = ? AND day >= ? AND day <= ? ORDER BY day',
        [departmentId, fromDay, toDay],
      )
    ).map((r) => json(DailyAggregateSchema, r.aggregate, 'daily_aggregates.aggregate'));
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
    if (inserts.length === 0 && updates.length === 0) return [];
    return this.#db.tx(async (sql) => {
      const stored = await insertAlerts(sql, inserts);
      const changed = new Set<string>();
      for (const alert of stored) if (alert) changed.add(String(alert.id));
      for (const id of await updateAlerts(sql, updates)) changed.add(String(id));
      // Every process mirrors alerts: one change row per alert, with this transaction's commit.
      this.changes.recordAtCommit(sql, 'alert', [...changed]);
      return stored;
    });
  }

  async getAlert(id: number): Promise<StoredAlert | undefined> {
    const row = await this.#db.get<AlertRow>('SELECT * FROM alerts WHERE id = ?', [id]);
    return row && alertFromRow(row);
  }

  async getAlerts(ids: readonly number[]): Promise<StoredAlert[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db.all<AlertRow>('SELECT * FROM alerts WHERE id = ANY(?::bigint[])', [ids]);
    return rows.map(alertFromRow);
  }

  async listAlerts(query: AlertQuery & { departmentIds?: string[] | null }): Promise<StoredAlert[]> {
    const where: string[] = [];
    const params: Param[] = [];
    const add = (clause: string, value: Param | undefined): void => {
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
      add('department_id = ANY(?::text[])', query.departmentIds);
    }
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT ?`;
    return (await this.#db.all<AlertRow>(sql, [...params, query.limit])).map(alertFromRow);
  }

  async listActiveAlerts(): Promise<StoredAlert[]> {
    return (await this.#db.all<AlertRow>("SELECT * FROM alerts WHERE state <> 'resolved' ORDER BY id")).map(
      alertFromRow,
    );
  }

  async getThresholds(departmentId: string): Promise<AlertThresholds | undefined> {
    const row = await this.#db.get<{ thresholds: string }>(
      'SELECT thresholds FROM alert_thresholds WHERE department_id = ?',
      [departmentId],
    );
    return row && json(AlertThresholdsSchema, row.thresholds, 'alert_thresholds.thresholds');
  }

  async setThresholds(departmentId: string, thresholds: AlertThresholds): Promise<void> {
    await this.#db.tx(async (sql) => {
      await sql.run(
        `INSERT INTO alert_thresholds (department_id, thresholds) VALUES (?, ?)
         ON CONFLICT (department_id) DO UPDATE SET thresholds = excluded.thresholds`,
        [departmentId, JSON.stringify(thresholds)],
      );
      this.changes.recordAtCommit(sql, 'thresholds', [departmentId]);
    });
  }

  async ping(): Promise<void> {
    await this.#db.get('SELECT 1 AS one');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.changes.close();
    await this.#db.close();
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
  return { seq: r.seq, event, receivedAt: r.received_at, correctedAt: r.corrected_at ?? event.occurredAt };
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
