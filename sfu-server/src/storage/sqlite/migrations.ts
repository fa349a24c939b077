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
];
