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
export class PgStorage extends AreaStorage implements Storage {
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
    const changes = new PgChangeFeed(db, {
      logger,
      now,
      ...(options.changePollMs === undefined ? {} : { pollMs: options.changePollMs }),
    });
    super({
      secrets: new PgSecretStore(db, changes),
      accounts: new PgAccountStore(db, changes),
      queueEvents: new PgQueueEventStore(db, now, changes),
      history: new PgHistoryStore(db),
      alerts: new PgAlertStore(db, changes),
    });
    this.#db = db;
    this.#logger = logger;
    this.#now = now;
    this.changes = changes;
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
