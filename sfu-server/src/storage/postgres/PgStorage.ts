import type {
  AlertQuery,
  AlertThresholds,
  Clock,
  Counter,
  Department,
  DepartmentEntry,
  HistoryPoint,
  QueueEvent,
} from '@counterwatch/shared';
import type { Logger } from '../../logger.js';
import type {
  AlertPart,
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
} from '../Storage.js';
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
import { PG_MIGRATIONS } from './migrations.js';
import { PgDb } from './PgDb.js';
import { PgAccountStore } from './PgAccountStore.js';
import { PgAlertStore } from './PgAlertStore.js';
import { PgAttemptStore } from './PgAttemptStore.js';
import { PgAuditStore } from './PgAuditStore.js';
import { PgCampaignStore } from './PgCampaignStore.js';
import { PgChangeFeed } from './PgChangeFeed.js';
import { PgDeviceStore } from './PgDeviceStore.js';
import { PgDirectoryStore } from './PgDirectoryStore.js';
import { PgHistoryStore } from './PgHistoryStore.js';
import { PgInspectionStore } from './PgInspectionStore.js';
import { PgNodeStore } from './PgNodeStore.js';
import { PgOfficerStore } from './PgOfficerStore.js';
import { PgQueueEventStore } from './PgQueueEventStore.js';
import { PgRecordingStore } from './PgRecordingStore.js';
import { PgReviewStore } from './PgReviewStore.js';
import { PgSecretStore } from './PgSecretStore.js';
import { PgSettingsStore } from './PgSettingsStore.js';
import { PgWallViewStore } from './PgWallViewStore.js';

/** Taken by every process that migrates, so two starting at once do not both apply a migration. */
const MIGRATION_LOCK = 0x63770000;

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
  readonly #secrets: PgSecretStore;
  readonly #accounts: PgAccountStore;
  readonly #queueEvents: PgQueueEventStore;
  readonly #history: PgHistoryStore;
  readonly #alerts: PgAlertStore;
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
    this.#secrets = new PgSecretStore(db, this.changes);
    this.#accounts = new PgAccountStore(db, this.changes);
    this.#queueEvents = new PgQueueEventStore(db, now, this.changes);
    this.#history = new PgHistoryStore(db);
    this.#alerts = new PgAlertStore(db, this.changes);
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
    return this.#secrets.setCounterTokenHash(counterId, tokenHash, at);
  }

  async setDepartmentApiKeyHash(
    departmentId: string,
    apiKeyHash: string | null,
    at: number,
  ): Promise<boolean> {
    return this.#secrets.setDepartmentApiKeyHash(departmentId, apiKeyHash, at);
  }

  async provisionCounterTokenHash(
    counterId: string,
    tokenHash: string,
    at: number,
  ): Promise<ProvisionOutcome> {
    return this.#secrets.provisionCounterTokenHash(counterId, tokenHash, at);
  }

  async provisionDepartmentApiKeyHash(departmentId: string, apiKeyHash: string): Promise<ProvisionOutcome> {
    return this.#secrets.provisionDepartmentApiKeyHash(departmentId, apiKeyHash);
  }

  async countUsers(): Promise<number> {
    return this.#accounts.countUsers();
  }

  async createUser(user: NewUser, at: number): Promise<UserRecord> {
    return this.#accounts.createUser(user, at);
  }

  async getUser(id: number): Promise<UserRecord | undefined> {
    return this.#accounts.getUser(id);
  }

  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    return this.#accounts.findUserByUsername(username);
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.#accounts.listUsers();
  }

  async setUserPassword(userId: number, passwordHash: string): Promise<boolean> {
    return this.#accounts.setUserPassword(userId, passwordHash);
  }

  async updateUser(
    userId: number,
    f: { displayName: string; roles: string[]; departmentIds: string[] | null; disabled: boolean },
  ): Promise<boolean> {
    return this.#accounts.updateUser(userId, f);
  }

  async listActiveSessions(now: number): Promise<SessionRecord[]> {
    return this.#accounts.listActiveSessions(now);
  }

  async createSession(s: SessionRecord): Promise<void> {
    return this.#accounts.createSession(s);
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    return this.#accounts.getSession(idHash);
  }

  async revokeSession(idHash: string, at: number): Promise<boolean> {
    return this.#accounts.revokeSession(idHash, at);
  }

  async revokeUserSessions(userId: number, at: number): Promise<number> {
    return this.#accounts.revokeUserSessions(userId, at);
  }

  async insertQueueEvents(
    events: { event: QueueEvent; receivedAt: number; correctedAt: number }[],
  ): Promise<EventInsertResult[]> {
    return this.#queueEvents.insertQueueEvents(events);
  }

  async listQueueEvents(departmentId: string, since: number): Promise<StoredQueueEvent[]> {
    return this.#queueEvents.listQueueEvents(departmentId, since);
  }

  async listQueueEventsBetween(
    afterSeq: number,
    throughSeq: number,
    limit: number,
  ): Promise<StoredQueueEvent[]> {
    return this.#queueEvents.listQueueEventsBetween(afterSeq, throughSeq, limit);
  }

  async queueEventsHead(): Promise<number> {
    return this.#queueEvents.queueEventsHead();
  }

  async listTicketEvents(departmentId: string, ticketId: string): Promise<StoredQueueEvent[]> {
    return this.#queueEvents.listTicketEvents(departmentId, ticketId);
  }

  async nextSourceSeq(departmentId: string, sourceId: string): Promise<number> {
    return this.#queueEvents.nextSourceSeq(departmentId, sourceId);
  }

  async insertHistoryPoints(rows: { departmentId: string; point: HistoryPoint }[]): Promise<void> {
    return this.#history.insertHistoryPoints(rows);
  }

  async listHistory(departmentId: string, from: number, to: number): Promise<HistoryPoint[]> {
    return this.#history.listHistory(departmentId, from, to);
  }

  async deleteHistoryBefore(at: number): Promise<number> {
    return this.#history.deleteHistoryBefore(at);
  }

  async saveDailyAggregate(departmentId: string, aggregate: DailyAggregate): Promise<void> {
    return this.#history.saveDailyAggregate(departmentId, aggregate);
  }

  async listDailyAggregates(departmentId: string, fromDay: string, toDay: string): Promise<DailyAggregate[]> {
    return this.#history.listDailyAggregates(departmentId, fromDay, toDay);
  }

  async insertAlert(alert: NewAlert): Promise<StoredAlert> {
    return this.#alerts.insertAlert(alert);
  }

  async updateAlert(alert: StoredAlert, part: AlertPart): Promise<void> {
    return this.#alerts.updateAlert(alert, part);
  }

  async writeAlerts(
    inserts: readonly NewAlert[],
    updates: readonly { alert: StoredAlert; part: AlertPart }[],
  ): Promise<(StoredAlert | null)[]> {
    return this.#alerts.writeAlerts(inserts, updates);
  }

  async getAlert(id: number): Promise<StoredAlert | undefined> {
    return this.#alerts.getAlert(id);
  }

  async getAlerts(ids: readonly number[]): Promise<StoredAlert[]> {
    return this.#alerts.getAlerts(ids);
  }

  async listAlerts(query: AlertQuery & { departmentIds?: string[] | null }): Promise<StoredAlert[]> {
    return this.#alerts.listAlerts(query);
  }

  async listActiveAlerts(): Promise<StoredAlert[]> {
    return this.#alerts.listActiveAlerts();
  }

  async getThresholds(departmentId: string): Promise<AlertThresholds | undefined> {
    return this.#alerts.getThresholds(departmentId);
  }

  async setThresholds(departmentId: string, thresholds: AlertThresholds): Promise<void> {
    return this.#alerts.setThresholds(departmentId, thresholds);
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
