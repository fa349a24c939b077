import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError, systemClock } from '@counterwatch/shared';
import { pino } from 'pino';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../audit/AuditLog.js';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import type { UserRecord } from '../storage/Storage.js';
import { hashPassword, hashToken } from './secrets.js';
import { SessionService, publicUser } from './SessionService.js';

const PASSWORD = 'correct horse battery staple';
const FROM = { ip: '192.0.2.10', userAgent: 'Mozilla/5.0 test' };
const T0 = 1_700_000_000_000;

let passwordHash: string;

beforeAll(async () => {
  // scrypt is deliberately slow: hash once for the whole file.
  passwordHash = await hashPassword(PASSWORD);
});

describe('SessionService', () => {
  let dir: string;
  let storage: SqliteStorage;
  let alice: UserRecord;
  let now: number;
  let service: SessionService;
  const logger = pino({ level: 'silent' });

  const make = (options: { ttlMs?: number; maxFailures?: number; failureWindowMs?: number } = {}) =>
    new SessionService({
      storage,
      audit: new AuditLog({ store: storage.audit, logger, now: () => now }),
      logger,
      now: () => now,
      ...options,
    });
  const audited = async (action: string) =>
    (await storage.audit.list({ limit: 5000 })).filter((e) => e.action === action).reverse();

  /** The AppError code a promise rejects with (fails the test if it resolves). */
  const codeOf = async (promise: Promise<unknown>): Promise<string> => {
    const error: unknown = await promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).code;
  };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-sessions-'));
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
    alice = await storage.createUser(
      {
        username: 'alice',
        displayName: 'Alice Nguyễn',
        passwordHash,
        roles: ['head'],
        departmentIds: ['q1'],
      },
      T0,
    );
    now = T0;
    service = make();
  });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('login', () => {
    it('starts a session and returns a cookie whose hash is stored', async () => {
      const { cookieValue, session } = await service.login('alice', PASSWORD, FROM);
      expect(cookieValue).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(session.sessionHash).toBe(hashToken(cookieValue));
      expect(session.expiresAt).toBe(T0 + 12 * 3600_000);
      expect(session.user).toEqual({
        id: alice.id,
        username: 'alice',
        displayName: 'Alice Nguyễn',
        roles: ['head'],
        departmentIds: ['q1'],
      });
      expect(session.user).not.toHaveProperty('passwordHash');

      const stored = await storage.getSession(session.sessionHash);
      expect(stored).toEqual({
        idHash: session.sessionHash,
        userId: alice.id,
        createdAt: T0,
        expiresAt: T0 + 12 * 3600_000,
        revokedAt: null,
        ip: FROM.ip,
        userAgent: FROM.userAgent,
      });
      // The cookie value itself is never stored.
      expect(await storage.getSession(cookieValue)).toBeUndefined();
    });

    it('gives a new cookie on every login', async () => {
      const a = await service.login('alice', PASSWORD, FROM);
      const b = await service.login('alice', PASSWORD, FROM);
      expect(a.cookieValue).not.toBe(b.cookieValue);
    });

    it('truncates a long user agent to 300 characters and accepts a missing ip', async () => {
      const { session } = await service.login('alice', PASSWORD, { ip: null, userAgent: 'x'.repeat(1000) });
      const stored = await storage.getSession(session.sessionHash);
      expect(stored?.userAgent).toHaveLength(300);
      expect(stored?.ip).toBeNull();
    });

    it('uses the configured session lifetime', async () => {
      const short = make({ ttlMs: 60_000 });
      expect(short.ttlMs).toBe(60_000);
      const { session } = await short.login('alice', PASSWORD, FROM);
      expect(session.expiresAt).toBe(T0 + 60_000);
    });

    it('gives the same error for a wrong password and an unknown user', async () => {
      const wrong = await service.login('alice', 'wrong', FROM).catch((e: unknown) => e);
      const unknown = await service.login('mallory', PASSWORD, FROM).catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(AppError);
      expect(unknown).toBeInstanceOf(AppError);
      expect((wrong as AppError).toBody()).toEqual({
        code: 'unauthenticated',
        message: 'wrong username or password',
      });
      expect((unknown as AppError).toBody()).toEqual((wrong as AppError).toBody());
    });

    it('usernames are exact: a different case is another (unknown) user', async () => {
      expect(await codeOf(service.login('Alice', PASSWORD, FROM))).toBe('unauthenticated');
    });

    it('refuses a disabled user with the right password, with the same error', async () => {
      storage.db.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(alice.id);
      const error = await service.login('alice', PASSWORD, FROM).catch((e: unknown) => e);
      expect((error as AppError).toBody()).toEqual({
        code: 'unauthenticated',
        message: 'wrong username or password',
      });
    });
  });

  describe('login rate limit', () => {
    it('refuses a username after 5 failures, even with the right password and from another address', async () => {
      for (let i = 0; i < 5; i++) {
        expect(
          await codeOf(service.login('alice', `wrong-${i}`, { ip: `198.51.100.${i}`, userAgent: null })),
        ).toBe('unauthenticated');
      }
      expect(await codeOf(service.login('alice', PASSWORD, { ip: '203.0.113.99', userAgent: null }))).toBe(
        'rate_limited',
      );
    });

    it('refuses an address after 5 failures, whatever the username', async () => {
      for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) await codeOf(service.login(name, 'x', FROM));
      expect(await codeOf(service.login('alice', PASSWORD, FROM))).toBe('rate_limited');
      // Another address can still log in as alice.
      await expect(
        service.login('alice', PASSWORD, { ip: '203.0.113.1', userAgent: null }),
      ).resolves.toBeDefined();
    });

    it('allows logins again once the window of the failures has closed', async () => {
      // Fixed windows on multiples of the window length (the same in every process).
      const windowStart = Math.ceil(T0 / (5 * 60_000)) * 5 * 60_000;
      now = windowStart + 1000;
      for (let i = 0; i < 5; i++) await codeOf(service.login('alice', 'wrong', FROM));
      now = windowStart + 5 * 60_000 - 1;
      expect(await codeOf(service.login('alice', PASSWORD, FROM))).toBe('rate_limited');
      now = windowStart + 5 * 60_000;
      await expect(service.login('alice', PASSWORD, FROM)).resolves.toBeDefined();
    });

    it('a successful login clears the failures at that username', async () => {
      for (let i = 0; i < 4; i++) await codeOf(service.login('alice', 'wrong', FROM));
      await service.login('alice', PASSWORD, FROM);
      for (let i = 0; i < 4; i++) await codeOf(service.login('alice', 'wrong', FROM));
      // 4 + 4 failures, but never 5 in a row since the success.
      await expect(service.login('alice', PASSWORD, FROM)).resolves.toBeDefined();
    });

    it("logging into one's own account does not clear the address's failures at other usernames", async () => {
      for (const name of ['v1', 'v2', 'v3', 'v4']) await codeOf(service.login(name, 'guess', FROM));
      await service.login('alice', PASSWORD, FROM); // the guesser's own account
      expect(await codeOf(service.login('v5', 'guess', FROM))).toBe('unauthenticated');
      expect(await codeOf(service.login('v6', 'guess', FROM))).toBe('rate_limited');
    });

    it('holds across processes on one database: counts, refusals and forgiveness are shared', async () => {
      // A second handle on the same database, as another server process would open it.
      const other = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
      try {
        const elsewhere = new SessionService({
          storage: other,
          audit: new AuditLog({ store: other.audit, logger, now: () => now }),
          logger,
          now: () => now,
        });
        for (let i = 0; i < 3; i++) await codeOf(service.login('alice', 'wrong', FROM));
        for (let i = 0; i < 2; i++) await codeOf(elsewhere.login('alice', 'wrong', FROM));
        expect(await codeOf(service.login('alice', PASSWORD, FROM))).toBe('rate_limited');
        expect(await codeOf(elsewhere.login('alice', PASSWORD, FROM))).toBe('rate_limited');
        // Parallel guesses spread over both processes: exactly the maximum get a password check.
        const fresh = { ip: '198.51.100.20', userAgent: null };
        const results = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) => (i % 2 ? elsewhere : service).login(`user${i}`, 'x', fresh)),
        );
        const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as AppError).code : 'ok'));
        expect(codes.filter((c) => c === 'unauthenticated')).toHaveLength(5);
        expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(7);
        // A right password in one process forgives that username's failures in the other.
        now += 6 * 60_000; // the window of alice's failures above has closed
        const bob = { ip: '198.51.100.30', userAgent: null };
        for (let i = 0; i < 4; i++)
          expect(await codeOf(elsewhere.login('alice', 'wrong', { ...bob, ip: `203.0.113.${i}` }))).toBe(
            'unauthenticated',
          );
        await service.login('alice', PASSWORD, bob);
        for (let i = 0; i < 4; i++)
          expect(await codeOf(elsewhere.login('alice', 'wrong', bob))).toBe('unauthenticated');
        // 4 + 4 failures at alice, but only 4 since the right password.
        await expect(elsewhere.login('alice', PASSWORD, bob)).resolves.toBeDefined();
        await elsewhere.close();
      } finally {
        await other.close();
      }
    });

    it('stores addresses and usernames only hashed, and prunes closed windows', async () => {
      for (let i = 0; i < 3; i++) await codeOf(service.login('alice', 'wrong', FROM));
      const keys = () =>
        storage.db
          .prepare<[], { scope: string; key_hash: string; window_start: number }>(
            'SELECT scope, key_hash, window_start FROM rate_attempts ORDER BY scope',
          )
          .all();
      expect(keys().map((k) => k.scope)).toEqual(['login-ip', 'login-ip-user', 'login-user']);
      for (const { key_hash } of keys()) {
        expect(key_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(key_hash).not.toContain('alice');
      }
      const before = keys()[0]!.window_start;
      now += 5 * 60_000;
      await codeOf(service.login('alice', 'wrong', FROM));
      expect(keys().map((k) => k.window_start)).toEqual([
        before + 5 * 60_000,
        before + 5 * 60_000,
        before + 5 * 60_000,
      ]);
    });

    it('puts each login and failed login on record, and sums refused attempts up per address and window', async () => {
      await service.login('alice', PASSWORD, FROM);
      for (let i = 0; i < 5; i++) await codeOf(service.login(`guess${i}`, 'x', FROM));
      for (let i = 0; i < 30; i++) {
        now += 1000;
        expect(await codeOf(service.login(`name${i % 12}`, 'x', FROM))).toBe('rate_limited');
      }
      expect(await codeOf(service.login('bob', 'x', { ip: '198.51.100.7', userAgent: null }))).toBe(
        'unauthenticated',
      );
      expect(await audited('auth.login')).toHaveLength(1);
      expect((await audited('auth.login_failed')).map((e) => e.actor)).toEqual([
        'guess0',
        'guess1',
        'guess2',
        'guess3',
        'guess4',
        'bob',
      ]);
      // Nothing per refused attempt while the window is open …
      expect(await audited('auth.login_throttled')).toHaveLength(0);
      await service.close();
      // … one row for the address when it closes (or the service does).
      const rows = await audited('auth.login_throttled');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        actor: 'anonymous',
        ip: FROM.ip,
        reason: 'rate_limited',
        details: { refused: 30, from: T0 + 1000, to: T0 + 30_000 },
      });
      expect(rows[0]!.details.usernames).toHaveLength(10);
    });

    it('writes the summary when the window closes, and starts a new one after', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        for (let i = 0; i < 5; i++) await codeOf(service.login('alice', 'wrong', FROM));
        for (let i = 0; i < 3; i++) await codeOf(service.login('alice', 'wrong', FROM));
        now = T0 + 5 * 60_000;
        await vi.advanceTimersByTimeAsync(5 * 60_000);
        await vi.waitFor(async () => expect(await audited('auth.login_throttled')).toHaveLength(1));
        expect((await audited('auth.login_throttled'))[0]!.details).toMatchObject({ refused: 3 });
      } finally {
        vi.useRealTimers();
      }
    });

    it('a rate-limited attempt does not even check the password', async () => {
      const limited = make({ maxFailures: 1 });
      await codeOf(limited.login('alice', 'wrong', FROM));
      const findUser = vi.spyOn(storage, 'findUserByUsername');
      expect(await codeOf(limited.login('alice', PASSWORD, FROM))).toBe('rate_limited');
      expect(findUser).not.toHaveBeenCalled();
    });

    it('honours maxFailures and failureWindowMs', async () => {
      const strict = make({ maxFailures: 2, failureWindowMs: 1000 });
      await codeOf(strict.login('alice', 'wrong', FROM));
      await codeOf(strict.login('alice', 'wrong', FROM));
      expect(await codeOf(strict.login('alice', PASSWORD, FROM))).toBe('rate_limited');
      now += 1000;
      await expect(strict.login('alice', PASSWORD, FROM)).resolves.toBeDefined();
    });

    // Each attempt is counted before the (slow, async) password check: of 10 concurrent wrong
    // guesses at most 5 get a password check, the rest are rate_limited.
    it('limits concurrent guesses too', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => service.login('alice', `guess-${i}`, FROM)),
      );
      const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as AppError).code : 'ok'));
      expect(codes.filter((c) => c === 'unauthenticated').length).toBeLessThanOrEqual(5);
    });
  });

  describe('resolve', () => {
    it('finds the live session behind a cookie', async () => {
      const { cookieValue, session } = await service.login('alice', PASSWORD, FROM);
      await expect(service.resolve(cookieValue)).resolves.toEqual(session);
      await expect(service.resolveHash(session.sessionHash)).resolves.toEqual(session);
    });

    it.each([
      ['no cookie', undefined],
      ['an empty cookie', ''],
      ['an unknown cookie', 'not-a-session'],
      ['an over-long cookie', 'x'.repeat(129)],
    ])('is undefined for %s', async (_what, cookie) => {
      await service.login('alice', PASSWORD, FROM);
      await expect(service.resolve(cookie)).resolves.toBeUndefined();
    });

    it('expires at expiresAt', async () => {
      const { cookieValue, session } = await service.login('alice', PASSWORD, FROM);
      now = session.expiresAt - 1;
      await expect(service.resolve(cookieValue)).resolves.toBeDefined();
      now = session.expiresAt;
      await expect(service.resolve(cookieValue)).resolves.toBeUndefined();
    });

    it('is undefined once the user is disabled', async () => {
      const { cookieValue } = await service.login('alice', PASSWORD, FROM);
      storage.db.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(alice.id);
      await expect(service.resolve(cookieValue)).resolves.toBeUndefined();
    });

    it('reflects the current roles of the user', async () => {
      const { cookieValue } = await service.login('alice', PASSWORD, FROM);
      storage.db.prepare('UPDATE users SET roles = ? WHERE id = ?').run('["inspector"]', alice.id);
      expect((await service.resolve(cookieValue))?.user.roles).toEqual(['inspector']);
    });
  });

  describe('logout', () => {
    it('logout ends the session and emits ended once', async () => {
      const { cookieValue, session } = await service.login('alice', PASSWORD, FROM);
      const ended = vi.fn();
      service.on('ended', ended);
      now = T0 + 1000;
      await service.logout(session, FROM.ip);
      await service.logout(session, FROM.ip);
      expect(ended).toHaveBeenCalledExactlyOnceWith(session.sessionHash, 'logout');
      await expect(service.resolve(cookieValue)).resolves.toBeUndefined();
      expect((await storage.getSession(session.sessionHash))?.revokedAt).toBe(T0 + 1000);
    });

    it('logout of an unknown session emits nothing', async () => {
      const ended = vi.fn();
      service.on('ended', ended);
      await service.logout(
        { user: publicUser(alice), sessionHash: hashToken('nobody'), expiresAt: T0 },
        null,
      );
      expect(ended).not.toHaveBeenCalled();
    });
  });

  it('publicUser keeps only the public fields', () => {
    expect(publicUser(alice)).toEqual({
      id: alice.id,
      username: 'alice',
      displayName: 'Alice Nguyễn',
      roles: ['head'],
      departmentIds: ['q1'],
    });
  });
});
