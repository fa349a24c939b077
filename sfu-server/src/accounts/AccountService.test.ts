import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, systemClock } from '@counterwatch/shared';
import { AuditLog, type Actor } from '../audit/AuditLog.js';
import { hashToken, tokenMatches } from '../auth/secrets.js';
import type { Change } from '../storage/Storage.js';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { AccountService } from './AccountService.js';
import { ChangeFollower } from './ChangeFollower.js';

const logger = pino({ level: 'silent' });
const ADMIN: Actor = { userId: 1, username: 'admin', ip: '192.0.2.1' };
const CLI: Actor = { userId: null, username: 'cli:operator', ip: null };
const PASSWORD = 'a-long-enough-password';

/** The account service on a storage, audited there, as the server and the CLI make it. */
const accountsOn = (storage: SqliteStorage): AccountService =>
  new AccountService({
    storage,
    audit: new AuditLog({ store: storage.audit, logger, now: systemClock }),
    logger,
    now: systemClock,
  });

describe('AccountService', () => {
  let dir: string;
  let storage: SqliteStorage;
  let accounts: AccountService;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-accounts-'));
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock, changePollMs: 20 });
    accounts = accountsOn(storage);
    await storage.saveDepartment({
      id: 'd1',
      name: 'Department 1',
      openingHours: { days: [1, 2, 3, 4, 5], open: '07:30', close: '17:00' },
    });
    await storage.saveCounter({ id: 'c1', departmentId: 'd1', name: 'Counter 1', services: ['id-card'] });
  });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const trail = async () => (await storage.audit.list({ limit: 1000 })).reverse();
  const failAudit = () =>
    storage.db.exec(
      "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
  const codeOf = async (promise: Promise<unknown>): Promise<string> => {
    const error = await promise.then(
      () => new Error('expected a rejection'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).code;
  };

  it('creates a user on record with its actor, and refuses a taken name, a bad scope or a short password', async () => {
    const { user, password } = await accounts.createUser(CLI, {
      username: 'head1',
      displayName: 'Head One',
      roles: ['head'],
      departmentIds: ['d1'],
    });
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(user).toMatchObject({ username: 'head1', roles: ['head'], departmentIds: ['d1'] });
    expect((await trail()).map((e) => [e.action, e.actor, e.objectId])).toEqual([
      ['account.create', 'cli:operator', 'head1'],
    ]);
    const again = { username: 'head1', displayName: 'X', roles: ['head' as const], departmentIds: ['d1'] };
    expect(await codeOf(accounts.createUser(CLI, again))).toBe('conflict');
    expect(
      await codeOf(accounts.createUser(CLI, { ...again, username: 'h2', departmentIds: ['nope'] })),
    ).toBe('invalid_request');
    expect(await codeOf(accounts.createUser(CLI, { ...again, username: 'h3', departmentIds: null }))).toBe(
      'invalid_request',
    );
    expect(await codeOf(accounts.createUser(CLI, { ...again, username: 'h4', password: 'short' }))).toBe(
      'invalid_request',
    );
    expect(await trail()).toHaveLength(1);
    expect(await storage.countUsers()).toBe(1);
  });

  it('acts only once the action is on record', async () => {
    const { user } = await accounts.createUser(ADMIN, {
      username: 'user1',
      displayName: 'U',
      roles: ['director'],
      departmentIds: null,
      password: PASSWORD,
    });
    const before = (await storage.listCounters())[0]!.tokenHash;
    failAudit();
    const input = { username: 'user2', displayName: 'U', roles: ['director' as const], departmentIds: null };
    expect(await codeOf(accounts.createUser(ADMIN, input))).toBe('unavailable');
    expect(await storage.findUserByUsername('user2')).toBeUndefined();
    expect(await codeOf(accounts.resetPassword(ADMIN, user.id, 'another-long-password'))).toBe('unavailable');
    expect((await storage.getUser(user.id))!.passwordHash).toBe(user.passwordHash);
    expect(await codeOf(accounts.updateUser(ADMIN, user.id, { disabled: true }))).toBe('unavailable');
    expect((await storage.getUser(user.id))!.disabled).toBe(false);
    expect(await codeOf(accounts.rotateCounterToken(ADMIN, 'c1'))).toBe('unavailable');
    expect(await codeOf(accounts.revokeCounterToken(ADMIN, 'c1'))).toBe('unavailable');
    expect((await storage.listCounters())[0]!.tokenHash).toBe(before);
    expect(await codeOf(accounts.rotateDepartmentKey(ADMIN, 'd1'))).toBe('unavailable');
  });

  it('a rotated or revoked secret is the database’s: the provisioning file no longer sets it', async () => {
    const fileHash = hashToken('from-the-file');
    expect(await storage.provisionCounterTokenHash('c1', fileHash, 1)).toBe('applied');
    expect(await storage.provisionCounterTokenHash('c1', fileHash, 2)).toBe('unchanged');
    expect(await storage.provisionDepartmentApiKeyHash('d1', fileHash)).toBe('applied');
    const token = await accounts.rotateCounterToken(ADMIN, 'c1');
    await accounts.rotateDepartmentKey(ADMIN, 'd1');
    expect(await storage.provisionCounterTokenHash('c1', fileHash, 3)).toBe('managed_in_database');
    expect(await storage.provisionDepartmentApiKeyHash('d1', fileHash)).toBe('managed_in_database');
    expect(tokenMatches(token, (await storage.listCounters())[0]!.tokenHash)).toBe(true);
    await accounts.revokeCounterToken(ADMIN, 'c1');
    expect(await storage.provisionCounterTokenHash('c1', fileHash, 4)).toBe('managed_in_database');
    expect((await storage.listCounters())[0]!.tokenHash).toBeNull();
    expect(await storage.provisionCounterTokenHash('nope', fileHash, 5)).toBe('not_found');
  });

  it('a changed secret is re-read by this process before the call returns, not only when the feed says so', async () => {
    // What the directory would see when told: the secret as stored at that moment.
    const seen: (string | null)[] = [];
    const told = new AccountService({
      storage,
      audit: new AuditLog({ store: storage.audit, logger, now: systemClock }),
      logger,
      now: systemClock,
      credentialsChanged: async () => {
        seen.push((await storage.listCounters())[0]!.tokenHash);
      },
    });
    const token = await told.rotateCounterToken(ADMIN, 'c1');
    expect(seen).toHaveLength(1);
    expect(tokenMatches(token, seen[0]!)).toBe(true);
    await told.revokeCounterToken(ADMIN, 'c1');
    expect(seen).toEqual([seen[0], null]);
    await told.rotateDepartmentKey(ADMIN, 'd1');
    expect(seen).toHaveLength(3);
    // Refused before acting: nothing changed, nobody is told.
    failAudit();
    expect(await codeOf(told.rotateDepartmentKey(ADMIN, 'd1'))).toBe('unavailable');
    expect(seen).toHaveLength(3);
  });

  it('ends the sessions of a user whose password is reset or account changed', async () => {
    const { user } = await accounts.createUser(ADMIN, {
      username: 'user1',
      displayName: 'U',
      roles: ['director'],
      departmentIds: null,
    });
    const session = (n: number) => ({
      idHash: hashToken(`s${n}`),
      userId: user.id,
      createdAt: 1,
      expiresAt: Date.now() + 3_600_000,
      revokedAt: null,
      ip: null,
      userAgent: null,
    });
    await storage.createSession(session(1));
    await accounts.resetPassword(CLI, user.id);
    expect((await storage.getSession(hashToken('s1')))!.revokedAt).not.toBeNull();
    await storage.createSession(session(2));
    await accounts.updateUser(ADMIN, user.id, { roles: ['inspector'] });
    expect((await storage.getSession(hashToken('s2')))!.revokedAt).not.toBeNull();
    await storage.createSession(session(3));
    await accounts.revokeSession(ADMIN, hashToken('s3').slice(7, 23));
    expect((await storage.getSession(hashToken('s3')))!.revokedAt).not.toBeNull();
    expect(await codeOf(accounts.revokeSession(ADMIN, 'nope'))).toBe('not_found');
    expect((await trail()).map((e) => e.action)).toEqual([
      'account.create',
      'account.password_reset',
      'account.update',
      'session.revoke',
    ]);
  });

  it('the change feed delivers this process’s changes at once and another process’s at the next poll', async () => {
    const seen: Change[] = [];
    const subscription = storage.changes.follow((changes) => seen.push(...changes));
    await accounts.rotateCounterToken(ADMIN, 'c1');
    await vi.waitFor(() => expect(seen.map((c) => [c.kind, c.subject])).toEqual([['counter', 'c1']]));

    // Another connection to the same file, as the CLI would open.
    const other = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
    try {
      const cli = accountsOn(other);
      const { user } = await cli.createUser(CLI, {
        username: 'fromcli',
        displayName: 'From CLI',
        roles: ['auditor'],
        departmentIds: null,
      });
      await cli.rotateDepartmentKey(CLI, 'd1');
      await vi.waitFor(() =>
        expect(seen.slice(1).map((c) => [c.kind, c.subject])).toEqual([
          ['user', String(user.id)],
          ['department', 'd1'],
        ]),
      );
    } finally {
      await other.close();
    }
    subscription.close();
    await accounts.rotateCounterToken(ADMIN, 'c1');
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toHaveLength(3);
  });

  it('the follower hands each kind of change to its host, once per batch', async () => {
    const host = {
      directoryChanged: vi.fn(async () => undefined),
      userChanged: vi.fn(async (_id: number) => undefined),
      sessionChanged: vi.fn(async (_hash: string) => undefined),
      queueChanged: vi.fn(async () => undefined),
      alertsChanged: vi.fn(async (_ids: number[]) => undefined),
      thresholdsChanged: vi.fn(async (_id: string) => undefined),
    };
    const follower = new ChangeFollower({ feed: storage.changes, host, logger });
    const other = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
    try {
      const cli = accountsOn(other);
      const { user } = await cli.createUser(CLI, {
        username: 'xuser1',
        displayName: 'X',
        roles: ['auditor'],
        departmentIds: null,
      });
      await cli.rotateCounterToken(CLI, 'c1');
      await cli.rotateDepartmentKey(CLI, 'd1');
      await vi.waitFor(() => expect(host.directoryChanged).toHaveBeenCalled());
      await vi.waitFor(() => expect(host.userChanged).toHaveBeenCalledWith(user.id));
      await other.revokeSession(hashToken('nothing'), 1); // no such session: no change row
      await storage.createSession({
        idHash: hashToken('live'),
        userId: user.id,
        createdAt: 1,
        expiresAt: Date.now() + 60_000,
        revokedAt: null,
        ip: null,
        userAgent: null,
      });
      await other.revokeSession(hashToken('live'), 2);
      await vi.waitFor(() => expect(host.sessionChanged).toHaveBeenCalledExactlyOnceWith(hashToken('live')));
    } finally {
      follower.close();
      await other.close();
    }
  });
});
