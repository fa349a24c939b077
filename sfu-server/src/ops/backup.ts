import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { AuditAnchor } from '@counterwatch/shared';
import { PG_MIGRATIONS } from '../storage/postgres/migrations.js';
import { MIGRATIONS } from '../storage/sqlite/migrations.js';

/**
 * Backup and restore of the server's database, either backend:
 *
 * - SQLite: SQLite's online backup API (better-sqlite3 `db.backup()`), safe
 *   while the server runs and writes; the copy is checked (`integrity_check`)
 *   and made a single self-contained file.
 * - PostgreSQL: `pg_dump --format=custom` (one consistent snapshot while the
 *   server runs) and `pg_restore` into an empty database. The password goes
 *   to the programs in PGPASSWORD (or comes from the operator's ~/.pgpass or
 *   PGPASSFILE), never on their command line or in a message.
 *
 * A backup names the audit chain's head it contains: keep it (`SEQ:HASH`) and
 * a restored database must verify against it.
 */

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface BackupResult {
  file: string;
  bytes: number;
  /** The audit chain's head in the backup (null: no audit row yet). */
  anchor: AuditAnchor | null;
}

const SQLITE_FILE = 'counterwatch.db';
const SQLITE_MAGIC = 'SQLite format 3\0';
const PG_MAGIC = 'PGDMP';

function refuseExisting(file: string): void {
  if (fs.existsSync(file)) throw new BackupError(`${file} exists; choose a new file name`);
}

function readMagic(file: string, length: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = fs.readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read).toString('latin1');
  } finally {
    fs.closeSync(fd);
  }
}

function headOf(row: { seq: number; hash: string } | undefined): AuditAnchor | null {
  return row && row.seq > 0 ? { seq: row.seq, hash: row.hash } : null;
}

// ---- SQLite ----

/** Copies the live database of `dataDir` to `out` (which must not exist) with the online backup API. */
export async function backupSqlite(dataDir: string, out: string): Promise<BackupResult> {
  const source = path.join(dataDir, SQLITE_FILE);
  if (!fs.existsSync(source)) throw new BackupError(`no database at ${source}`);
  refuseExisting(out);
  const partial = `${out}.partial`;
  fs.rmSync(partial, { force: true });
  const db = new BetterSqlite3(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // Page by page, letting the server write in between; a write restarts nothing we copied.
    await db.backup(partial);
  } finally {
    db.close();
  }
  let anchor: AuditAnchor | null;
  try {
    const copy = new BetterSqlite3(partial, { fileMustExist: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new BackupError(`the copy failed its integrity check: ${String(check)}`);
      // One file, no -wal beside it: what is copied or mailed is the whole database.
      copy.pragma('journal_mode = DELETE');
      anchor = headOf(
        copy
          .prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1')
          .get(),
      );
    } finally {
      copy.close();
    }
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, out);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  return { file: out, bytes: fs.statSync(out).size, anchor };
}

/**
 * Puts a backup in place as `dataDir`'s database, the server stopped. An
 * existing database is replaced only with `force`. The backup is checked
 * first (a SQLite file, intact, a CounterWatch schema this version knows).
 */
export function restoreSqlite(file: string, dataDir: string, options: { force?: boolean } = {}): void {
  if (!fs.existsSync(file)) throw new BackupError(`${file} does not exist`);
  if (readMagic(file, SQLITE_MAGIC.length) !== SQLITE_MAGIC)
    throw new BackupError(`${file} is not a SQLite backup (a PostgreSQL dump needs CW_DATABASE_URL)`);
  const target = path.join(dataDir, SQLITE_FILE);
  if (fs.existsSync(target) && !options.force)
    throw new BackupError(`${target} exists; stop the server and pass --force to replace it`);
  const probe = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const check = probe.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`${file} failed its integrity check: ${String(check)}`);
    const version = probe
      .prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_migrations')
      .get()?.v;
    checkVersion(version ?? 0, Math.max(...MIGRATIONS.map((m) => m.version)));
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} is not a CounterWatch database (${(error as Error).message})`);
  } finally {
    probe.close();
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const partial = `${target}.restoring`;
  fs.copyFileSync(file, partial);
  fs.chmodSync(partial, 0o600);
  // The replaced database's journal must not be applied to the restored one.
  for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${target}${suffix}`, { force: true });
  fs.renameSync(partial, target);
}

function checkVersion(version: number, known: number): void {
  if (version < 1) throw new BackupError('the backup holds no CounterWatch schema');
  if (version > known)
    throw new BackupError(
      `the backup is of a newer CounterWatch (schema ${version}; this one knows up to ${known}): restore with that version`,
    );
}

// ---- PostgreSQL ----

/** The URL without its password, and the password apart (for PGPASSWORD). */
export function splitPassword(url: string): { url: string; password: string | null } {
  const parsed = new URL(url);
  const password = parsed.password === '' ? null : decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), password };
}

function pgProgram(name: 'pg_dump' | 'pg_restore', binDir: string | undefined): string {
  return binDir ? path.join(binDir, name) : name;
}

/** Runs a PostgreSQL program with an argument array; the password only in its environment. */
function runPg(program: string, args: string[], password: string | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (password !== null) env.PGPASSWORD = password;
    const child = spawn(program, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 8_000) stderr += chunk;
    });
    child.once('error', (error) =>
      reject(new BackupError(`${path.basename(program)} could not start: ${error.message}`)),
    );
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new BackupError(
            `${path.basename(program)} failed (${signal ?? `exit ${code ?? '?'}`}): ${stderr.trim()}`,
          ),
        );
    });
  });
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'counterwatch-backup' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function pgHead(url: string): Promise<AuditAnchor | null> {
  return withClient(url, async (client) => {
    const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('audit_head')::text AS t`);
    if (!exists.rows[0]?.t) return null;
    const row = await client.query<{ seq: string; hash: string }>(
      'SELECT seq::text AS seq, hash FROM audit_head WHERE id = 1',
    );
    const head = row.rows[0];
    return head ? headOf({ seq: Number(head.seq), hash: head.hash }) : null;
  });
}

/**
 * `pg_dump --format=custom` of the database at `url` to `out` (which must
 * not exist). The audit head is read first: the chain only grows, so the dump
 * (a later snapshot) holds that row.
 */
export async function backupPostgres(
  url: string,
  out: string,
  options: { binDir?: string } = {},
): Promise<BackupResult> {
  refuseExisting(out);
  const anchor = await pgHead(url);
  const { url: bare, password } = splitPassword(url);
  const partial = `${out}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    await runPg(
      pgProgram('pg_dump', options.binDir),
      ['--format=custom', '--no-owner', '--no-privileges', `--file=${partial}`, `--dbname=${bare}`],
      password,
    );
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, out);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  return { file: out, bytes: fs.statSync(out).size, anchor };
}

/**
 * `pg_restore` of a dump into the database at `url`, in one transaction
 * (all or nothing). The database must be empty (create it with `createdb -O
 * <role>`); with `force`, what it holds is dropped first (`--clean`).
 */
export async function restorePostgres(
  file: string,
  url: string,
  options: { force?: boolean; binDir?: string } = {},
): Promise<void> {
  if (!fs.existsSync(file)) throw new BackupError(`${file} does not exist`);
  if (readMagic(file, PG_MAGIC.length) !== PG_MAGIC)
    throw new BackupError(
      `${file} is not a pg_dump custom-format file (a SQLite backup needs CW_DATABASE_URL unset)`,
    );
  const holds = await withClient(url, async (client) => {
    const r = await client.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
    return Boolean(r.rows[0]?.t);
  });
  if (holds && !options.force)
    throw new BackupError(
      'the target database is not empty; restore into a new database, or pass --force to replace it',
    );
  const { url: bare, password } = splitPassword(url);
  await runPg(
    pgProgram('pg_restore', options.binDir),
    [
      '--exit-on-error',
      '--single-transaction',
      '--no-owner',
      '--no-privileges',
      ...(holds ? ['--clean', '--if-exists'] : []),
      `--dbname=${bare}`,
      file,
    ],
    password,
  );
  const version = await withClient(url, async (client) => {
    const r = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    return r.rows[0]?.v ?? 0;
  });
  checkVersion(version, Math.max(...PG_MIGRATIONS.map((m) => m.version)));
}
