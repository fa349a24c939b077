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
  {
    version: 3,
    name: 'audit trail, recordings, interactions and review, inspections',
    sql: `
      -- Append-only and hash-chained: hash = sha256(prev_hash || canonical row).
      CREATE TABLE audit_log (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        at            INTEGER NOT NULL,
        actor_id      INTEGER,
        actor         TEXT NOT NULL,
        ip            TEXT,
        action        TEXT NOT NULL,
        department_id TEXT,
        counter_id    TEXT,
        object_type   TEXT,
        object_id     TEXT,
        reason        TEXT,
        details       TEXT NOT NULL,
        prev_hash     TEXT NOT NULL,
        hash          TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_at ON audit_log(at);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      -- The chain's head, so a removed tail is noticed too.
      CREATE TABLE audit_head (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        seq  INTEGER NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL                       -- JSON
      ) STRICT;

      CREATE TABLE segments (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        counter_id    TEXT NOT NULL,
        department_id TEXT NOT NULL,
        path          TEXT NOT NULL UNIQUE,       -- relative to the recordings root
        started_at    INTEGER NOT NULL,
        ended_at      INTEGER NOT NULL,
        bytes         INTEGER NOT NULL,
        container     TEXT NOT NULL
      ) STRICT;
      CREATE INDEX segments_counter_time ON segments(counter_id, started_at);
      CREATE INDEX segments_started ON segments(started_at);

      CREATE TABLE interactions (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        department_id  TEXT NOT NULL,
        counter_id     TEXT NOT NULL,
        ticket_id      TEXT NOT NULL,
        ticket_number  TEXT NOT NULL,
        service_code   TEXT NOT NULL,
        issued_at      INTEGER,
        called_at      INTEGER,
        started_at     INTEGER NOT NULL,
        finished_at    INTEGER NOT NULL,
        outcome        TEXT NOT NULL,
        rating         TEXT,
        rating_comment TEXT,
        review         TEXT NOT NULL DEFAULT 'none' CHECK (review IN ('none', 'pending', 'closed')),
        review_closed_at INTEGER,
        keep           INTEGER NOT NULL DEFAULT 0,
        UNIQUE (department_id, ticket_id)
      ) STRICT;
      CREATE INDEX interactions_counter_time ON interactions(counter_id, started_at);

      CREATE TABLE interaction_flags (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        interaction_id INTEGER NOT NULL REFERENCES interactions(id),
        reason         TEXT NOT NULL,
        note           TEXT,
        created_by     TEXT,
        created_at     INTEGER NOT NULL,
        UNIQUE (interaction_id, reason, note)
      ) STRICT;

      CREATE TABLE review_decisions (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        interaction_id INTEGER NOT NULL REFERENCES interactions(id),
        finding        TEXT NOT NULL,
        note           TEXT NOT NULL,
        decided_by     TEXT NOT NULL,
        decided_at     INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE inspections (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        department_id TEXT NOT NULL,
        counter_id    TEXT NOT NULL,
        inspector     TEXT NOT NULL,
        officer_name  TEXT,
        started_at    INTEGER NOT NULL,
        ended_at      INTEGER,
        checklist     TEXT NOT NULL,               -- JSON ChecklistItem[] as it was
        results       TEXT NOT NULL DEFAULT '{}',  -- JSON
        notes         TEXT NOT NULL DEFAULT ''
      ) STRICT;
      CREATE INDEX inspections_counter ON inspections(counter_id, started_at);

      CREATE TABLE observations (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        inspection_id INTEGER NOT NULL REFERENCES inspections(id),
        at            INTEGER NOT NULL,
        note          TEXT NOT NULL,
        still_path    TEXT                         -- relative to the stills root
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: 'when an interaction was rated',
    sql: `ALTER TABLE interactions ADD COLUMN rated_at INTEGER;`,
  },
  {
    version: 5,
    name: 'corrected event times',
    sql: `ALTER TABLE queue_events ADD COLUMN corrected_at INTEGER;`,
  },
  {
    version: 6,
    name: 'secrets owned by the database once changed there; a feed of account and secret changes',
    sql: `
      -- Set when a counter's token or a department's key is rotated or revoked in the database
      -- (console or CLI): from then on the provisioning file no longer sets it.
      ALTER TABLE counters ADD COLUMN token_managed_at INTEGER;
      ALTER TABLE departments ADD COLUMN key_managed_at INTEGER;
      -- Those changed before this column existed say so in the audit trail.
      UPDATE counters SET token_managed_at = (
        SELECT max(at) FROM audit_log
        WHERE audit_log.counter_id = counters.id AND action IN ('counter.token_rotate', 'counter.token_revoke'));
      UPDATE departments SET key_managed_at = (
        SELECT max(at) FROM audit_log
        WHERE audit_log.department_id = departments.id AND action = 'department.key_rotate');

      -- Changes to accounts, sessions and secrets, written in the transaction of the change:
      -- a running server tails it to learn what another process (the CLI) changed.
      CREATE TABLE changes (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        at      INTEGER NOT NULL,
        kind    TEXT NOT NULL CHECK (kind IN ('user', 'session', 'counter', 'department')),
        subject TEXT NOT NULL
      ) STRICT;
      CREATE INDEX changes_at ON changes(at);
    `,
  },
  {
    version: 7,
    name: 'inspections ended automatically at their maximum duration',
    sql: `ALTER TABLE inspections ADD COLUMN ended_automatically INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 8,
    name: 'department devices, each with its own credential',
    sql: `
      -- Kiosks, counter panels, rating pads and hall boards, enrolled one by one.
      CREATE TABLE devices (
        id              TEXT PRIMARY KEY,                  -- dv-…; queue events come from source device:<id>
        department_id   TEXT NOT NULL REFERENCES departments(id),
        kind            TEXT NOT NULL CHECK (kind IN ('kiosk', 'panel', 'rating', 'board')),
        counter_id      TEXT REFERENCES counters(id),       -- a panel's or rating pad's counter
        name            TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        created_by      TEXT NOT NULL,
        code_hash       TEXT UNIQUE,                       -- sha256 of the one-time enrolment code; NULL once used
        code_expires_at INTEGER,
        token_hash      TEXT UNIQUE,                       -- sha256 of the device's token; NULL until enrolled
        enrolled_at     INTEGER,
        last_used_at    INTEGER,
        revoked_at      INTEGER,                           -- revoked for good: its token is refused
        revoked_by      TEXT,
        CHECK ((kind IN ('panel', 'rating')) = (counter_id IS NOT NULL))
      ) STRICT;
      CREATE INDEX devices_department ON devices(department_id);
    `,
  },
  {
    version: 9,
    name: 'alerts snoozed by a person until a time',
    sql: `
      ALTER TABLE alerts ADD COLUMN snoozed_until INTEGER;
      ALTER TABLE alerts ADD COLUMN snoozed_by TEXT;
    `,
  },
  {
    version: 10,
    name: 'the counters an alert concerns',
    sql: `
      ALTER TABLE alerts ADD COLUMN counter_ids TEXT NOT NULL DEFAULT '[]';  -- JSON array of counter ids
      -- A counter's alert concerns its counter; older department alerts stay with the department.
      UPDATE alerts SET counter_ids = json_array(counter_id) WHERE counter_id IS NOT NULL;
    `,
  },
  {
    version: 11,
    name: 'saved wall views, per user',
    sql: `
      CREATE TABLE wall_views (
        id         INTEGER PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(id),
        name       TEXT NOT NULL,
        body       TEXT NOT NULL,                 -- JSON: layout, sort, counterIds
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (user_id, name)
      ) STRICT;
      `,
  },
  {
    version: 12,
    name: 'inspection drafts saved as typed; the inspector by id and display name',
    sql: `
      -- What the inspector has typed so far (JSON InspectionDraft), saved as typed; the result is
      -- written at the end. No audit row per save: the end's row and the report count them.
      ALTER TABLE inspections ADD COLUMN draft TEXT;
      ALTER TABLE inspections ADD COLUMN draft_saved_at INTEGER;
      ALTER TABLE inspections ADD COLUMN draft_saves INTEGER NOT NULL DEFAULT 0;
      -- The inspector's account (the draft is theirs alone) and display name at the time.
      ALTER TABLE inspections ADD COLUMN inspector_id INTEGER;
      ALTER TABLE inspections ADD COLUMN inspector_name TEXT;
    `,
  },
  {
    version: 13,
    name: 'officers sign in at the counter panel; interactions and inspections name the officer on duty',
    sql: `
      -- The department's officers, managed by the admin; the PIN is hashed like a password.
      CREATE TABLE officers (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        department_id TEXT NOT NULL REFERENCES departments(id),
        display_name  TEXT NOT NULL,
        badge_number  TEXT NOT NULL,
        pin_hash      TEXT NOT NULL,
        disabled_at   INTEGER,
        created_at    INTEGER NOT NULL,
        created_by    TEXT NOT NULL,
        UNIQUE (department_id, badge_number)
      ) STRICT;

      -- Who was signed in at which counter, when: the officer of an interaction is the one on duty
      -- when its service started. One open shift per counter and per officer.
      CREATE TABLE officer_shifts (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        counter_id     TEXT NOT NULL REFERENCES counters(id),
        officer_id     INTEGER NOT NULL REFERENCES officers(id),
        device_id      TEXT NOT NULL,
        signed_in_at   INTEGER NOT NULL,
        signed_out_at  INTEGER
      ) STRICT;
      CREATE UNIQUE INDEX officer_shifts_open_counter ON officer_shifts(counter_id) WHERE signed_out_at IS NULL;
      CREATE UNIQUE INDEX officer_shifts_open_officer ON officer_shifts(officer_id) WHERE signed_out_at IS NULL;
      CREATE INDEX officer_shifts_counter_time ON officer_shifts(counter_id, signed_in_at);

      -- Named as they were at the time.
      ALTER TABLE interactions ADD COLUMN officer_id INTEGER;
      ALTER TABLE interactions ADD COLUMN officer_name TEXT;
      ALTER TABLE interactions ADD COLUMN officer_badge TEXT;
      ALTER TABLE inspections ADD COLUMN officer_id INTEGER;
      ALTER TABLE inspections ADD COLUMN officer_badge TEXT;
    `,
  },
  {
    version: 14,
    name: 'staffing advisor: campaigns declared by the director (expected extra demand)',
    sql: `
      -- A campaign: more citizens expected for a service (or all: NULL) in some departments over some days.
      CREATE TABLE staffing_campaigns (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        name            TEXT NOT NULL,
        department_ids  TEXT NOT NULL,
        service_code    TEXT,
        from_day        TEXT NOT NULL,
        to_day          TEXT NOT NULL,
        uplift_percent  INTEGER NOT NULL,
        created_at      INTEGER NOT NULL,
        created_by      TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 15,
    name: 'the directory managed in the console: place, services, retirement; counter enrolment codes',
    sql: `
      -- Where the department sits (provincial department or commune/ward station) and what it offers.
      ALTER TABLE departments ADD COLUMN level TEXT NOT NULL DEFAULT 'commune';
      ALTER TABLE departments ADD COLUMN services TEXT NOT NULL DEFAULT '[]';
      -- Retired: gone from the live side and new assignments; its history stays.
      ALTER TABLE departments ADD COLUMN retired_at INTEGER;
      ALTER TABLE departments ADD COLUMN retired_by TEXT;
      -- Set once the console changed the row: the provisioning file never overrides it again.
      ALTER TABLE departments ADD COLUMN managed_at INTEGER;
      ALTER TABLE counters ADD COLUMN retired_at INTEGER;
      ALTER TABLE counters ADD COLUMN retired_by TEXT;
      ALTER TABLE counters ADD COLUMN managed_at INTEGER;
      -- A one-time code for the counter's agent (sha256), good until code_expires_at, once.
      ALTER TABLE counters ADD COLUMN code_hash TEXT;
      ALTER TABLE counters ADD COLUMN code_expires_at INTEGER;
      CREATE UNIQUE INDEX counters_code ON counters(code_hash) WHERE code_hash IS NOT NULL;
    `,
  },
  {
    version: 16,
    name: 'several server processes: queue events, alerts and thresholds on the change feed',
    sql: `
      -- Each process folds the others' queue events and mirrors their alert changes as they commit.
      CREATE TABLE changes_new (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        at      INTEGER NOT NULL,
        kind    TEXT NOT NULL CHECK (kind IN ('user', 'session', 'counter', 'department', 'queue', 'alert', 'thresholds')),
        subject TEXT NOT NULL
      ) STRICT;
      INSERT INTO changes_new (seq, at, kind, subject) SELECT seq, at, kind, subject FROM changes;
      DROP TABLE changes;
      ALTER TABLE changes_new RENAME TO changes;
      CREATE INDEX changes_at ON changes(at);
    `,
  },
  {
    version: 17,
    name: 'several server processes: rate-limit attempt counts shared in the database',
    sql: `
      -- Failed logins and enrolment-code redemptions counted per fixed window, for every process alike.
      -- key_hash is a sha256 of the address or username: it is only compared.
      CREATE TABLE rate_attempts (
        scope        TEXT NOT NULL,
        key_hash     TEXT NOT NULL,
        window_start INTEGER NOT NULL,
        count        INTEGER NOT NULL,
        PRIMARY KEY (scope, key_hash, window_start)
      ) STRICT;
      CREATE INDEX rate_attempts_window ON rate_attempts(scope, window_start);
    `,
  },
  {
    version: 18,
    name: 'media nodes: their heartbeats and the counters placed on them',
    sql: `
      -- One row per media node, refreshed by its heartbeat; draining is set by an admin.
      CREATE TABLE media_nodes (
        name         TEXT PRIMARY KEY,
        url          TEXT NOT NULL,
        capacity     INTEGER NOT NULL,
        load         INTEGER NOT NULL,
        draining     INTEGER NOT NULL DEFAULT 0,
        started_at   INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL
      ) STRICT;
      -- Which node a counter's agent publishes to; it outlives the node (a placement on a node that
      -- is gone is replaced when the agent next says hello).
      CREATE TABLE counter_placements (
        counter_id TEXT PRIMARY KEY,
        node       TEXT NOT NULL,
        placed_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX counter_placements_node ON counter_placements(node);
    `,
  },
  {
    version: 19,
    name: 'recording segments: the media node whose disk holds each one',
    sql: `
      -- '' is a single-process server's own disk (every segment before media nodes).
      ALTER TABLE segments ADD COLUMN node TEXT NOT NULL DEFAULT '';
      -- Each node's retention walks its own segments oldest first, and sums them for its quota.
      CREATE INDEX segments_node_started ON segments(node, started_at, id);
    `,
  },
];
