#!/usr/bin/env node
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  AuditAnchorSchema,
  DepartmentIdSchema,
  DisplayNameSchema,
  RoleSchema,
  UsernameSchema,
  clockOffsetFromEnv,
  describeIssues,
  offsetClock,
} from '@counterwatch/shared';
import { generatePassword, hashPassword, hashToken, randomSecret } from './auth/secrets.js';
import { createRootLogger } from './logger.js';
import { SqliteStorage } from './storage/sqlite/SqliteStorage.js';

/**
 * Operator commands that work on the data directory directly:
 *
 *   counterwatch-admin user add --data-dir DIR --username U --roles director[,inspector]
 *        [--name "Display Name"] [--departments d1,d2] [--password-file F]   (else a password is generated and printed once)
 *   counterwatch-admin user reset-password --data-dir DIR --username U [--password-file F]
 *   counterwatch-admin counter token --data-dir DIR --counter ID   (prints a new agent token once)
 *   counterwatch-admin audit verify --data-dir DIR [--anchor SEQ:HASH]   (exit 0 intact, 2 tampered)
 *   counterwatch-admin department key --data-dir DIR --department ID   (prints a new queue-system API key once)
 */
/** The installation's clock (CW_CLOCK_OFFSET_MS, as the server's). */
const now = offsetClock(clockOffsetFromEnv(process.env));

const USAGE = `usage:
  counterwatch-admin user add --data-dir DIR --username U --roles ROLE[,ROLE] [--name NAME] [--departments D1,D2] [--password-file FILE]
  counterwatch-admin user reset-password --data-dir DIR --username U [--password-file FILE]
  counterwatch-admin counter token --data-dir DIR --counter ID
  counterwatch-admin department key --data-dir DIR --department ID
  counterwatch-admin audit verify --data-dir DIR [--anchor SEQ:HASH]`;

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
    },
    strict: true,
  });
  const dataDir = values['data-dir'] ?? process.env.CW_DATA_DIR;
  if (!dataDir) fail(`--data-dir (or CW_DATA_DIR) is required\n${USAGE}`);
  const logger = createRootLogger('warn');
  const storage = await SqliteStorage.create({ dataDir, logger, now });
  try {
    if (noun === 'user' && verb === 'add') {
      const username = check('--username', UsernameSchema, values.username);
      const roles = check(
        '--roles',
        z.array(RoleSchema).min(1),
        (values.roles ?? '').split(',').filter(Boolean),
      );
      const departmentIds = values.departments
        ? check('--departments', z.array(DepartmentIdSchema), values.departments.split(','))
        : null;
      if (roles.includes('head') && departmentIds === null)
        fail('--departments is required for a department head');
      const password = values['password-file']
        ? fs.readFileSync(values['password-file'], 'utf8').trim()
        : generatePassword();
      if (password.length < 12) fail('passwords must have at least 12 characters');
      if (await storage.findUserByUsername(username)) {
        process.stderr.write(`user ${username} already exists\n`);
        process.exit(EXIT_EXISTS);
      }
      await storage.createUser(
        {
          username,
          displayName: check('--name', DisplayNameSchema, values.name ?? username),
          passwordHash: await hashPassword(password),
          roles,
          departmentIds,
        },
        now(),
      );
      if (!values['password-file']) process.stdout.write(`${password}\n`);
      return;
    }
    if (noun === 'user' && verb === 'reset-password') {
      const username = check('--username', UsernameSchema, values.username);
      const user = await storage.findUserByUsername(username);
      if (!user) fail(`no user ${username}`);
      const password = values['password-file']
        ? fs.readFileSync(values['password-file'], 'utf8').trim()
        : generatePassword();
      if (password.length < 12) fail('passwords must have at least 12 characters');
      await storage.setUserPassword(user.id, await hashPassword(password));
      await storage.revokeUserSessions(user.id, now());
      if (!values['password-file']) process.stdout.write(`${password}\n`);
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
      const token = randomSecret(32);
      if (!(await storage.setCounterTokenHash(counterId, hashToken(token), now())))
        fail(`no counter ${counterId}`);
      process.stdout.write(`${token}\n`);
      return;
    }
    if (noun === 'department' && verb === 'key') {
      const departmentId = check('--department', DepartmentIdSchema, values.department);
      const key = randomSecret(32);
      if (!(await storage.setDepartmentApiKeyHash(departmentId, hashToken(key))))
        fail(`no department ${departmentId}`);
      process.stdout.write(`${key}\n`);
      return;
    }
    fail(USAGE);
  } finally {
    await storage.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
