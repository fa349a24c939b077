/**
 * Schema migrations, applied in order inside one transaction each and
 * recorded in `schema_migrations`. Never edit a released migration: add one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'directory, users and sessions',
    sql: `
      CREATE TABLE departments (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        opening_hours TEXT NOT NULL,             -- JSON OpeningHours
        api_key_hash  TEXT,                      -- sha256 of the department's queue-system key
        created_at    INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE counters (
        id            TEXT PRIMARY KEY,
        department_id TEXT NOT NULL REFERENCES departments(id),
        name          TEXT NOT NULL,
        services      TEXT NOT NULL,             -- JSON array of service codes
        token_hash    TEXT,                      -- sha256 of the agent token; NULL = revoked
        token_set_at  INTEGER,
        created_at    INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX counters_department ON counters(department_id);

      CREATE TABLE users (
        id             INTEGER PRIMARY KEY,
        username       TEXT NOT NULL UNIQUE,
        display_name   TEXT NOT NULL,
        password_hash  TEXT NOT NULL,
        roles          TEXT NOT NULL,            -- JSON array of roles
        department_ids TEXT,                     -- JSON array, NULL = all departments
        disabled       INTEGER NOT NULL DEFAULT 0,
        created_at     INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sessions (
        id_hash      TEXT PRIMARY KEY,           -- sha256 of the cookie value
        user_id      INTEGER NOT NULL REFERENCES users(id),
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        revoked_at   INTEGER,
        ip           TEXT,
        user_agent   TEXT
      ) STRICT;
      CREATE INDEX sessions_user ON sessions(user_id);
    `,
  },
  {
    version: 2,
    name: 'queue events, metrics history, alerts',
    sql: `
      -- Every accepted queue event, once. State and metrics are derived from these.
      CREATE TABLE queue_events (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,  -- arrival order at the server
        id             TEXT NOT NULL UNIQUE,               -- the event's own id: idempotency
        department_id  TEXT NOT NULL,
        counter_id     TEXT,
        ticket_id      TEXT,
        type           TEXT NOT NULL,
        occurred_at    INTEGER NOT NULL,                   -- the source's clock
        received_at    INTEGER NOT NULL,                   -- ours
        source_id      TEXT NOT NULL,
        source_seq     INTEGER NOT NULL,
        body           TEXT NOT NULL,                      -- the validated event, JSON
        UNIQUE (department_id, source_id, source_seq)
      ) STRICT;
      CREATE INDEX queue_events_department_time ON queue_events(department_id, received_at);

      -- 10-second samples of each department's metrics.
      CREATE TABLE metrics_history (
        department_id TEXT NOT NULL,
        at            INTEGER NOT NULL,
        point         TEXT NOT NULL,                       -- JSON HistoryPoint
        PRIMARY KEY (department_id, at)
      ) STRICT, WITHOUT ROWID;

      -- One row per department and business day, kept for good.
      CREATE TABLE daily_aggregates (
        department_id TEXT NOT NULL,
        day           TEXT NOT NULL,                       -- YYYY-MM-DD, Asia/Ho_Chi_Minh
        aggregate     TEXT NOT NULL,                       -- JSON
        PRIMARY KEY (department_id, day)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE alerts (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        rule            TEXT NOT NULL,
        severity        TEXT NOT NULL,
        department_id   TEXT NOT NULL,
        counter_id      TEXT,
        subject         TEXT,
        condition_key   TEXT NOT NULL,
        details         TEXT NOT NULL,                     -- JSON
        state           TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
        opened_at       INTEGER NOT NULL,
        acknowledged_at INTEGER,
        acknowledged_by TEXT,
        resolved_at     INTEGER,
        resolved_by     TEXT,
        resolution_note TEXT
      ) STRICT;
      -- No two unresolved alerts for the same condition.
      CREATE UNIQUE INDEX alerts_one_active_per_condition ON alerts(condition_key) WHERE state != 'resolved';
      CREATE INDEX alerts_department_opened ON alerts(department_id, opened_at);

      CREATE TABLE alert_thresholds (
        department_id TEXT PRIMARY KEY,
        thresholds    TEXT NOT NULL                        -- JSON AlertThresholds
      ) STRICT;
    `,
  },
];
