#!/usr/bin/env node
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  AppError,
  AuditAnchorSchema,
  DepartmentIdSchema,
  RoleSchema,
  UsernameSchema,
  clockOffsetFromEnv,
  describeIssues,
  offsetClock,
} from '@counterwatch/shared';
import { AccountService } from './accounts/AccountService.js';
import { AuditLog, type Actor } from './audit/AuditLog.js';
import { NodeAdmin } from './nodes/NodeAdmin.js';
import { createRootLogger } from './logger.js';
import { isPostgresUrl, openStorage } from './storage/open.js';
import { BackupError, backupPostgres, backupSqlite, restorePostgres, restoreSqlite } from './ops/backup.js';

/**
 * Operator commands on the data directory. Account and secret changes go
 * through the account service as the admin API's do — on the audit trail as
 * `cli:<os user>`, and noticed by a running server within a second or two
 * (a rotated token drops its agent, a reset password ends the user's sessions):
 *
 *   counterwatch-admin user add --data-dir DIR --username U --roles director[,inspector]
 *        [--name "Display Name"] [--departments d1,d2] [--password-file F]   (else a password is generated and printed once)
 *   counterwatch-admin user reset-password --data-dir DIR --username U [--password-file F]
 *   counterwatch-admin counter token --data-dir DIR --counter ID   (prints a new agent token once)
 *   counterwatch-admin audit verify --data-dir DIR [--anchor SEQ:HASH]   (exit 0 intact, 2 tampered)
 *   counterwatch-admin department key --data-dir DIR --department ID   (prints a new queue-system API key once)
 *   counterwatch-admin database backup --data-dir DIR --out FILE   (SQLite online backup, or pg_dump; prints the audit anchor it holds)
 *   counterwatch-admin database restore --data-dir DIR --from FILE [--force] [--anchor SEQ:HASH]   (server stopped)
 *   counterwatch-admin node list --data-dir DIR   (media nodes: alive, load, placed counters, draining)
 *   counterwatch-admin node drain|undrain --data-dir DIR --node NAME   (move its counters away for maintenance, or take it back)
 */
/** The installation's clock (CW_CLOCK_OFFSET_MS, as the server's). */
const now = offsetClock(clockOffsetFromEnv(process.env));

const USAGE = `usage:
  counterwatch-admin user add --data-dir DIR --username U --roles ROLE[,ROLE] [--name NAME] [--departments D1,D2] [--password-file FILE]
  counterwatch-admin user reset-password --data-dir DIR --username U [--password-file FILE]
  counterwatch-admin counter token --data-dir DIR --counter ID
  counterwatch-admin department key --data-dir DIR --department ID
  counterwatch-admin audit verify --data-dir DIR [--anchor SEQ:HASH]
  counterwatch-admin database backup --data-dir DIR --out FILE
  counterwatch-admin database restore --data-dir DIR --from FILE [--force] [--anchor SEQ:HASH]
  counterwatch-admin node list --data-dir DIR
  counterwatch-admin node drain|undrain --data-dir DIR --node NAME`;

/** `user add` for a username that is taken: scripts can tell it from other failures. */
const EXIT_EXISTS = 3;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(64);
}

function check<S extends z.ZodType>(what: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) fail(`${what}: ${describeIssues(result.error)[0]?.message ?? 'invalid'}`);
  return result.data;
}

async function main(): Promise<void> {
  const [noun, verb, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      username: { type: 'string' },
      name: { type: 'string' },
      roles: { type: 'string' },
      departments: { type: 'string' },
      'password-file': { type: 'string' },
      counter: { type: 'string' },
      department: { type: 'string' },
      anchor: { type: 'string' },
      out: { type: 'string' },
      from: { type: 'string' },
      force: { type: 'boolean' },
      node: { type: 'string' },
    },
    strict: true,
  });
  const dataDir = values['data-dir'] ?? process.env.CW_DATA_DIR;
  if (!dataDir) fail(`--data-dir (or CW_DATA_DIR) is required\n${USAGE}`);
  const logger = createRootLogger('warn');
  // The server's database: PostgreSQL when CW_DATABASE_URL is set, else the SQLite file in the data directory.
  const databaseUrl = process.env.CW_DATABASE_URL || null;
  if (databaseUrl !== null && !isPostgresUrl(databaseUrl))
    fail('CW_DATABASE_URL must be a postgres:// (or postgresql://) URL, or unset for SQLite');
  if (noun === 'database') {
    await database(verb, { dataDir, databaseUrl, logger, values });
    return;
  }
  const storage = await openStorage({ dataDir, databaseUrl, logger, now });
  // The same service the admin API uses: on record with this actor, and the running server learns of it.
  const accounts = new AccountService({
    storage,
    audit: new AuditLog({ store: storage.audit, logger, now }),
    logger,
    now,
  });
  const actor = cliActor();
  const passwordFromFile = (): string | undefined =>
    values['password-file'] ? fs.readFileSync(values['password-file'], 'utf8').trim() : undefined;
  try {
    if (noun === 'user' && verb === 'add') {
      const given = passwordFromFile();
      const { password } = await accounts.createUser(actor, {
        username: check('--username', UsernameSchema, values.username),
        displayName: values.name ?? values.username ?? '',
        roles: check('--roles', z.array(RoleSchema).min(1), (values.roles ?? '').split(',').filter(Boolean)),
        departmentIds: values.departments
          ? check('--departments', z.array(DepartmentIdSchema), values.departments.split(','))
          : null,
        ...(given === undefined ? {} : { password: given }),
      });
      if (given === undefined) process.stdout.write(`${password}\n`);
      return;
    }
    if (noun === 'user' && verb === 'reset-password') {
      const user = await accounts.userByName(check('--username', UsernameSchema, values.username));
      const given = passwordFromFile();
      const { password } = await accounts.resetPassword(actor, user.id, given);
      if (given === undefined) process.stdout.write(`${password}\n`);
      return;
    }
    if (noun === 'audit' && verb === 'verify') {
      const anchor =
        values.anchor === undefined ? undefined : check('--anchor', AuditAnchorSchema, values.anchor);
      const result = await storage.audit.verify(anchor);
      // The head line is the anchor to keep elsewhere (print it, mail it) for the next --anchor.
      process.stdout.write(
        result.ok
          ? `audit trail intact: ${result.checked} rows, head ${result.headSeq}:${result.headHash}\n`
          : `AUDIT TRAIL BROKEN at row ${result.firstBadSeq ?? '?'}: ${result.problem ?? ''} (${result.checked} rows verified before it)\n`,
      );
      process.exitCode = result.ok ? 0 : 2;
      return;
    }
    if (noun === 'counter' && verb === 'token') {
      const counterId = check('--counter', DepartmentIdSchema, values.counter);
      process.stdout.write(`${await accounts.rotateCounterToken(actor, counterId)}\n`);
      return;
    }
    if (noun === 'node') {
      const nodes = new NodeAdmin({
        store: storage.nodes,
        audit: new AuditLog({ store: storage.audit, logger, now }),
        now,
      });
      if (verb === 'list') {
        for (const n of await nodes.list())
          process.stdout.write(
            `${n.name}\t${n.alive ? 'alive' : 'silent'}${n.draining ? ',draining' : ''}\t${n.url}\tagents ${n.load}\tplaced ${n.placed}/${n.capacity}\n`,
          );
        return;
      }
      if (verb === 'drain' || verb === 'undrain') {
        const name = check('--node', z.string().min(1).max(64), values.node);
        await nodes.setDraining(actor, name, verb === 'drain');
        process.stdout.write(
          `${name}: ${verb === 'drain' ? 'draining; its counters move to other nodes' : 'back in service'}\n`,
        );
        return;
      }
    }
    if (noun === 'department' && verb === 'key') {
      const departmentId = check('--department', DepartmentIdSchema, values.department);
      process.stdout.write(`${await accounts.rotateDepartmentKey(actor, departmentId)}\n`);
      return;
    }
    fail(USAGE);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // `user add` for a taken username: scripts can tell it from other failures.
    process.stderr.write(`${error.message}\n`);
    process.exitCode = error.code === 'conflict' ? EXIT_EXISTS : 64;
  } finally {
    await storage.close();
  }
}

/**
 * Backup and restore (ops/backup.ts). A restore then opens the database as the
 * server would (migrating it if the backup is older) and verifies the audit
 * chain, against `--anchor` when given: exit 2 if it does not verify.
 */
async function database(
  verb: string | undefined,
  options: {
    dataDir: string;
    databaseUrl: string | null;
    logger: ReturnType<typeof createRootLogger>;
    values: {
      out?: string | undefined;
      from?: string | undefined;
      force?: boolean | undefined;
      anchor?: string | undefined;
    };
  },
): Promise<void> {
  const { dataDir, databaseUrl, logger, values } = options;
  const binDir = process.env.CW_PG_BIN || undefined;
  try {
    if (verb === 'backup') {
      if (!values.out) fail(`--out FILE is required\n${USAGE}`);
      const result =
        databaseUrl === null
          ? await backupSqlite(dataDir, values.out)
          : await backupPostgres(databaseUrl, values.out, binDir ? { binDir } : {});
      // The anchor line is what to keep elsewhere: a restore of this file must verify against it.
      process.stdout.write(
        `backup written: ${result.file} (${result.bytes} bytes)\naudit anchor: ${
          result.anchor ? `${result.anchor.seq}:${result.anchor.hash}` : 'none (no audit row yet)'
        }\n`,
      );
      return;
    }
    if (verb === 'restore') {
      if (!values.from) fail(`--from FILE is required\n${USAGE}`);
      const anchor =
        values.anchor === undefined ? undefined : check('--anchor', AuditAnchorSchema, values.anchor);
      const force = values.force === true;
      if (databaseUrl === null) restoreSqlite(values.from, dataDir, { force });
      else await restorePostgres(values.from, databaseUrl, { force, ...(binDir ? { binDir } : {}) });
      const storage = await openStorage({ dataDir, databaseUrl, logger, now });
      try {
        const result = await storage.audit.verify(anchor);
        process.stdout.write(
          result.ok
            ? `restored; audit trail intact: ${result.checked} rows, head ${result.headSeq}:${result.headHash}\n`
            : `restored, but the AUDIT TRAIL DOES NOT VERIFY at row ${result.firstBadSeq ?? '?'}: ${result.problem ?? ''}\n`,
        );
        process.exitCode = result.ok ? 0 : 2;
      } finally {
        await storage.close();
      }
      return;
    }
    fail(USAGE);
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}

/** The CLI's name on the audit trail: `cli:<os user>`. */
function cliActor(): Actor {
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown';
  }
  return { userId: null, username: `cli:${user}`.slice(0, 40), ip: null };
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
