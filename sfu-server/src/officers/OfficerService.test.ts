import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, systemClock } from '@counterwatch/shared';
import { AuditLog, type Actor } from '../audit/AuditLog.js';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { OfficerService } from './OfficerService.js';

const logger = pino({ level: 'silent' });
const ADMIN: Actor = { userId: 1, username: 'admin', ip: '192.0.2.1' };
const T0 = 1_700_000_000_000;
const WINDOW = 5 * 60_000;
/** The start of a sign-in limit window after T0: windows are fixed, on multiples of their length. */
const W0 = Math.ceil(T0 / WINDOW) * WINDOW;
const PANEL = { id: 'dv-panel0001', departmentId: 'd1', counterId: 'c1' };
const PANEL2 = { id: 'dv-panel0002', departmentId: 'd1', counterId: 'c2' };
const PANEL3 = { id: 'dv-panel0003', departmentId: 'd1', counterId: 'c1' };

describe('OfficerService', { timeout: 60_000 }, () => {
  let dir: string;
  let storage: SqliteStorage;
  let officers: OfficerService;
  let now: number;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-officers-'));
    now = T0;
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: () => now });
    await storage.saveDepartment({
      id: 'd1',
      name: 'Department 1',
      openingHours: { days: [1, 2, 3, 4, 5], open: '07:30', close: '17:00' },
    });
    await storage.saveCounter({ id: 'c1', departmentId: 'd1', name: 'Counter 1', services: ['id-card'] });
    await storage.saveCounter({ id: 'c2', departmentId: 'd1', name: 'Counter 2', services: ['id-card'] });
    officers = serviceOn(storage);
  });

  /** An officer service on a storage handle (a second handle on the same database stands for another process). */
  const serviceOn = (on: SqliteStorage) =>
    new OfficerService({
      store: on.officers,
      attempts: on.attempts,
      audit: new AuditLog({ store: on.audit, logger, now: () => now }),
      departmentExists: (id) => id === 'd1',
      logger,
      now: () => now,
    });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const trail = async () => (await storage.audit.list({ limit: 1000 })).reverse();
  const codeOf = async (promise: Promise<unknown>): Promise<string> => {
    const error = await promise.then(
      () => new Error('expected a rejection'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).code;
  };
  const add = () =>
    officers.create(ADMIN, {
      departmentId: 'd1',
      displayName: 'Trần Văn Bình',
      badgeNumber: 'CA-1234',
      pin: '2468',
    });

  it('keeps the PIN hashed like a password, and one badge number per department', async () => {
    const officer = await add();
    expect(officer).toMatchObject({ displayName: 'Trần Văn Bình', badgeNumber: 'CA-1234', onDutyAt: null });
    const stored = (await storage.officers.get(officer.id))!;
    expect(stored.pinHash).toMatch(/^scrypt\$/);
    expect(stored.pinHash).not.toContain('2468');
    expect(await codeOf(add())).toBe('conflict');
    expect((await trail()).map((e) => e.action)).toEqual(['officer.create']);
  });

  it('signs in with badge and PIN at one counter at a time; the shift names them on what happened then', async () => {
    const officer = await add();
    now = T0 + 1_000;
    await officers.signIn(PANEL, 'CA-1234', '2468', '192.0.2.9');
    expect(await officers.onDuty('c1')).toMatchObject({ id: officer.id, since: T0 + 1_000 });
    now = T0 + 5_000;
    // Signing in at another counter ends the shift at the first.
    await officers.signIn(PANEL2, 'CA-1234', '2468', null);
    expect(await officers.onDuty('c1')).toBeNull();
    expect(await officers.onDutyAt('c1', T0 + 2_000)).toMatchObject({ id: officer.id });
    expect(await officers.onDutyAt('c1', T0 + 6_000)).toBeNull();
    now = T0 + 9_000;
    await officers.signOut(PANEL2, null);
    expect(await officers.onDuty('c2')).toBeNull();
    expect(await officers.onDutyAt('c2', T0 + 7_000)).toMatchObject({ id: officer.id });
    expect((await trail()).map((e) => [e.action, e.actor, e.counterId])).toEqual([
      ['officer.create', 'admin', null],
      ['officer.sign_in', `device:${PANEL.id}`, 'c1'],
      ['officer.sign_in', `device:${PANEL2.id}`, 'c2'],
      ['officer.sign_out', `device:${PANEL2.id}`, 'c2'],
    ]);
  });

  it('refuses a wrong PIN on record, and throttles guessing per panel and per badge', async () => {
    await add();
    // Fixed windows on multiples of the window length (the same in every process).
    now = W0 + 1000;
    for (let i = 0; i < 5; i++)
      expect(await codeOf(officers.signIn(PANEL, 'CA-1234', '0000', null))).toBe('forbidden');
    // Even the right PIN now waits: the guesser cannot tell.
    expect(await codeOf(officers.signIn(PANEL, 'CA-1234', '2468', null))).toBe('rate_limited');
    // The badge is throttled from another panel too.
    expect(await codeOf(officers.signIn(PANEL2, 'CA-1234', '2468', null))).toBe('rate_limited');
    expect((await trail()).filter((e) => e.action === 'officer.sign_in_failed')).toHaveLength(5);
    now = W0 + WINDOW - 1;
    expect(await codeOf(officers.signIn(PANEL, 'CA-1234', '2468', null))).toBe('rate_limited');
    // The window of the failures has closed.
    now = W0 + WINDOW;
    await officers.signIn(PANEL, 'CA-1234', '2468', null);
    expect(await officers.onDuty('c1')).not.toBeNull();
  });

  it('limits parallel guesses as well as sequential ones', async () => {
    await add();
    const codes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => codeOf(officers.signIn(PANEL, 'CA-1234', String(1000 + i), null))),
    );
    expect(codes.filter((c) => c === 'forbidden')).toHaveLength(5);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(7);
  });

  it('holds across processes on one database: counts, refusals and parallel guesses are shared', async () => {
    await add();
    const other = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
    try {
      const elsewhere = serviceOn(other);
      now = W0 + 1000;
      for (let i = 0; i < 3; i++)
        expect(await codeOf(officers.signIn(PANEL, 'CA-1234', '0000', null))).toBe('forbidden');
      for (let i = 0; i < 2; i++)
        expect(await codeOf(elsewhere.signIn(PANEL2, 'CA-1234', '0000', null))).toBe('forbidden');
      // 3 + 2 wrong PINs at the badge: refused in both processes, at any panel.
      expect(await codeOf(officers.signIn(PANEL3, 'CA-1234', '2468', null))).toBe('rate_limited');
      expect(await codeOf(elsewhere.signIn(PANEL3, 'CA-1234', '2468', null))).toBe('rate_limited');
      // Parallel guesses at one panel over both processes: exactly the maximum get a PIN check.
      const failed = (await trail()).filter((e) => e.action === 'officer.sign_in_failed').length;
      const codes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          codeOf((i % 2 ? elsewhere : officers).signIn(PANEL3, `CA-${2000 + i}`, '0000', null)),
        ),
      );
      expect(codes.filter((c) => c === 'forbidden')).toHaveLength(5);
      expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(7);
      expect((await trail()).filter((e) => e.action === 'officer.sign_in_failed')).toHaveLength(failed + 5);
      // Only hashes of the panels and badges are stored.
      const rows = storage.db
        .prepare<[], { scope: string; key_hash: string }>('SELECT scope, key_hash FROM rate_attempts')
        .all();
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.scope).toBe('officer-pin');
        expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      }
    } finally {
      await other.close();
    }
  });

  it("a right PIN forgives the badge's failures in every process, not the panel's", async () => {
    await add();
    await officers.create(ADMIN, {
      departmentId: 'd1',
      displayName: 'Phạm Thị Dung',
      badgeNumber: 'CA-5678',
      pin: '1357',
    });
    const other = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
    try {
      const elsewhere = serviceOn(other);
      now = W0 + 1000;
      for (let i = 0; i < 4; i++)
        expect(await codeOf(elsewhere.signIn(PANEL, 'CA-1234', '0000', null))).toBe('forbidden');
      await officers.signIn(PANEL2, 'CA-1234', '2468', null);
      // 4 + 4 wrong PINs at the badge in one window, but only 4 since the right one.
      for (let i = 0; i < 4; i++)
        expect(await codeOf(elsewhere.signIn(PANEL3, 'CA-1234', '0000', null))).toBe('forbidden');
      await elsewhere.signIn(PANEL3, 'CA-1234', '2468', null);
      // The first panel still has its 4 failures: one more at any badge, and it waits.
      expect(await codeOf(officers.signIn(PANEL, 'CA-5678', '0000', null))).toBe('forbidden');
      expect(await codeOf(elsewhere.signIn(PANEL, 'CA-5678', '1357', null))).toBe('rate_limited');
    } finally {
      await other.close();
    }
  });

  it('a right PIN is not a failure: a panel signs officers in more often than the limit in one window', async () => {
    await add();
    now = W0 + 1000;
    for (let i = 0; i < 8; i++) await officers.signIn(PANEL, 'CA-1234', '2468', null);
    // The panel's count holds its failures only: four wrong PINs still leave one try.
    for (let i = 0; i < 4; i++)
      expect(await codeOf(officers.signIn(PANEL, 'CA-9999', '0000', null))).toBe('forbidden');
    await officers.signIn(PANEL, 'CA-1234', '2468', null);
    expect(await codeOf(officers.signIn(PANEL, 'CA-9999', '0000', null))).toBe('forbidden');
    expect(await codeOf(officers.signIn(PANEL, 'CA-1234', '2468', null))).toBe('rate_limited');
  });

  it('a disabled officer is signed out and cannot sign in', async () => {
    const officer = await add();
    await officers.signIn(PANEL, 'CA-1234', '2468', null);
    await officers.update(ADMIN, officer.id, { disabled: true });
    expect(await officers.onDuty('c1')).toBeNull();
    expect(await codeOf(officers.signIn(PANEL, 'CA-1234', '2468', null))).toBe('forbidden');
    await officers.update(ADMIN, officer.id, { disabled: false, pin: '13579' });
    expect(await codeOf(officers.signIn(PANEL, 'CA-1234', '2468', null))).toBe('forbidden');
    await officers.signIn(PANEL, 'CA-1234', '13579', null);
    expect((await trail()).find((e) => e.action === 'officer.update')?.details).toEqual({ disabled: true });
  });
});
