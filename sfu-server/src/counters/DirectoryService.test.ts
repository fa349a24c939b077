import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, EnrolmentCodeSchema, type User } from '@counterwatch/shared';
import { AuditLog, type Actor } from '../audit/AuditLog.js';
import { EnrolmentLimiter, ENROLMENT_TTL_MS } from '../auth/enrolment.js';
import { tokenMatches } from '../auth/secrets.js';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { Directory } from './Directory.js';
import { DirectoryFileSchema } from './directoryFile.js';
import { DirectoryService, readCsv } from './DirectoryService.js';

const T0 = 1_700_000_000_000;
const ACTOR: Actor = { userId: 1, username: 'admin', ip: '192.0.2.1' };
const ADMIN: User = { id: 1, username: 'admin', displayName: 'Admin', roles: ['admin'], departmentIds: null };
const admin = { actor: ACTOR, user: ADMIN };

const FILE = DirectoryFileSchema.parse({
  departments: [{ id: 'hk', name: 'Hoàn Kiếm' }],
  counters: [
    { id: 'hk-q1', departmentId: 'hk', name: 'Quầy 1', services: ['id-card'] },
    { id: 'hk-q2', departmentId: 'hk', name: 'Quầy 2', services: ['passport'] },
  ],
});

describe('DirectoryService', () => {
  let dir: string;
  let storage: SqliteStorage;
  let directory: Directory;
  let service: DirectoryService;
  let now: number;
  const logger = pino({ level: 'silent' });

  const refusal = async (promise: Promise<unknown>): Promise<AppError> => {
    const error: unknown = await promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  };
  const auditActions = async () =>
    (await storage.audit.list({ limit: 100 })).map((e) => [e.action, e.actor, e.objectId]).reverse();

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-directory-'));
    now = T0;
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: () => now });
    directory = await Directory.load({ storage, logger, provision: FILE, now: () => now });
    service = new DirectoryService({
      store: storage.directory,
      audit: new AuditLog({ store: storage.audit, logger, now: () => now }),
      host: directory,
      logger,
      now: () => now,
      limiter: new EnrolmentLimiter({ store: storage.attempts, now: () => now, maxFailures: 3 }),
    });
  });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the seed gives a department the services of its counters', () => {
    expect(service.entries(ADMIN).departments).toEqual([
      expect.objectContaining({
        id: 'hk',
        level: 'commune',
        services: ['id-card', 'passport'],
        retiredAt: null,
      }),
    ]);
  });

  it('adds, renames and retires, each change audited with its actor before it happens', async () => {
    await service.createDepartment(admin, {
      id: 'pc06',
      name: 'Phòng PC06',
      level: 'provincial',
      openingHours: { days: [1, 2, 3, 4, 5], open: '07:30', close: '16:30' },
      services: ['passport'],
    });
    await service.createCounter(admin, { id: 'pc06-q1', departmentId: 'pc06', name: 'Quầy A', services: [] });
    await service.updateCounter(admin, 'pc06-q1', { name: 'Quầy B' });
    await service.retireCounter(admin, 'hk-q2');
    expect(directory.counter('pc06-q1')?.name).toBe('Quầy B');
    expect(directory.counter('hk-q2')).toBeUndefined(); // gone from the live side…
    expect(directory.counterOnRecord('hk-q2')?.name).toBe('Quầy 2'); // …kept for history
    expect(directory.counters().map((c) => c.id)).toEqual(['hk-q1', 'pc06-q1']);
    expect(await auditActions()).toEqual([
      ['department.create', 'admin', 'pc06'],
      ['counter.create', 'admin', 'pc06-q1'],
      ['counter.update', 'admin', 'pc06-q1'],
      ['counter.retire', 'admin', 'hk-q2'],
    ]);
    const update = (await storage.audit.list({ limit: 10, action: 'counter.update' }))[0];
    expect(update?.details).toEqual({ before: { name: 'Quầy A' }, after: { name: 'Quầy B' } });
    // Retired is final: no rename, no code, no reuse of the id.
    expect((await refusal(service.updateCounter(admin, 'hk-q2', { name: 'x' }))).code).toBe('conflict');
    expect((await refusal(service.issueCounterCode(admin, 'hk-q2'))).code).toBe('conflict');
    expect(
      (
        await refusal(
          service.createCounter(admin, { id: 'hk-q2', departmentId: 'hk', name: 'x', services: [] }),
        )
      ).code,
    ).toBe('conflict');
  });

  it('retiring a department retires its counters and revokes their tokens', async () => {
    await storage.setCounterTokenHash('hk-q1', 'sha256:x', now);
    await service.retireDepartment(admin, 'hk');
    expect(directory.departments()).toEqual([]);
    expect(directory.counters()).toEqual([]);
    const entries = service.entries(ADMIN);
    expect(entries.counters.map((c) => [c.id, c.retiredAt, c.hasToken])).toEqual([
      ['hk-q1', T0, false],
      ['hk-q2', T0, false],
    ]);
    expect(
      (
        await refusal(
          service.createCounter(admin, { id: 'hk-q9', departmentId: 'hk', name: 'x', services: [] }),
        )
      ).code,
    ).toBe('conflict');
  });

  it('an admin of one department manages only that one, and adds none', async () => {
    const scoped = { actor: ACTOR, user: { ...ADMIN, departmentIds: ['other'] } };
    expect((await refusal(service.updateCounter(scoped, 'hk-q1', { name: 'x' }))).code).toBe('not_found');
    expect((await refusal(service.retireDepartment(scoped, 'hk'))).code).toBe('not_found');
    expect(
      (
        await refusal(
          service.createDepartment(scoped, {
            id: 'z',
            name: 'Z',
            level: 'commune',
            openingHours: FILE.departments[0]!.openingHours,
            services: [],
          }),
        )
      ).code,
    ).toBe('forbidden');
    expect(service.entries(scoped.user)).toEqual({ departments: [], counters: [] });
    const refused = await refusal(service.importCsv(scoped, 'kind,id,name,department\ncounter,hk-q1,X,hk\n'));
    expect(refused.details).toEqual({
      errors: [{ line: 2, message: 'department hk is not yours to manage' }],
    });
    expect(directory.counter('hk-q1')?.name).toBe('Quầy 1');
  });

  it('imports a CSV all or nothing', async () => {
    const bad = [
      'kind,id,name,department,level,services,days,open,close',
      'department,xa-a,Công an xã A,,commune,id-card,1-6,07:30,17:00',
      'counter,xa-a-q1,Quầy 1,xa-a,,id-card,,,',
      'counter,xa-a-q2,Quầy 2,nowhere,,,,,',
    ].join('\n');
    const refused = await refusal(service.importCsv(admin, bad));
    expect(refused.code).toBe('invalid_request');
    expect(refused.details).toEqual({
      errors: [{ line: 4, message: 'department nowhere: not in the directory nor in this file' }],
    });
    expect(directory.department('xa-a')).toBeUndefined(); // nothing of the good rows either
    expect(await auditActions()).toEqual([]);

    const good = `${bad.split('\n').slice(0, 3).join('\n')}\ncounter,hk-q1,"Quầy 1 — Căn cước, hộ chiếu",hk,,id-card;passport,,,\n`;
    expect(await service.importCsv(admin, good)).toEqual({
      departments: { created: 1, updated: 0 },
      counters: { created: 1, updated: 1 },
    });
    expect(directory.counter('hk-q1')).toEqual({
      id: 'hk-q1',
      departmentId: 'hk',
      name: 'Quầy 1 — Căn cước, hộ chiếu',
      services: ['id-card', 'passport'],
    });
    expect(directory.counter('xa-a-q1')?.departmentId).toBe('xa-a');
    const audit = await storage.audit.list({ limit: 10, action: 'directory.import' });
    expect(audit[0]?.details).toMatchObject({ departmentIds: ['xa-a'], counterIds: ['xa-a-q1', 'hk-q1'] });
  });

  it('readCsv: quotes, a BOM, and clear errors for unknown columns and ragged rows', () => {
    expect(readCsv('\uFEFFkind,id,name\ncounter,"a,b",x\n')).toEqual([
      { line: 2, cells: { kind: 'counter', id: 'a,b', name: 'x' } },
    ]);
    const unknown = (() => {
      try {
        readCsv('kind,id,name,colour\n');
      } catch (error) {
        return error as AppError;
      }
      return undefined;
    })();
    const errors = (unknown?.details as { errors: { line: number; message: string }[] }).errors;
    expect(errors.map((e) => e.line)).toEqual([1]);
    expect(errors[0]?.message).toMatch(/unknown column\(s\) colour/);
    expect(() => readCsv('kind,id,name\ncounter,a\n')).toThrow(AppError);
  });

  it('a counter code: shown once, stored hashed, good once, refused after expiry', async () => {
    const issued = await service.issueCounterCode(admin, 'hk-q1');
    expect(issued.expiresAt).toBe(T0 + ENROLMENT_TTL_MS);
    const code = EnrolmentCodeSchema.parse(issued.code);
    const stored = JSON.stringify(await storage.listCounters());
    expect(stored).not.toContain(code);
    expect(service.entries(ADMIN).counters.find((c) => c.id === 'hk-q1')?.codeExpiresAt).toBe(
      issued.expiresAt,
    );

    const enrolled = await service.redeemCounterCode(code, '192.0.2.9');
    expect(enrolled).toMatchObject({ counterId: 'hk-q1', departmentId: 'hk' });
    expect(directory.authenticateCounter('hk-q1', enrolled.token)?.id).toBe('hk-q1');
    const record = (await storage.listCounters()).find((c) => c.id === 'hk-q1');
    expect(tokenMatches(enrolled.token, record?.tokenHash ?? null)).toBe(true);
    expect((await refusal(service.redeemCounterCode(code, '192.0.2.9'))).code).toBe('unauthenticated');

    const late = EnrolmentCodeSchema.parse((await service.issueCounterCode(admin, 'hk-q2')).code);
    now += ENROLMENT_TTL_MS;
    expect((await refusal(service.redeemCounterCode(late, '192.0.2.10'))).code).toBe('unauthenticated');
    const enrolAudit = await storage.audit.list({ limit: 10, action: 'counter.enrol' });
    expect(enrolAudit.map((e) => e.actor)).toEqual(['agent:hk-q1']);
  });

  it('wrong codes from one address are limited, even a right one after', async () => {
    const code = EnrolmentCodeSchema.parse((await service.issueCounterCode(admin, 'hk-q1')).code);
    for (let i = 0; i < 3; i += 1) {
      expect((await refusal(service.redeemCounterCode('AAAAAAAAAAAA', '192.0.2.5'))).code).toBe(
        'unauthenticated',
      );
    }
    expect((await refusal(service.redeemCounterCode(code, '192.0.2.5'))).code).toBe('rate_limited');
    expect((await service.redeemCounterCode(code, '192.0.2.6')).counterId).toBe('hk-q1'); // another address
    now += ENROLMENT_TTL_MS + 1;
    expect((await refusal(service.redeemCounterCode('AAAAAAAAAAAA', '192.0.2.5'))).code).toBe(
      'unauthenticated',
    );
  });

  it('the provisioning file seeds, but never overrides what the console changed', async () => {
    await service.updateCounter(admin, 'hk-q1', { name: 'Quầy một (đổi trong bảng điều khiển)' });
    await service.retireCounter(admin, 'hk-q2');
    const edited = DirectoryFileSchema.parse({
      departments: [
        { id: 'hk', name: 'Hoàn Kiếm (tệp)' },
        { id: 'bd', name: 'Ba Đình' },
      ],
      counters: [
        { id: 'hk-q1', departmentId: 'hk', name: 'Quầy 1 (tệp)', services: ['id-card'] },
        { id: 'hk-q2', departmentId: 'hk', name: 'Quầy 2', services: ['passport'] },
        { id: 'hk-q3', departmentId: 'hk', name: 'Quầy 3', services: [] },
        { id: 'bd-q1', departmentId: 'bd', name: 'Quầy 1', services: [] },
      ],
    });
    const again = await Directory.load({ storage, logger, provision: edited, now: () => now });
    expect(again.counter('hk-q1')?.name).toBe('Quầy một (đổi trong bảng điều khiển)'); // renamed: kept
    expect(again.counter('hk-q2')).toBeUndefined(); // retired: not re-created
    expect(again.counterOnRecord('hk-q2')?.name).toBe('Quầy 2');
    expect(again.counter('hk-q3')?.name).toBe('Quầy 3'); // new: seeded
    expect(again.department('hk')?.name).toBe('Hoàn Kiếm (tệp)'); // never changed in the console: the file's
    expect(again.department('bd')?.name).toBe('Ba Đình');

    await directory.reload(); // the service's directory learns of bd (one per process in the server)
    await service.retireDepartment(admin, 'bd');
    const third = await Directory.load({ storage, logger, provision: edited, now: () => now });
    expect(third.department('bd')).toBeUndefined();
    expect(third.counter('bd-q1')).toBeUndefined();
  });
});
