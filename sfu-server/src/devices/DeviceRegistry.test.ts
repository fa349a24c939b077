import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, DEFAULT_OPENING_HOURS, EnrolmentCodeSchema, systemClock } from '@counterwatch/shared';
import { AuditLog, type Actor } from '../audit/AuditLog.js';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { EnrolmentLimiter } from '../auth/enrolment.js';
import { DeviceRegistry, ENROLMENT_TTL_MS } from './DeviceRegistry.js';

const T0 = 1_700_000_000_000;
const ADMIN: Actor = { userId: 1, username: 'admin', ip: '192.0.2.1' };

describe('DeviceRegistry', () => {
  let dir: string;
  let storage: SqliteStorage;
  let registry: DeviceRegistry;
  let now: number;
  const logger = pino({ level: 'silent' });

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
  /** The code as the page sends it (the schema normalises what a person types). */
  const typed = (code: string) => EnrolmentCodeSchema.parse(code.toLowerCase());

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-devices-'));
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
    await storage.saveDepartment({ id: 'hk', name: 'Hoàn Kiếm', openingHours: DEFAULT_OPENING_HOURS });
    await storage.saveDepartment({ id: 'bd', name: 'Ba Đình', openingHours: DEFAULT_OPENING_HOURS });
    await storage.saveCounter({ id: 'hk-q1', departmentId: 'hk', name: 'Quầy 1', services: ['id-card'] });
    await storage.saveCounter({ id: 'bd-q1', departmentId: 'bd', name: 'Quầy 1', services: ['id-card'] });
    const departments = await storage.listDepartments();
    const counters = await storage.listCounters();
    now = T0;
    registry = new DeviceRegistry({
      store: storage.devices,
      audit: new AuditLog({ store: storage.audit, logger, now: () => now }),
      directory: {
        department: (id) => departments.find((d) => d.id === id),
        counter: (id) => counters.find((c) => c.id === id),
      },
      logger,
      now: () => now,
      limiter: new EnrolmentLimiter({ store: storage.attempts, now: () => now }),
    });
  });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('enrols with a one-time code, stores only hashes, and refuses the code a second time', async () => {
    const issued = await registry.create(ADMIN, {
      departmentId: 'hk',
      kind: 'rating',
      counterId: 'hk-q1',
      name: 'Máy đánh giá quầy 1',
    });
    expect(issued.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(issued.expiresAt).toBe(T0 + ENROLMENT_TTL_MS);
    const { token, device } = await registry.enrol(typed(issued.code), 'rating', '192.0.2.7');
    expect(device).toEqual({
      id: issued.device.id,
      kind: 'rating',
      name: 'Máy đánh giá quầy 1',
      departmentId: 'hk',
      counterId: 'hk-q1',
    });
    expect(await registry.authenticate(token)).toMatchObject({ status: 'ok', device: { id: device.id } });
    expect(await codeOf(registry.enrol(typed(issued.code), 'rating', null))).toBe('unauthenticated');
    // Neither the code nor the token is in the database.
    const raw = fs.readFileSync(path.join(dir, 'counterwatch.db')).toString('latin1');
    expect(raw).not.toContain(token);
    expect(raw).not.toContain(typed(issued.code));
    const actions = (await storage.audit.list({ limit: 10 })).map((e) => `${e.action} ${e.actor}`);
    expect(actions).toEqual(
      expect.arrayContaining(['device.create admin', `device.enrol device:${device.id}`]),
    );
  });

  it('refuses an expired code, and a code for another kind of page without using it up', async () => {
    const late = await registry.create(ADMIN, {
      departmentId: 'hk',
      kind: 'kiosk',
      counterId: null,
      name: 'K',
    });
    now = T0 + ENROLMENT_TTL_MS;
    expect(await codeOf(registry.enrol(typed(late.code), 'kiosk', null))).toBe('unauthenticated');

    const board = await registry.create(ADMIN, {
      departmentId: 'hk',
      kind: 'board',
      counterId: null,
      name: 'B',
    });
    expect(await codeOf(registry.enrol(typed(board.code), 'kiosk', null))).toBe('conflict');
    expect((await registry.enrol(typed(board.code), 'board', null)).device.kind).toBe('board');
  });

  it('revokes at once and says so; a new code replaces the old token', async () => {
    const issued = await registry.create(ADMIN, {
      departmentId: 'hk',
      kind: 'kiosk',
      counterId: null,
      name: 'K',
    });
    const first = await registry.enrol(typed(issued.code), undefined, null);
    const again = await registry.issueCode(ADMIN, issued.device.id);
    expect(await registry.authenticate(first.token)).toMatchObject({ status: 'ok' });
    const second = await registry.enrol(typed(again.code), 'kiosk', null);
    expect(second.device.id).toBe(issued.device.id);
    expect(await registry.authenticate(first.token)).toEqual({ status: 'unknown' });
    expect(await registry.authenticate(second.token)).toMatchObject({ status: 'ok' });

    const pending = await registry.issueCode(ADMIN, issued.device.id);
    const revoked = await registry.revoke(ADMIN, issued.device.id);
    expect(revoked).toMatchObject({ revokedBy: 'admin', codeExpiresAt: null });
    expect(await registry.authenticate(second.token)).toEqual({ status: 'revoked' });
    // A code issued before the revocation is dead too.
    expect(await codeOf(registry.enrol(typed(pending.code), 'kiosk', null))).toBe('unauthenticated');
    expect(await codeOf(registry.revoke(ADMIN, issued.device.id))).toBe('conflict');
    expect(await codeOf(registry.issueCode(ADMIN, issued.device.id))).toBe('conflict');
  });

  it('refuses a panel without a counter of its own department', async () => {
    expect(
      await codeOf(
        registry.create(ADMIN, { departmentId: 'hk', kind: 'panel', counterId: 'bd-q1', name: 'P' }),
      ),
    ).toBe('invalid_request');
    expect(
      await codeOf(registry.create(ADMIN, { departmentId: 'xx', kind: 'board', counterId: null, name: 'B' })),
    ).toBe('invalid_request');
    expect(await registry.list()).toEqual([]);
  });

  it('notes when a device was last used, at most once a minute', async () => {
    const issued = await registry.create(ADMIN, {
      departmentId: 'hk',
      kind: 'board',
      counterId: null,
      name: 'B',
    });
    const { token } = await registry.enrol(typed(issued.code), 'board', null);
    now = T0 + 30_000;
    await registry.authenticate(token);
    expect((await registry.list())[0]?.lastUsedAt).toBe(T0);
    now = T0 + 61_000;
    await registry.authenticate(token);
    expect((await registry.list())[0]?.lastUsedAt).toBe(T0 + 61_000);
  });
});
