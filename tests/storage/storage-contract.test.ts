import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type QueueEvent } from '@counterwatch/shared';
import {
  MIGRATIONS,
  PG_MIGRATIONS,
  PgStorage,
  SqliteStorage,
  type Change,
  type NewAlert,
  type Storage,
} from '@counterwatch/sfu-server/storage';
import { startPostgres, type PgCluster } from '../support/postgres.js';

/**
 * The `Storage` contract, run against both backends: everything the server
 * relies on — idempotent ingest, atomic secrets with their change-feed row,
 * the audit chain, one-shot enrolment codes, limits checked atomically — must
 * hold on SQLite and on PostgreSQL alike.
 */
const logger = pino({ level: 'silent' });
const T0 = 1_760_000_000_000;

interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty, migrated storage; `second` opens another handle on the same database (another process would). */
  open(now: () => number): Promise<{ storage: Storage; second: () => Promise<Storage> }>;
}

let cluster: PgCluster | undefined;
const tempDirs: string[] = [];

const backends: Backend[] = [
  {
    name: 'sqlite',
    async open(now) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-contract-'));
      tempDirs.push(dataDir);
      const make = () => SqliteStorage.create({ dataDir, logger, now, changePollMs: 20 });
      return { storage: await make(), second: make };
    },
  },
  {
    name: 'postgres',
    async open(now) {
      if (!cluster) throw new Error('no cluster');
      const url = await cluster.createDatabase();
      const make = () => PgStorage.create({ url, logger, now, changePollMs: 200 });
      return { storage: await make(), second: make };
    },
  },
];

beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function waitFor<T>(read: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const issued = (id: string, seq: number, extra: Partial<Record<string, unknown>> = {}): QueueEvent => ({
  id,
  departmentId: 'd1',
  occurredAt: T0,
  source: { id: 'kiosk-1', seq },
  type: 'ticket.issued',
  ticketId: `t-${id}`,
  ticketNumber: 'A-001',
  serviceCode: 'id-card',
  ...extra,
});

const ev = (event: QueueEvent) => ({ event, receivedAt: T0 + 5, correctedAt: T0 + 1 });

const alert = (over: Partial<NewAlert> = {}): NewAlert => ({
  rule: 'longest_wait',
  severity: 'warning',
  departmentId: 'd1',
  counterId: null,
  counterIds: [],
  subject: null,
  conditionKey: 'longest_wait:d1',
  details: { minutes: 31 },
  state: 'open',
  openedAt: T0,
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  resolvedBy: null,
  resolutionNote: null,
  snoozedUntil: null,
  snoozedBy: null,
  ...over,
});

const audit = (action: 'auth.login' | 'counter.token_rotate', at: number) => ({
  at,
  actorId: 1,
  actor: 'admin',
  ip: '127.0.0.1',
  action,
  departmentId: 'd1',
  counterId: null,
  objectType: 'user',
  objectId: '7',
  reason: null,
  details: { b: 2, a: [1, 'x'] },
});

it('both backends have the same migrations, version for version', () => {
  expect(PG_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(MIGRATIONS.map((m) => [m.version, m.name]));
});

describe.each(backends)('Storage on $name', (backend) => {
  let storage: Storage;
  let second: () => Promise<Storage>;
  const others: Storage[] = [];
  let clock = T0;
  const now = () => clock;

  beforeEach(async () => {
    clock = T0;
    ({ storage, second } = await backend.open(now));
    await storage.saveDepartment({
      id: 'd1',
      name: 'Phường 1',
      openingHours: { days: [1, 2, 3, 4, 5], open: '07:30', close: '17:00' },
    });
    await storage.saveDepartment({
      id: 'd2',
      name: 'Phường 2',
      openingHours: { days: [1], open: '08:00', close: '11:00' },
    });
    await storage.saveCounter({ id: 'c1', departmentId: 'd1', name: 'Quầy 1', services: ['id-card'] });
    await storage.saveCounter({ id: 'c2', departmentId: 'd1', name: 'Quầy 2', services: [] });
  }, 60_000);

  afterEach(async () => {
    for (const other of others.splice(0)) await other.close();
    await storage.close();
  });

  it('reaches the latest migration', async () => {
    const latest = Math.max(...MIGRATIONS.map((m) => m.version));
    if (storage instanceof PgStorage) expect(await storage.schemaVersion()).toBe(latest);
    else if (storage instanceof SqliteStorage) {
      const row = storage.db.prepare('SELECT max(version) AS v FROM schema_migrations').get();
      expect(row).toEqual({ v: latest });
    } else throw new Error('unknown backend');
  });

  it('keeps the directory, upserting by id', async () => {
    await storage.saveCounter({ id: 'c2', departmentId: 'd1', name: 'Quầy hai', services: ['a', 'b'] });
    expect((await storage.listDepartments()).map((d) => [d.id, d.name, d.openingHours.open])).toEqual([
      ['d1', 'Phường 1', '07:30'],
      ['d2', 'Phường 2', '08:00'],
    ]);
    expect((await storage.listCounters()).map((c) => [c.id, c.name, c.services, c.tokenHash])).toEqual([
      ['c1', 'Quầy 1', ['id-card'], null],
      ['c2', 'Quầy hai', ['a', 'b'], null],
    ]);
  });

  it('changes the directory from the console all or nothing, and the seed never overrides it', async () => {
    const hours = { days: [1, 2, 3, 4, 5], open: '07:30', close: '17:00' };
    const d3 = {
      id: 'd3',
      name: 'Phòng PC06',
      openingHours: hours,
      level: 'provincial' as const,
      services: ['passport'],
    };
    // A create meeting an existing id rolls back the whole batch.
    expect(
      await storage.directory.apply(
        [
          { op: 'create_department', department: d3 },
          { op: 'create_counter', counter: { id: 'c1', departmentId: 'd1', name: 'x', services: [] } },
        ],
        T0,
        'admin',
      ),
    ).toEqual({ status: 'conflict', id: 'c1' });
    expect((await storage.listDepartments()).map((d) => d.id)).toEqual(['d1', 'd2']);
    expect(
      await storage.directory.apply(
        [
          { op: 'create_department', department: d3 },
          { op: 'create_counter', counter: { id: 'c3', departmentId: 'd3', name: 'Quầy A', services: [] } },
          { op: 'update_counter', counter: { id: 'c1', departmentId: 'd1', name: 'Quầy một', services: [] } },
          { op: 'retire_department', id: 'd2' },
          { op: 'retire_counter', id: 'c2' },
        ],
        T0 + 1,
        'admin',
      ),
    ).toEqual({ status: 'ok' });
    const departments = await storage.listDepartments();
    expect(departments.map((d) => [d.id, d.level, d.services, d.retiredAt, d.retiredBy])).toEqual([
      ['d1', 'commune', [], null, null],
      ['d2', 'commune', [], T0 + 1, 'admin'],
      ['d3', 'provincial', ['passport'], null, null],
    ]);
    // Retired is final; a counter cannot join a retired department.
    expect(await storage.directory.apply([{ op: 'retire_counter', id: 'c2' }], T0 + 2, 'admin')).toEqual({
      status: 'conflict',
      id: 'c2',
    });
    expect(
      await storage.directory.apply(
        [{ op: 'create_counter', counter: { id: 'c9', departmentId: 'd2', name: 'x', services: [] } }],
        T0 + 2,
        'admin',
      ),
    ).toEqual({ status: 'conflict', id: 'c9' });
    // The seed: new rows go in, rows the console changed or retired stay as they are.
    expect(await storage.saveCounter({ id: 'c1', departmentId: 'd1', name: 'Quầy 1', services: [] })).toBe(
      false,
    );
    expect(await storage.saveCounter({ id: 'c2', departmentId: 'd1', name: 'Quầy 2', services: [] })).toBe(
      false,
    );
    expect(await storage.saveCounter({ id: 'c4', departmentId: 'd1', name: 'Quầy 4', services: [] })).toBe(
      true,
    );
    expect(await storage.saveCounter({ id: 'c5', departmentId: 'd2', name: 'Quầy 5', services: [] })).toBe(
      false,
    );
    expect(await storage.saveDepartment({ id: 'd2', name: 'Phường 2 lại', openingHours: hours })).toBe(false);
    expect(await storage.saveDepartment({ id: 'd1', name: 'Phường Một', openingHours: hours })).toBe(true);
    const counters = await storage.listCounters();
    expect(counters.map((c) => [c.id, c.name, c.retiredAt])).toEqual([
      ['c1', 'Quầy một', null],
      ['c2', 'Quầy 2', T0 + 1],
      ['c4', 'Quầy 4', null],
      ['c3', 'Quầy A', null],
    ]);
    expect((await storage.listDepartments()).find((d) => d.id === 'd2')?.name).toBe('Phường 2');
  });

  it('a counter enrolment code is good once, before it expires, for a counter not retired', async () => {
    expect(await storage.directory.setCounterCode('c1', 'code-1', T0 + 100)).toBe(true);
    expect(await storage.directory.setCounterCode('nope', 'code-x', T0 + 100)).toBe(false);
    expect(await storage.directory.counterForCode('code-1', T0)).toEqual({
      counterId: 'c1',
      departmentId: 'd1',
    });
    expect(await storage.directory.counterForCode('code-1', T0 + 100)).toBeUndefined();
    expect((await storage.listCounters()).find((c) => c.id === 'c1')?.codeExpiresAt).toBe(T0 + 100);
    // Two redemptions at once: one wins.
    const both = await Promise.all([
      storage.directory.redeemCounterCode('code-1', 'token-a', T0 + 1),
      storage.directory.redeemCounterCode('code-1', 'token-b', T0 + 1),
    ]);
    expect(both.filter((x) => x !== undefined)).toEqual([{ counterId: 'c1', departmentId: 'd1' }]);
    const c1 = (await storage.listCounters()).find((c) => c.id === 'c1');
    expect(['token-a', 'token-b']).toContain(c1?.tokenHash);
    expect(c1?.codeExpiresAt).toBeNull();
    // The database owns the token from now on: the file's hash is not taken.
    expect(await storage.provisionCounterTokenHash('c1', 'file-hash', T0 + 2)).toBe('managed_in_database');
    // Expired, and retired.
    await storage.directory.setCounterCode('c2', 'code-2', T0 + 10);
    expect(await storage.directory.redeemCounterCode('code-2', 't', T0 + 10)).toBeUndefined();
    await storage.directory.setCounterCode('c2', 'code-3', T0 + 100);
    await storage.directory.apply([{ op: 'retire_counter', id: 'c2' }], T0 + 11, 'admin');
    expect(await storage.directory.redeemCounterCode('code-3', 't', T0 + 12)).toBeUndefined();
    expect(await storage.directory.setCounterCode('c2', 'code-4', T0 + 100)).toBe(false);
  });

  it('takes the provisioning file’s secrets until the database changes them itself', async () => {
    expect(await storage.provisionCounterTokenHash('c1', 'h1', T0)).toBe('applied');
    expect(await storage.provisionCounterTokenHash('c1', 'h1', T0)).toBe('unchanged');
    expect(await storage.provisionCounterTokenHash('nope', 'h1', T0)).toBe('not_found');
    expect(await storage.setCounterTokenHash('c1', null, T0 + 1)).toBe(true);
    expect(await storage.provisionCounterTokenHash('c1', 'h2', T0 + 2)).toBe('managed_in_database');
    expect((await storage.listCounters()).find((c) => c.id === 'c1')?.tokenHash).toBeNull();
    expect(await storage.setCounterTokenHash('nope', 'x', T0)).toBe(false);

    expect(await storage.provisionDepartmentApiKeyHash('d1', 'k1')).toBe('applied');
    expect(await storage.provisionDepartmentApiKeyHash('d1', 'k1')).toBe('unchanged');
    expect(await storage.setDepartmentApiKeyHash('d1', 'k2', T0)).toBe(true);
    expect(await storage.provisionDepartmentApiKeyHash('d1', 'k3')).toBe('managed_in_database');
    expect((await storage.listDepartments())[0]?.apiKeyHash).toBe('k2');
  });

  it('keeps accounts and sessions, and tells another process what changed', async () => {
    const other = await second();
    others.push(other);
    const seen: Change[] = [];
    const sub = other.changes.follow((changes) => seen.push(...changes));
    await sub.ready;
    const alice = await storage.createUser(
      { username: 'alice', displayName: 'Alice', passwordHash: 'ph', roles: ['admin'], departmentIds: null },
      T0,
    );
    const bob = await storage.createUser(
      {
        username: 'bob',
        displayName: 'Bob',
        passwordHash: 'ph',
        roles: ['head'],
        departmentIds: ['d1'],
      },
      T0,
    );
    await expect(
      storage.createUser(
        { username: 'alice', displayName: 'Again', passwordHash: 'x', roles: ['admin'], departmentIds: null },
        T0,
      ),
    ).rejects.toThrow();
    expect(await storage.countUsers()).toBe(2);
    expect((await storage.findUserByUsername('bob'))?.departmentIds).toEqual(['d1']);
    expect(
      await storage.updateUser(bob.id, {
        displayName: 'Robert',
        roles: ['auditor'],
        departmentIds: null,
        disabled: true,
      }),
    ).toBe(true);
    expect(await storage.getUser(bob.id)).toMatchObject({
      displayName: 'Robert',
      roles: ['auditor'],
      disabled: true,
      departmentIds: null,
    });
    expect(await storage.setUserPassword(alice.id, 'ph2')).toBe(true);
    expect(await storage.setUserPassword(9999, 'x')).toBe(false);
    expect((await storage.listUsers()).map((u) => u.username)).toEqual(['alice', 'bob']);

    const session = {
      idHash: 's1',
      userId: alice.id,
      createdAt: T0,
      expiresAt: T0 + 1000,
      revokedAt: null,
      ip: '10.0.0.1',
      userAgent: 'UA',
    };
    await storage.createSession(session);
    await storage.createSession({ ...session, idHash: 's2' });
    expect(await storage.getSession('s1')).toEqual(session);
    expect((await storage.listActiveSessions(T0 + 1)).length).toBe(2);
    expect(await storage.revokeSession('s1', T0 + 2)).toBe(true);
    expect(await storage.revokeSession('s1', T0 + 3)).toBe(false);
    expect(await storage.revokeUserSessions(alice.id, T0 + 4)).toBe(1);
    expect(await storage.listActiveSessions(T0 + 5)).toEqual([]);

    await waitFor(
      () => (seen.some((c) => c.kind === 'session' && c.subject === 's1') ? true : undefined),
      'the feed',
    );
    expect(seen.map((c) => [c.kind, c.subject])).toEqual(
      [
        ['user', String(alice.id)],
        ['user', String(bob.id)],
        ['user', String(bob.id)],
        ['user', String(alice.id)],
        ['session', 's1'],
        ['user', String(alice.id)],
      ].slice(0, seen.length),
    );
    await waitFor(() => (seen.length >= 6 ? true : undefined), 'every change');
    sub.close();
  });

  it('stores each queue event once and tells a replay from a clash', async () => {
    const first = await storage.insertQueueEvents([ev(issued('e1', 1)), ev(issued('e2', 2))]);
    expect(first.map((r) => r.status)).toEqual(['inserted', 'inserted']);
    const [a, b] = first;
    if (a?.status !== 'inserted' || b?.status !== 'inserted') throw new Error('not inserted');
    expect(b.seq).toBeGreaterThan(a.seq);

    const again = await storage.insertQueueEvents([
      ev(issued('e1', 1)), // the same event again: a replay
      ev(issued('e2', 9, { source: { id: 'kiosk-2', seq: 1 } })), // another source with that id
      ev(issued('e3', 2)), // a new id with a used sequence number
      ev(issued('e4', 3)),
      ev(issued('e4', 3)), // twice in one batch
      ev(issued('e1', 5, { departmentId: 'd2' })), // the id in another department
    ]);
    expect(again).toEqual([
      { status: 'duplicate' },
      { status: 'id_conflict', sameDepartment: true, existingSourceId: 'kiosk-1' },
      { status: 'seq_conflict', existingId: 'e2' },
      { status: 'inserted', seq: expect.any(Number) as number },
      { status: 'duplicate' },
      { status: 'id_conflict', sameDepartment: false, existingSourceId: 'kiosk-1' },
    ]);
    const stored = await storage.listQueueEvents('d1', T0);
    expect(stored.map((s) => s.event.id)).toEqual(['e1', 'e2', 'e4']);
    expect(stored[0]).toMatchObject({ receivedAt: T0 + 5, correctedAt: T0 + 1 });
    expect(await storage.listQueueEvents('d1', T0 + 6)).toEqual([]);
    expect((await storage.listTicketEvents('d1', 't-e4')).map((s) => s.event.id)).toEqual(['e4']);
    expect(await storage.nextSourceSeq('d1', 'kiosk-1')).toBe(4);
    expect(await storage.nextSourceSeq('d1', 'kiosk-9')).toBe(1);
    expect(await storage.insertQueueEvents([])).toEqual([]);
  });

  it('reads the log between two sequences, every department’s rows in log order', async () => {
    const seqs = (
      await storage.insertQueueEvents([
        ev(issued('e1', 1)),
        ev(issued('e2', 2)),
        ev(issued('x1', 1, { departmentId: 'd2' })),
        ev(issued('e3', 3)),
        ev(issued('e4', 4)),
        ev(issued('e5', 5)),
      ])
    ).map((r) => (r.status === 'inserted' ? r.seq : NaN));
    const [s1, s2, , s3, s4] = seqs as [number, number, number, number, number];
    const ids = (rows: { event: { id: string } }[]) => rows.map((r) => r.event.id);
    expect(ids(await storage.listQueueEventsBetween(s1, s3, 10))).toEqual(['e2', 'x1', 'e3']);
    expect(ids(await storage.listQueueEventsBetween(s2, s4, 2))).toEqual(['x1', 'e3']);
    expect(ids(await storage.listQueueEventsBetween(s4, s4, 10))).toEqual([]);
    expect(ids(await storage.listQueueEventsBetween(0, Number.MAX_SAFE_INTEGER, 3))).toEqual([
      'e1',
      'e2',
      'x1',
    ]);
    expect(ids(await storage.listQueueEventsBetween(s4, Number.MAX_SAFE_INTEGER, 10))).toEqual(['e5']);
  });

  it('keeps metrics history and daily aggregates, replacing a point at the same time', async () => {
    const point = (at: number, queueLength: number) => ({
      at,
      queueLength,
      longestWaitSeconds: null,
      meanWaitSeconds: 12.5,
      openCounters: 2,
      servedToday: 3,
      satisfaction: 0.5,
      counters: { c1: { queueLength } },
    });
    await storage.insertHistoryPoints([
      { departmentId: 'd1', point: point(T0, 1) },
      { departmentId: 'd1', point: point(T0 + 10_000, 2) },
      { departmentId: 'd1', point: point(T0 + 10_000, 3) },
      { departmentId: 'd2', point: point(T0, 9) },
    ]);
    expect((await storage.listHistory('d1', T0, T0 + 10_000)).map((p) => p.queueLength)).toEqual([1, 3]);
    expect(await storage.deleteHistoryBefore(T0 + 1)).toBe(2);
    expect((await storage.listHistory('d1', 0, T0 * 2)).map((p) => p.at)).toEqual([T0 + 10_000]);
    const day = {
      day: '2026-12-04',
      issued: 10,
      served: 8,
      meanWaitSeconds: 100,
      satisfaction: 0.9,
      noShowRate: 0.1,
      leftOpen: 1,
    };
    await storage.saveDailyAggregate('d1', day);
    await storage.saveDailyAggregate('d1', { ...day, served: 9 });
    await storage.saveDailyAggregate('d1', { ...day, day: '2026-12-05' });
    expect(
      (await storage.listDailyAggregates('d1', '2026-12-04', '2026-12-04')).map((d) => d.served),
    ).toEqual([9]);
    expect((await storage.listDailyAggregates('d1', '2026-01-01', '2026-12-31')).length).toBe(2);
  });

  it("writes an alert engine's moment in one call: new alerts in order, a held condition skipped, updates", async () => {
    const held = await storage.insertAlert(alert());
    const written = await storage.writeAlerts(
      [
        alert({
          rule: 'queue_per_counter',
          conditionKey: 'queue_per_counter:c1',
          counterId: 'c1',
          counterIds: ['c1'],
        }),
        // The condition of `held` is unresolved: this one is not stored, the others are.
        alert({ openedAt: T0 + 5 }),
        alert({ conditionKey: 'longest_wait:d2', departmentId: 'd2' }),
      ],
      [{ alert: { ...held, severity: 'critical', counterIds: ['c9'] }, part: 'grade' }],
    );
    expect(written.map((w) => w?.conditionKey ?? null)).toEqual([
      'queue_per_counter:c1',
      null,
      'longest_wait:d2',
    ]);
    const [first, , third] = written;
    expect(first?.id).toBeGreaterThan(held.id);
    expect(third?.id).toBeGreaterThan(first?.id ?? Infinity);
    expect(await storage.getAlert(held.id)).toMatchObject({ severity: 'critical', counterIds: ['c9'] });
    expect((await storage.listActiveAlerts()).map((a) => a.id).sort((x, y) => x - y)).toEqual([
      held.id,
      first?.id,
      third?.id,
    ]);
    expect(await storage.writeAlerts([], [])).toEqual([]);
  });

  it('matches each stored alert of a burst to its place: one condition opened, resolved and reopened', async () => {
    const held = await storage.insertAlert(alert({ conditionKey: 'idle:c2', rule: 'counter_idle' }));
    const other = await storage.insertAlert(alert({ conditionKey: 'idle:c3', rule: 'counter_idle' }));
    const resolved = { state: 'resolved' as const, resolvedAt: T0 + 3, resolvedBy: null };
    const written = await storage.writeAlerts(
      [
        // Opened and resolved again before it was stored: kept, as history.
        alert({ openedAt: T0 + 1, ...resolved }),
        alert({ openedAt: T0 + 2, conditionKey: 'idle:c2', rule: 'counter_idle' }),
        // The same condition opening again after it: stored, with the next id.
        alert({ openedAt: T0 + 4, details: { minutes: 40 } }),
        // A second unresolved one in the same burst conflicts with the one just stored.
        alert({ openedAt: T0 + 5 }),
      ],
      [
        { alert: { ...held, severity: 'critical' }, part: 'grade' },
        {
          alert: { ...held, state: 'acknowledged', acknowledgedAt: T0 + 6, acknowledgedBy: 'head' },
          part: 'handling',
        },
        { alert: { ...other, ...resolved }, part: 'handling' },
      ],
    );
    expect(written.map((w) => (w ? [w.conditionKey, w.state, w.openedAt] : null))).toEqual([
      [alert().conditionKey, 'resolved', T0 + 1],
      null,
      [alert().conditionKey, 'open', T0 + 4],
      null,
    ]);
    const [first, , reopened] = written;
    const stored = await storage.getAlerts([reopened?.id ?? 0, first?.id ?? 0, held.id, other.id, 999_999]);
    const byId = new Map(stored.map((a) => [a.id, a]));
    expect(stored).toHaveLength(4);
    expect(byId.get(first?.id ?? 0)).toMatchObject({ state: 'resolved', openedAt: T0 + 1 });
    expect(byId.get(reopened?.id ?? 0)).toMatchObject({ state: 'open', details: { minutes: 40 } });
    expect(byId.get(held.id)).toMatchObject({
      severity: 'critical',
      state: 'acknowledged',
      acknowledgedBy: 'head',
    });
    expect(byId.get(other.id)).toMatchObject({ state: 'resolved', resolvedAt: T0 + 3 });
    expect(await storage.getAlerts([])).toEqual([]);
  });

  it('keeps alerts, one active per condition, and thresholds', async () => {
    const a = await storage.insertAlert(alert());
    await expect(storage.insertAlert(alert())).rejects.toThrow();
    // Each part is written on its own: a re-grade from a process whose copy is stale leaves the
    // acknowledgement another process stored alone, and the reverse.
    await storage.updateAlert(
      { ...a, state: 'acknowledged', acknowledgedAt: T0 + 1, acknowledgedBy: 'head' },
      'handling',
    );
    await storage.updateAlert({ ...a, severity: 'critical', counterIds: ['c1'] }, 'grade');
    expect(await storage.getAlert(a.id)).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'head',
      severity: 'critical',
      counterIds: ['c1'],
    });
    await storage.updateAlert(
      {
        ...a,
        state: 'resolved',
        resolvedAt: T0 + 1,
        resolvedBy: 'admin',
        acknowledgedAt: T0 + 1,
        acknowledgedBy: 'head',
      },
      'handling',
    );
    const b = await storage.insertAlert(
      alert({ openedAt: T0 + 2, counterId: 'c1', counterIds: ['c1'], conditionKey: 'longest_wait:d1' }),
    );
    expect(await storage.getAlert(a.id)).toMatchObject({
      state: 'resolved',
      severity: 'critical',
      acknowledgedBy: 'head',
      counterIds: ['c1'],
      details: { minutes: 31 },
    });
    expect((await storage.listActiveAlerts()).map((x) => x.id)).toEqual([b.id]);
    expect((await storage.listAlerts({ limit: 10 })).map((x) => x.id)).toEqual([b.id, a.id]);
    expect((await storage.listAlerts({ limit: 10, state: 'resolved' })).map((x) => x.id)).toEqual([a.id]);
    expect(await storage.listAlerts({ limit: 10, departmentIds: [] })).toEqual([]);
    expect(
      (await storage.listAlerts({ limit: 10, departmentIds: ['d2', 'd1'], counterId: 'c1' })).map(
        (x) => x.id,
      ),
    ).toEqual([b.id]);
    expect(await storage.getThresholds('d1')).toBeUndefined();
    await storage.setThresholds('d1', DEFAULT_THRESHOLDS);
    await storage.setThresholds('d1', { ...DEFAULT_THRESHOLDS, idleMinutes: 7 });
    expect((await storage.getThresholds('d1'))?.idleMinutes).toBe(7);
  });

  it('chains the audit trail and finds rows by what was asked', async () => {
    const first = await storage.audit.append(audit('auth.login', T0));
    const second_ = await storage.audit.append({
      ...audit('counter.token_rotate', T0 + 1),
      actor: '50%_off\\',
      departmentId: 'd2',
    });
    expect(second_.prevHash).toBe(first.hash);
    expect(await storage.audit.verify()).toMatchObject({ ok: true, checked: 2, headSeq: 2 });
    expect(await storage.audit.verify({ seq: 1, hash: first.hash })).toMatchObject({ ok: true });
    expect(await storage.audit.verify({ seq: 1, hash: 'f'.repeat(64) })).toMatchObject({
      ok: false,
      firstBadSeq: 1,
    });
    expect(await storage.audit.verify({ seq: 5, hash: first.hash })).toMatchObject({ ok: false });
    expect((await storage.audit.list({ limit: 10 })).map((e) => e.seq)).toEqual([2, 1]);
    expect((await storage.audit.list({ limit: 10, actor: { contains: '%_' } })).map((e) => e.seq)).toEqual([
      2,
    ]);
    expect(
      (await storage.audit.list({ limit: 10, actor: { usernames: ['admin'] } })).map((e) => e.seq),
    ).toEqual([1]);
    expect((await storage.audit.list({ limit: 10, departmentIds: ['d2'] })).map((e) => e.seq)).toEqual([2]);
    expect(await storage.audit.list({ limit: 10, departmentIds: [] })).toEqual([]);
    expect(
      (await storage.audit.list({ limit: 10, beforeSeq: 2, action: 'auth.login', from: T0, to: T0 })).map(
        (e) => e.seq,
      ),
    ).toEqual([1]);
    expect((await storage.audit.list({ limit: 1 }))[0]?.details).toEqual({ b: 2, a: [1, 'x'] });
  });

  it('refuses to change or remove an audit row', async () => {
    await storage.audit.append(audit('auth.login', T0));
    if (storage instanceof PgStorage) {
      await expect(storage.db.run("UPDATE audit_log SET actor = 'x'")).rejects.toThrow(/append-only/);
      await expect(storage.db.run('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    } else if (storage instanceof SqliteStorage) {
      const db = storage.db;
      expect(() => db.prepare("UPDATE audit_log SET actor = 'x'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    } else throw new Error('unknown backend');
    expect(await storage.audit.verify()).toMatchObject({ ok: true, checked: 1 });
  });

  it('keeps settings and recording segments', async () => {
    expect(await storage.settings.get('k')).toBeUndefined();
    await storage.settings.set('k', { a: 1 });
    await storage.settings.set('k', [2]);
    expect(await storage.settings.get('k')).toEqual([2]);
    const seg = (p: string, startedAt: number, bytes: number, node = '') => ({
      counterId: 'c1',
      departmentId: 'd1',
      path: p,
      startedAt,
      endedAt: startedAt + 10_000,
      bytes,
      container: 'mkv',
      node,
    });
    const s1 = await storage.recordings.insertSegment(seg('a.mkv', T0, 100));
    const s2 = await storage.recordings.insertSegment(seg('b.mkv', T0 + 10_000, 5_000_000_000));
    const s3 = await storage.recordings.insertSegment(seg('c.mkv', T0 + 10_000, 1));
    await expect(storage.recordings.insertSegment(seg('a.mkv', T0, 1))).rejects.toThrow();
    expect(await storage.recordings.getSegment(s1.id)).toEqual(s1);
    expect((await storage.recordings.segmentsOverlapping('c1', T0 + 5_000, T0 + 12_000)).length).toBe(3);
    expect((await storage.recordings.oldestSegments('', 10)).map((s) => s.id)).toEqual([s1.id, s2.id, s3.id]);
    expect(
      (await storage.recordings.oldestSegments('', 10, { startedAt: s2.startedAt, id: s2.id })).map(
        (s) => s.id,
      ),
    ).toEqual([s3.id]);
    expect(await storage.recordings.totalBytes('')).toBe(5_000_000_101);
    // A media node's segments: found for the counter whatever the node, walked and summed per node.
    const m1 = await storage.recordings.insertSegment(seg('m1/a.mkv', T0 - 10_000, 7, 'media-1'));
    expect(await storage.recordings.getSegment(m1.id)).toEqual({ ...m1, node: 'media-1' });
    expect((await storage.recordings.segmentsOverlapping('c1', T0 - 5_000, T0 + 1)).map((s) => s.id)).toEqual(
      [m1.id, s1.id],
    );
    expect((await storage.recordings.oldestSegments('media-1', 10)).map((s) => s.id)).toEqual([m1.id]);
    expect((await storage.recordings.oldestSegments('', 1)).map((s) => s.id)).toEqual([s1.id]);
    expect(await storage.recordings.oldestSegments('media-2', 10)).toEqual([]);
    expect(await storage.recordings.totalBytes('media-1')).toBe(7);
    expect(await storage.recordings.totalBytes('')).toBe(5_000_000_101);
    await storage.recordings.deleteSegment(m1.id);
    expect(await storage.recordings.lastSegmentEnd('c1')).toBe(T0 + 20_000);
    expect(await storage.recordings.lastSegmentEnd('c9')).toBeNull();
    await storage.recordings.deleteSegment(s2.id);
    expect(await storage.recordings.totalBytes('')).toBe(101);
  });

  it('records interactions once, names the officer once, and opens and closes reviews', async () => {
    const base = {
      departmentId: 'd1',
      counterId: 'c1',
      ticketId: 't1',
      ticketNumber: 'A-001',
      serviceCode: 'id-card',
      issuedAt: T0,
      calledAt: T0 + 1,
      startedAt: T0 + 2,
      finishedAt: T0 + 3,
      outcome: 'completed' as const,
      rating: null,
      ratingComment: null,
      ratedAt: null,
      officer: { id: 5, displayName: 'Lan', badgeNumber: '001' },
    };
    const first = await storage.reviews.upsertInteraction(base);
    const rated = await storage.reviews.upsertInteraction({
      ...base,
      rating: 'satisfied',
      ratingComment: 'tốt',
      ratedAt: T0 + 9,
      officer: { id: 6, displayName: 'Other', badgeNumber: '002' },
    });
    expect(rated).toMatchObject({
      id: first.id,
      rating: 'satisfied',
      ratingComment: 'tốt',
      officer: base.officer,
      review: 'none',
      keep: false,
    });
    expect((await storage.reviews.upsertInteraction(base)).rating).toBe('satisfied');
    // Several at once: each as upsertInteraction would, answered in order.
    const many = await storage.reviews.upsertInteractions([
      { ...base, ticketId: 't2', officer: null, rating: 'unsatisfied', ratedAt: T0 + 4 },
      { ...base, officer: null, finishedAt: T0 + 5 },
      { ...base, ticketId: 't3', issuedAt: null, calledAt: null, ratingComment: 'chậm' },
    ]);
    expect(many.map((r) => [r.ticketId, r.rating, r.ratingComment, r.officer?.id ?? null])).toEqual([
      ['t2', 'unsatisfied', null, null],
      ['t1', 'satisfied', 'tốt', 5],
      ['t3', null, 'chậm', 5],
    ]);
    expect(many[1]).toMatchObject({ id: first.id, finishedAt: T0 + 5 });
    expect(many[2]).toMatchObject({ issuedAt: null, calledAt: null });
    expect(await storage.reviews.findInteraction('d1', 't3')).toEqual(many[2]);
    expect(await storage.reviews.upsertInteractions([])).toEqual([]);
    await storage.reviews.upsertInteraction({ ...base, finishedAt: T0 + 3 });
    expect(await storage.reviews.findInteraction('d1', 't1')).toEqual(
      await storage.reviews.getInteraction(first.id),
    );

    const flag = {
      interactionId: first.id,
      reason: 'unsatisfied_rating' as const,
      note: null,
      by: null,
      at: T0 + 10,
    };
    expect(await storage.reviews.addFlags([flag])).toEqual([true]);
    expect(await storage.reviews.addFlags([flag])).toEqual([false]);
    expect((await storage.reviews.getInteraction(first.id))?.review).toBe('pending');
    expect(await storage.reviews.flags([first.id])).toEqual([flag]);
    // Several at once: equal flags in one call are one (the first is new), an empty call is nothing.
    const long = { ...flag, reason: 'long_service' as const, note: '40 min, usually 10 min', at: T0 + 11 };
    const alert = { ...flag, reason: 'alert' as const, note: 'alert #7 (long_wait)', at: T0 + 12 };
    expect(await storage.reviews.addFlags([long, long, alert, flag])).toEqual([true, false, true, false]);
    expect(await storage.reviews.addFlags([])).toEqual([]);
    expect(await storage.reviews.flags([first.id])).toEqual([flag, long, alert]);
    expect(
      (
        await storage.reviews.listInteractions({
          departmentIds: ['d1'],
          flagReason: 'unsatisfied_rating',
          limit: 5,
        })
      ).length,
    ).toBe(1);
    expect(await storage.reviews.listInteractions({ departmentIds: [], limit: 5 })).toEqual([]);
    expect((await storage.reviews.heldSpans(T0, 1000, 50)).map((s) => [s.counterId, s.from, s.to])).toEqual([
      ['c1', T0 - 48, T0 + 53],
    ]);

    await storage.reviews.addDecision(
      { interactionId: first.id, finding: 'no_issue', note: 'ok', by: 'sup', at: T0 + 20 },
      true,
    );
    await storage.reviews.addDecision(
      { interactionId: first.id, finding: 'no_issue', note: 'again', by: 'sup', at: T0 + 21 },
      false,
    );
    expect(await storage.reviews.getInteraction(first.id)).toMatchObject({
      review: 'closed',
      reviewClosedAt: T0 + 21,
      keep: true,
    });
    expect((await storage.reviews.decisions([first.id])).map((d) => d.note)).toEqual(['ok', 'again']);
    expect((await storage.reviews.heldSpans(T0 + 10 ** 9, 1000, 0)).length).toBe(1); // kept
  });

  it('gives inspections ids never reused, saves drafts until the end', async () => {
    const id = await storage.inspections.nextId();
    const record = {
      id,
      departmentId: 'd1',
      counterId: 'c1',
      inspector: 'insp',
      inspectorId: 3,
      inspectorName: 'Inspector',
      officer: null,
      officerName: null,
      startedAt: T0,
      checklist: [{ id: 'greet', vi: 'Chào hỏi', en: 'Greeting' }],
    };
    await storage.inspections.create(record);
    expect(await storage.inspections.nextId()).toBeGreaterThan(id);
    expect((await storage.inspections.listOpen()).map((r) => r.id)).toEqual([id]);
    expect(
      await storage.inspections.saveDraft(
        id,
        { results: { greet: 'pass' }, notes: 'n', officerName: '' },
        T0 + 1,
      ),
    ).toBe(true);
    await storage.inspections.setOfficer(id, { id: 5, displayName: 'Lan', badgeNumber: '001' });
    await storage.inspections.setOfficer(id, { id: 6, displayName: 'Other', badgeNumber: '002' });
    const obs = await storage.inspections.addObservation({
      inspectionId: id,
      at: T0 + 2,
      note: 'x',
      stillPath: null,
    });
    expect(await storage.inspections.observations(id)).toEqual([obs]);
    expect((await storage.inspections.heldSpans(T0 + 100, 1000, 10))[0]).toEqual({
      counterId: 'c1',
      from: T0 - 10,
      to: T0 + 110,
    });
    expect(await storage.inspections.end(id, T0 + 50, { greet: 'pass' }, 'done', 'typed name')).toBe(true);
    expect(await storage.inspections.end(id, T0 + 60, {}, '', null)).toBe(false);
    expect(
      await storage.inspections.saveDraft(id, { results: {}, notes: '', officerName: '' }, T0 + 61),
    ).toBe(false);
    expect(await storage.inspections.get(id)).toMatchObject({
      endedAt: T0 + 50,
      notes: 'done',
      officer: { id: 5, displayName: 'Lan', badgeNumber: '001' },
      officerName: 'Lan',
      draftSaves: 1,
      endedAutomatically: false,
    });
    expect((await storage.inspections.list({ departmentIds: ['d1'], open: true, limit: 5 })).length).toBe(0);
    expect((await storage.inspections.list({ departmentIds: null, counterId: 'c1', limit: 5 })).length).toBe(
      1,
    );
  });

  it('exchanges an enrolment code once, and never for a revoked device', async () => {
    await storage.devices.create({
      id: 'dv-1',
      departmentId: 'd1',
      kind: 'panel',
      counterId: 'c1',
      name: 'Panel 1',
      createdAt: T0,
      createdBy: 'admin',
      codeHash: 'code1',
      codeExpiresAt: T0 + 600_000,
    });
    await storage.devices.create({
      id: 'dv-0',
      departmentId: 'd1',
      kind: 'kiosk',
      counterId: null,
      name: 'Kiosk',
      createdAt: T0,
      createdBy: 'admin',
      codeHash: null,
      codeExpiresAt: null,
    });
    await expect(
      storage.devices.create({
        id: 'dv-2',
        departmentId: 'd1',
        kind: 'kiosk',
        counterId: 'c1',
        name: 'x',
        createdAt: T0,
        createdBy: 'a',
        codeHash: null,
        codeExpiresAt: null,
      }),
    ).rejects.toThrow();
    expect(await storage.devices.enrol('code1', 'tok1', T0 + 600_000)).toBeUndefined(); // expired at that instant
    const [won, lost] = await Promise.all([
      storage.devices.enrol('code1', 'tokA', T0 + 1),
      storage.devices.enrol('code1', 'tokB', T0 + 1),
    ]);
    expect([won, lost].filter(Boolean).length).toBe(1);
    const token = (won ?? lost)?.tokenHash ?? '';
    expect((await storage.devices.byTokenHash(token))?.id).toBe('dv-1');
    expect(await storage.devices.byCodeHash('code1')).toBeUndefined();
    expect((await storage.devices.list()).map((d) => d.id)).toEqual(['dv-0', 'dv-1']);
    expect(await storage.devices.revoke('dv-1', T0 + 2, 'admin')).toBe(true);
    expect(await storage.devices.revoke('dv-1', T0 + 3, 'admin')).toBe(false);
    expect(await storage.devices.setCode('dv-1', 'code2', T0 + 10_000)).toBe(false);
    await storage.devices.touch('dv-0', T0 + 4);
    expect((await storage.devices.get('dv-0'))?.lastUsedAt).toBe(T0 + 4);
  });

  it('limits a user’s wall views atomically and keeps names unique', async () => {
    const user = await storage.createUser(
      { username: 'u', displayName: 'U', passwordHash: 'p', roles: ['head'], departmentIds: null },
      T0,
    );
    const body = (name: string) => ({ name, layout: 'auto', sort: 'worst', counterIds: null }) as never;
    const results = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((n) => storage.wallViews.create(user.id, body(n), T0, 3)),
    );
    expect(results.filter((r) => typeof r === 'object').length).toBe(3);
    expect(results.filter((r) => r === 'limit').length).toBe(2);
    const views = await storage.wallViews.list(user.id);
    const [v1, v2] = views;
    if (!v1 || !v2) throw new Error('no views');
    expect(await storage.wallViews.update(user.id, v1.id, body(v2.name), T0 + 1)).toBe('name_taken');
    expect(await storage.wallViews.update(user.id + 1, v1.id, body('z'), T0 + 1)).toBe('not_found');
    expect(await storage.wallViews.update(user.id, v1.id, body('z'), T0 + 1)).toMatchObject({
      name: 'z',
      updatedAt: T0 + 1,
    });
    expect(await storage.wallViews.remove(user.id + 1, v1.id)).toBe(false);
    expect(await storage.wallViews.remove(user.id, v1.id)).toBe(true);
    expect(await storage.wallViews.create(user.id, body(v2.name), T0, 3)).toBe('name_taken');
  });

  it("registers media nodes by heartbeat, keeps an admin's drain, and places counters compare-and-set", async () => {
    const node = (name: string, load = 0, startedAt = T0) => ({
      name,
      url: `http://10.0.0.${name.length}:8080`,
      capacity: 80,
      load,
      startedAt,
    });
    expect(await storage.nodes.heartbeat(node('m1'), T0)).toEqual({ draining: false });
    expect(await storage.nodes.heartbeat(node('m2'), T0 + 1)).toEqual({ draining: false });
    expect(await storage.nodes.setDraining('m1', true)).toBe(true);
    expect(await storage.nodes.setDraining('nobody', true)).toBe(false);
    // A heartbeat refreshes the node but never clears a drain: only an admin does.
    expect(await storage.nodes.heartbeat(node('m1', 7, T0 + 5), T0 + 10)).toEqual({ draining: true });
    expect(await storage.nodes.list()).toEqual([
      { ...node('m1', 7, T0 + 5), draining: true, heartbeatAt: T0 + 10 },
      { ...node('m2'), draining: false, heartbeatAt: T0 + 1 },
    ]);
    // Placement: the first placement wins, a move needs the placement it replaces.
    expect(await storage.nodes.place('c1', 'm1', null, T0)).toBe(true);
    expect(await storage.nodes.place('c1', 'm2', null, T0)).toBe(false);
    expect(await storage.nodes.place('c1', 'm2', 'm3', T0)).toBe(false);
    expect(await storage.nodes.placement('c1')).toBe('m1');
    expect(await storage.nodes.place('c1', 'm2', 'm1', T0 + 1)).toBe(true);
    expect(await storage.nodes.place('c2', 'm1', null, T0)).toBe(true);
    expect(await storage.nodes.placement('c1')).toBe('m2');
    expect(await storage.nodes.placement('none')).toBeUndefined();
    expect(await storage.nodes.placements()).toEqual([
      { counterId: 'c1', node: 'm2' },
      { counterId: 'c2', node: 'm1' },
    ]);
    // Two processes placing one counter at once: exactly one wins.
    const racers = await Promise.all(
      ['m1', 'm2', 'm1', 'm2'].map((n) => storage.nodes.place('c3', n, null, T0)),
    );
    expect(racers.filter(Boolean)).toHaveLength(1);
    // A node that stopped reporting is forgotten; its placements stay until replaced.
    expect(await storage.nodes.prune(T0 + 5)).toBe(1);
    expect((await storage.nodes.list()).map((n) => n.name)).toEqual(['m1']);
    await storage.nodes.remove('m1');
    expect(await storage.nodes.list()).toEqual([]);
    expect(await storage.nodes.placement('c2')).toBe('m1');
  });

  it('counts rate-limit attempts per window up to the maximum, gives back, clears and prunes', async () => {
    const W = 60_000;
    const take = (key: string, windowStart = T0, max = 3) =>
      storage.attempts.take('login-ip', key, windowStart, max);
    expect([await take('a'), await take('a'), await take('a'), await take('a')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    // Refused attempts are not counted: one given back lets exactly one more in.
    await storage.attempts.giveBack('login-ip', 'a', T0);
    expect([await take('a'), await take('a')]).toEqual([true, false]);
    // Windows, keys and scopes are independent.
    expect(await take('a', T0 + W)).toBe(true);
    expect(await take('b')).toBe(true);
    expect(await storage.attempts.take('enrol-ip', 'a', T0, 3)).toBe(true);
    expect(await take('c', T0, 0)).toBe(false);
    // Never below zero: giving back more than was taken leaves room for the maximum only.
    await storage.attempts.giveBack('login-ip', 'b', T0, 5);
    expect([await take('b'), await take('b'), await take('b'), await take('b')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    await storage.attempts.giveBack('login-ip', 'unknown', T0);
    // Clearing a key returns what each of its windows held, and empties them.
    expect(
      (await storage.attempts.clear('login-ip', 'a')).sort((x, y) => x.windowStart - y.windowStart),
    ).toEqual([
      { windowStart: T0, count: 3 },
      { windowStart: T0 + W, count: 1 },
    ]);
    expect(await storage.attempts.clear('login-ip', 'a')).toEqual([]);
    expect(await take('a')).toBe(true);
    // Pruning drops the scope's windows before a time, and only those.
    expect(await storage.attempts.prune('login-ip', T0 + W)).toBe(2); // a and b at T0
    expect(await storage.attempts.prune('login-ip', T0 + W)).toBe(0);
    expect(await storage.attempts.clear('enrol-ip', 'a')).toEqual([{ windowStart: T0, count: 1 }]);
    expect([await take('b'), await take('b', T0 + W)]).toEqual([true, true]);
  });

  it('takes exactly the maximum of concurrent attempts, from one handle or two', async () => {
    const other = await second();
    others.push(other);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? other : storage).attempts.take('enrol-ip', 'k', T0, 10)),
    );
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(await storage.attempts.clear('enrol-ip', 'k')).toEqual([{ windowStart: T0, count: 10 }]);
  });

  it('limits campaigns atomically, lists them by their first day, and deletes one once', async () => {
    const campaign = (name: string, from: string) => ({
      name,
      departmentIds: ['d1'],
      serviceCode: null,
      from,
      to: '2026-09-30',
      upliftPercent: 40,
    });
    const results = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((n, i) =>
        storage.campaigns.create(campaign(n, `2026-09-0${5 - i}`), T0, 'director', 3),
      ),
    );
    expect(results.filter((r) => typeof r === 'object').length).toBe(3);
    expect(results.filter((r) => r === 'limit').length).toBe(2);
    const listed = await storage.campaigns.list();
    expect(listed.map((c) => c.from)).toEqual([...listed.map((c) => c.from)].sort());
    const first = listed[0]!;
    expect(await storage.campaigns.get(first.id)).toEqual(first);
    expect(first).toMatchObject({
      departmentIds: ['d1'],
      serviceCode: null,
      upliftPercent: 40,
      createdBy: 'director',
    });
    expect(await storage.campaigns.delete(first.id)).toBe(true);
    expect(await storage.campaigns.delete(first.id)).toBe(false);
    expect(await storage.campaigns.get(first.id)).toBeUndefined();
  });

  it('keeps one open shift per counter and per officer', async () => {
    const lan = await storage.officers.create({
      departmentId: 'd1',
      displayName: 'Lan',
      badgeNumber: '001',
      pinHash: 'p',
      createdAt: T0,
      createdBy: 'admin',
    });
    const minh = await storage.officers.create({
      departmentId: 'd1',
      displayName: 'Minh',
      badgeNumber: '002',
      pinHash: 'p',
      createdAt: T0,
      createdBy: 'admin',
    });
    await expect(
      storage.officers.create({
        departmentId: 'd1',
        displayName: 'X',
        badgeNumber: '001',
        pinHash: 'p',
        createdAt: T0,
        createdBy: 'a',
      }),
    ).rejects.toThrow();
    await storage.officers.signIn('c1', lan.id, 'dv-1', T0);
    await storage.officers.signIn('c2', lan.id, 'dv-2', T0 + 10); // moves Lan
    await storage.officers.signIn('c2', minh.id, 'dv-2', T0 + 20); // replaces her at c2
    expect((await storage.officers.onDuty()).map((s) => [s.counterId, s.officer.displayName])).toEqual([
      ['c2', 'Minh'],
    ]);
    expect((await storage.officers.onDutyAt('c1', T0 + 5))?.officer.id).toBe(lan.id);
    expect(await storage.officers.onDutyAt('c1', T0 + 10)).toBeUndefined();
    // Several at once, in the order asked, the same answers.
    const asked = [
      { counterId: 'c2', at: T0 + 25 },
      { counterId: 'c1', at: T0 + 10 },
      { counterId: 'c1', at: T0 + 5 },
      { counterId: 'c2', at: T0 + 15 },
      { counterId: 'c9', at: T0 + 5 },
    ];
    expect((await storage.officers.onDutyAtMany(asked)).map((s) => s?.officer.displayName)).toEqual([
      'Minh',
      undefined,
      'Lan',
      'Lan',
      undefined,
    ]);
    for (const q of asked)
      expect((await storage.officers.onDutyAtMany([q]))[0]).toEqual(
        await storage.officers.onDutyAt(q.counterId, q.at),
      );
    expect(await storage.officers.onDutyAtMany([])).toEqual([]);
    expect((await storage.officers.signOutOfficer(minh.id, T0 + 30))?.counterId).toBe('c2');
    expect(await storage.officers.signOut('c2', T0 + 31)).toBeUndefined();
    await storage.officers.update(lan.id, { displayName: 'Lan Anh', disabledAt: T0 + 40 });
    expect(await storage.officers.byBadge('d1', '001')).toMatchObject({
      displayName: 'Lan Anh',
      disabledAt: T0 + 40,
    });
    expect((await storage.officers.list(['d1'])).map((o) => o.displayName)).toEqual(['Lan Anh', 'Minh']);
    expect(await storage.officers.list([])).toEqual([]);
  });
});
