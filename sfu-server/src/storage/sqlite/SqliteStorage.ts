import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
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
import { MIGRATIONS } from './migrations.js';
import { SqliteAccountStore } from './SqliteAccountStore.js';
import { SqliteAlertStore } from './SqliteAlertStore.js';
import { SqliteAttemptStore } from './SqliteAttemptStore.js';
import { SqliteAuditStore } from './SqliteAuditStore.js';
import { SqliteCampaignStore } from './SqliteCampaignStore.js';
import { SqliteChangeFeed } from './SqliteChangeFeed.js';
import { SqliteDeviceStore } from './SqliteDeviceStore.js';
import { SqliteDirectoryStore } from './SqliteDirectoryStore.js';
import { SqliteHistoryStore } from './SqliteHistoryStore.js';
import { SqliteInspectionStore } from './SqliteInspectionStore.js';
import { SqliteNodeStore } from './SqliteNodeStore.js';
import { SqliteOfficerStore } from './SqliteOfficerStore.js';
import { SqliteQueueEventStore } from './SqliteQueueEventStore.js';
import { SqliteRecordingStore } from './SqliteRecordingStore.js';
import { SqliteReviewStore } from './SqliteReviewStore.js';
import { SqliteSecretStore } from './SqliteSecretStore.js';
import { SqliteSettingsStore } from './SqliteSettingsStore.js';
import { SqliteWallViewStore } from './SqliteWallViewStore.js';

type Db = BetterSqlite3.Database;

/**
 * The `Storage` contract on the embedded SQLite (better-sqlite3, one connection in WAL mode), the
 * default backend. The areas are stores of their own; secrets and accounts write their change-feed
 * row in the immediate transaction of the change.
 */
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
  readonly #secrets: SqliteSecretStore;
  readonly #accounts: SqliteAccountStore;
  readonly #queueEvents: SqliteQueueEventStore;
  readonly #history: SqliteHistoryStore;
  readonly #alerts: SqliteAlertStore;
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
    this.#secrets = new SqliteSecretStore(db, this.changes);
    this.#accounts = new SqliteAccountStore(db, this.changes);
    this.#queueEvents = new SqliteQueueEventStore(db);
    this.#history = new SqliteHistoryStore(db);
    this.#alerts = new SqliteAlertStore(db);
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
    this.#db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.changes.close();
    this.#db.close();
  }
}
