import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Clock, Counter, Department, DepartmentEntry } from '@counterwatch/shared';
import type { Logger } from '../../logger.js';
import { AreaStorage } from '../AreaStorage.js';
import type { CounterRecord, DepartmentRecord, Storage } from '../Storage.js';
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
export class SqliteStorage extends AreaStorage implements Storage {
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
    const changes = new SqliteChangeFeed(db, {
      logger,
      now,
      ...(options.changePollMs === undefined ? {} : { pollMs: options.changePollMs }),
    });
    super({
      secrets: new SqliteSecretStore(db, changes),
      accounts: new SqliteAccountStore(db, changes),
      queueEvents: new SqliteQueueEventStore(db),
      history: new SqliteHistoryStore(db),
      alerts: new SqliteAlertStore(db),
    });
    this.#db = db;
    this.#logger = logger;
    this.#now = now;
    this.changes = changes;
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
