import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, CONDITION_HOLDS, systemClock, type Alert, type QueueEvent } from '@counterwatch/shared';
import { AuditLog, type Actor } from '../audit/AuditLog.js';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { AlertEngine } from './AlertEngine.js';
import type { Condition } from './rules.js';

const logger = pino({ level: 'silent' });
const GIAMDOC: Actor = { userId: 1, username: 'giamdoc', ip: '192.0.2.1' };

const longWait = (minutes: number, counterIds: string[] = ['c1']): Condition => ({
  key: 'd:longest_wait',
  rule: 'longest_wait',
  severity: 'critical',
  departmentId: 'd',
  counterId: null,
  counterIds,
  subject: null,
  details: { minutes, threshold: 30 },
});

describe('AlertEngine lifecycle', () => {
  let dir: string;
  let storage: SqliteStorage;
  let now: number;
  let engine: AlertEngine;
  let announced: Alert[];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-alerts-'));
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
    now = 1_800_000_000_000;
    engine = await AlertEngine.create({
      storage,
      audit: new AuditLog({ store: storage.audit, logger, now: () => now }),
      logger,
      now: () => now,
      clearHoldMs: 60_000,
      departmentIds: ['d'],
    });
    announced = [];
    engine.on('changed', (alerts) => announced.push(...alerts));
  });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens one alert per condition, however often the condition is seen', async () => {
    engine.evaluate('d', [longWait(31)]);
    now += 1_000;
    engine.evaluate('d', [longWait(32)]);
    await engine.flush();
    const stored = await storage.listAlerts({ limit: 10 });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ rule: 'longest_wait', state: 'open', severity: 'critical' });
    expect(announced.filter((a) => a.state === 'open')).toHaveLength(1);
  });

  it('lists an alert as active only once it is stored (a console says hello while it is being written)', async () => {
    engine.evaluate('d', [longWait(31)]);
    // Opened in memory, its row not written yet: no alert without an id is shown to anyone.
    expect(engine.active()).toEqual([]);
    await engine.flush();
    const [alert] = engine.active();
    expect(alert?.id).toBeGreaterThan(0);
    expect(announced).toEqual([alert]);
  });

  it('stores the alerts opened and re-graded while one write is in flight together, in one transaction', async () => {
    const calls: { inserts: number; updates: number }[] = [];
    // The first write is held in flight (a slow commit) until the burst has been evaluated.
    let release = (): void => undefined;
    const inFlight = new Promise<void>((resolve) => (release = resolve));
    const writeAlerts = storage.writeAlerts.bind(storage);
    storage.writeAlerts = async (inserts, updates) => {
      calls.push({ inserts: inserts.length, updates: updates.length });
      if (calls.length === 1) await inFlight;
      return writeAlerts(inserts, updates);
    };
    const atCounter = (counterId: string, minutes: number): Condition => ({
      ...longWait(minutes, [counterId]),
      key: `${counterId}:counter_idle`,
      rule: 'counter_idle',
      counterId,
    });
    engine.evaluate('d', [longWait(31)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(1);
    // While the first is stored: ten counters open and the department's alert is re-graded twice.
    for (let i = 0; i < 10; i += 1) engine.evaluate('d', [longWait(31), atCounter(`c${i}`, 5)]);
    engine.evaluate('d', [
      longWait(31, ['c1', 'c2']),
      ...[...Array(10).keys()].map((i) => atCounter(`c${i}`, 5)),
    ]);
    engine.evaluate('d', [
      longWait(31, ['c1', 'c3']),
      ...[...Array(10).keys()].map((i) => atCounter(`c${i}`, 5)),
    ]);
    release();
    await engine.flush();
    expect(calls).toEqual([
      { inserts: 1, updates: 0 },
      { inserts: 10, updates: 1 },
    ]);
    const stored = await storage.listActiveAlerts();
    expect(stored).toHaveLength(11);
    expect(stored.find((a) => a.rule === 'longest_wait')?.counterIds).toEqual(['c1', 'c3']);
    expect(
      engine
        .active()
        .map((a) => a.id)
        .sort((a, b) => a - b),
    ).toEqual(stored.map((a) => a.id).sort((a, b) => a - b));
    expect(announced.filter((a) => a.rule === 'counter_idle')).toHaveLength(10);
  });

  it('forgets only the alert whose condition is held by an unresolved row, and opens it again later', async () => {
    // Another process stored an unresolved alert of this condition (a lease changing hands).
    const other = await AlertEngine.create({
      storage,
      audit: new AuditLog({ store: storage.audit, logger, now: () => now }),
      logger,
      now: () => now,
      departmentIds: ['d'],
    });
    other.evaluate('d', [longWait(31)]);
    await other.flush();
    const idle: Condition = { ...longWait(5), key: 'c2:counter_idle', rule: 'counter_idle', counterId: 'c2' };
    engine.evaluate('d', [longWait(31), idle]);
    await engine.flush();
    expect(engine.active().map((a) => a.rule)).toEqual(['counter_idle']);
    expect(announced.map((a) => a.rule)).toEqual(['counter_idle']);
  });

  it('finds the active alert about a subject, the newest when several are', async () => {
    const rating = (ticket: string, key: string): Condition => ({
      ...longWait(0),
      key,
      rule: 'unsatisfied_rating',
      severity: 'warning',
      subject: ticket,
      details: {},
    });
    engine.evaluate('d', [rating('t1', 'd:r:1')]);
    expect(engine.activeAbout('d', 't1')).toBeUndefined();
    await engine.flush();
    now += 1_000;
    engine.evaluate('d', [rating('t1', 'd:r:1'), rating('t1', 'd:r:2'), rating('t2', 'd:r:3')]);
    await engine.flush();
    const newest = engine.active().find((a) => a.subject === 't1');
    expect(engine.activeAbout('d', 't1')).toEqual(newest);
    expect(newest?.openedAt).toBe(now);
    expect(engine.activeAbout('other', 't1')).toBeUndefined();
    expect(engine.activeAbout('d', 't9')).toBeUndefined();
  });

  it('stores and announces the counters an alert concerns as they change, not every evaluation', async () => {
    engine.evaluate('d', [longWait(31, ['c1'])]);
    await engine.flush();
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({ counterIds: ['c1'] });
    engine.evaluate('d', [longWait(32, ['c1'])]);
    await engine.flush();
    expect(announced).toHaveLength(1);
    engine.evaluate('d', [longWait(33, ['c2', 'c1'])]);
    await engine.flush();
    expect(announced).toHaveLength(2);
    expect(announced[1]).toMatchObject({ counterIds: ['c2', 'c1'], severity: 'critical' });
    const [stored] = await storage.listAlerts({ limit: 10 });
    expect(stored).toMatchObject({ counterIds: ['c2', 'c1'] });
    // After a restart the alert still names its counters.
    const again = await AlertEngine.create({
      storage,
      logger,
      now: () => now,
      audit: new AuditLog({ store: storage.audit, logger, now: () => now }),
      departmentIds: ['d'],
    });
    expect(again.active()[0]).toMatchObject({ counterIds: ['c2', 'c1'] });
  });

  it('resolves by itself once the condition stayed clear for the hold time, not before', async () => {
    engine.evaluate('d', [longWait(31)]);
    await engine.flush();
    now += 10_000;
    engine.evaluate('d', []); // clear…
    now += 30_000;
    engine.evaluate('d', [longWait(31)]); // …and back: flapping does not resolve
    now += 30_000;
    engine.evaluate('d', []);
    now += 59_000;
    engine.evaluate('d', []);
    expect(engine.active()).toHaveLength(1);
    now += 2_000;
    engine.evaluate('d', []);
    await engine.flush();
    expect(engine.active()).toHaveLength(0);
    const [alert] = await storage.listAlerts({ limit: 10 });
    expect(alert).toMatchObject({ state: 'resolved', resolvedBy: null });
    // A new occurrence after resolution is a new alert.
    engine.evaluate('d', [longWait(40)]);
    await engine.flush();
    expect(await storage.listAlerts({ limit: 10 })).toHaveLength(2);
  });

  it('acknowledges (who, when) and resolves by hand with a note', async () => {
    engine.evaluate('d', [longWait(31)]);
    await engine.flush();
    const [open] = engine.active();
    now += 5_000;
    const acknowledged = await engine.acknowledge(open!.id, GIAMDOC);
    expect(acknowledged).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'giamdoc',
      acknowledgedAt: now,
    });
    await expect(engine.acknowledge(open!.id, GIAMDOC)).rejects.toThrow(/acknowledged/);
    // A second counter opened: the wait is back under the target (the hold has not passed yet).
    engine.evaluate('d', []);
    const resolved = await engine.resolve(open!.id, GIAMDOC, 'opened a second counter');
    expect(resolved).toMatchObject({
      conditionHolds: false,
      alert: { state: 'resolved', resolvedBy: 'giamdoc', resolutionNote: 'opened a second counter' },
    });
    await expect(engine.resolve(open!.id, GIAMDOC, 'again')).rejects.toThrow(/already resolved/);
    // Each person's step on record, by the engine that took it: the acknowledgement, then the resolution.
    const rows = await storage.audit.list({ limit: 2 });
    expect(rows.map((r) => [r.action, r.actor, r.objectId]).sort()).toEqual([
      ['alert.acknowledge', 'giamdoc', String(open!.id)],
      ['alert.resolve', 'giamdoc', String(open!.id)],
    ]);
    await expect(engine.acknowledge(999, GIAMDOC)).rejects.toThrow(/no alert 999/);
  });

  it('opens an alert for an unsatisfied rating that only a person resolves', async () => {
    const rating = {
      id: 'r1',
      type: 'rating.submitted',
      departmentId: 'd',
      occurredAt: now,
      source: { id: 'pad', seq: 1 },
      ticketId: 't1',
      counterId: 'c1',
      rating: 'unsatisfied',
      comment: 'chờ lâu',
    } satisfies QueueEvent;
    engine.onEvent(rating);
    engine.onEvent(rating); // the same rating twice: one alert
    engine.onEvent({ ...rating, id: 'r2', ticketId: 't2', rating: 'satisfied' });
    // Yesterday's unsatisfied rating arriving late (a queue system's backlog): for review, not an alert today.
    engine.onEvent({ ...rating, id: 'r3', ticketId: 't3', occurredAt: now - 86_400_000 });
    await engine.flush();
    now += 3_600_000;
    engine.evaluate('d', []);
    const active = engine.active();
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({
      rule: 'unsatisfied_rating',
      counterId: 'c1',
      counterIds: ['c1'],
      subject: 't1',
      details: { comment: 'chờ lâu' },
    });
  });

  it('keeps open alerts across a restart and does not open them twice', async () => {
    engine.evaluate('d', [longWait(31)]);
    await engine.flush();
    const again = await AlertEngine.create({
      storage,
      audit: new AuditLog({ store: storage.audit, logger, now: () => now }),
      logger,
      now: () => now,
      departmentIds: ['d'],
    });
    again.evaluate('d', [longWait(33)]);
    await again.flush();
    expect(again.active()).toHaveLength(1);
    expect(await storage.listAlerts({ limit: 10 })).toHaveLength(1);
  });

  it('stores per-department thresholds', async () => {
    expect(engine.thresholds('d').longestWaitMinutes).toBe(30);
    const changed: string[] = [];
    engine.on('thresholdsChanged', (id) => changed.push(id));
    await engine.setThresholds('d', { ...engine.thresholds('d'), longestWaitMinutes: 20 }, GIAMDOC);
    expect(changed).toEqual(['d']);
    const [row] = await storage.audit.list({ limit: 1 });
    expect(row).toMatchObject({ action: 'config.thresholds', actor: 'giamdoc', departmentId: 'd' });
    const again = await AlertEngine.create({
      storage,
      audit: new AuditLog({ store: storage.audit, logger, now: systemClock }),
      logger,
      now: systemClock,
      departmentIds: ['d'],
    });
    expect(again.thresholds('d').longestWaitMinutes).toBe(20);
  });

  it('opens a storage-full alert per department until space is back', async () => {
    engine.setStorageFull(['d', 'e'], { usedBytes: 120e9, quotaBytes: 100e9 });
    engine.setStorageFull(['d', 'e'], { usedBytes: 121e9, quotaBytes: 100e9 });
    await engine.flush();
    expect(
      engine
        .active()
        .map((a) => `${a.departmentId}:${a.rule}`)
        .sort(),
    ).toEqual(['d:storage_full', 'e:storage_full']);
    // The rules' evaluations do not resolve it…
    now += 3_600_000;
    engine.evaluate('d', []);
    expect(engine.active()).toHaveLength(2);
    // …only the recorder saying space is back.
    engine.setStorageFull(['d', 'e'], null);
    await engine.flush();
    expect(engine.active()).toEqual([]);
    expect(
      (await storage.listAlerts({ limit: 10, rule: 'storage_full' })).every((a) => a.state === 'resolved'),
    ).toBe(true);
  });

  it("keeps each media node's full disk its own alert, named, until that node has space again", async () => {
    engine.setStorageFull(['d'], { usedBytes: 110e9, quotaBytes: 100e9 }, 'media-1');
    engine.setStorageFull(['d'], { usedBytes: 105e9, quotaBytes: 100e9 }, 'media-2');
    await engine.flush();
    const open = engine.active().filter((a) => a.rule === 'storage_full');
    expect(open.map((a) => a.details.node).sort()).toEqual(['media-1', 'media-2']);
    expect(open.find((a) => a.details.node === 'media-1')?.details.percent).toBe(110);
    // media-2 has space again: media-1's alert stays.
    engine.setStorageFull(['d'], null, 'media-2');
    await engine.flush();
    expect(engine.active().map((a) => a.details.node)).toEqual(['media-1']);
    engine.setStorageFull(['d'], null, 'media-1');
    await engine.flush();
    expect(engine.active()).toEqual([]);
  });
});

describe('AlertEngine: resolving while the condition holds, and snoozing', () => {
  let dir: string;
  let storage: SqliteStorage;
  let now: number;
  let engine: AlertEngine;
  let announced: Alert[];
  const MIN = 60_000;
  /** 2026-03-16 (a Monday) 10:30 in Vietnam. */
  const MONDAY_1030 = Date.UTC(2026, 2, 16, 3, 30);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-alerts-snooze-'));
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
    now = MONDAY_1030;
    engine = await AlertEngine.create({
      storage,
      audit: new AuditLog({ store: storage.audit, logger, now: () => now }),
      logger,
      now: () => now,
      clearHoldMs: 60_000,
      // The department closes at 17:00 Vietnam time.
      endOfDay: () => Date.UTC(2026, 2, 16, 10, 0),
      departmentIds: ['d'],
    });
    announced = [];
    engine.on('changed', (alerts) => announced.push(...alerts));
    engine.evaluate('d', [longWait(31)]);
    await engine.flush();
  });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const trail = async () => (await storage.audit.list({ limit: 100 })).reverse();
  const only = (): Alert => {
    const active = engine.active();
    expect(active).toHaveLength(1);
    return active[0]!;
  };

  it('refuses to resolve while the condition holds, says why, and changes nothing', async () => {
    const alert = only();
    const error = await engine.resolve(alert.id, GIAMDOC, 'done').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'conflict', details: { reason: CONDITION_HOLDS } });
    expect(only()).toMatchObject({ id: alert.id, state: 'open' });
    expect(await trail()).toEqual([]);
  });

  it('resolves anyway when asked: on record, and the new alert names the one it reopens', async () => {
    const alert = only();
    const result = await engine.resolve(alert.id, GIAMDOC, 'handled', { evenIfHolding: true });
    expect(result).toMatchObject({ conditionHolds: true, alert: { state: 'resolved' } });
    expect(await trail()).toMatchObject([
      { action: 'alert.resolve', reason: 'handled', details: { conditionHolds: true } },
    ]);
    now += 1_000;
    engine.evaluate('d', [longWait(32)]);
    await engine.flush();
    const reopened = only();
    expect(reopened.id).not.toBe(alert.id);
    expect(reopened.details).toMatchObject({ reopenOf: alert.id, minutes: 32 });
    // Still said on the next look at the condition.
    engine.evaluate('d', [longWait(33)]);
    expect(only().details).toMatchObject({ reopenOf: alert.id, minutes: 33 });
  });

  it('snoozes: on record, shown on the alert, no new alert meanwhile, open again after if it still holds', async () => {
    const alert = only();
    await engine.acknowledge(alert.id, GIAMDOC);
    const snoozed = await engine.snooze(alert.id, GIAMDOC, '15m', 'đã điều thêm cán bộ');
    expect(snoozed).toMatchObject({
      state: 'acknowledged',
      snoozedUntil: MONDAY_1030 + 15 * MIN,
      snoozedBy: 'giamdoc',
    });
    expect((await trail()).at(-1)).toMatchObject({
      action: 'alert.snooze',
      actor: 'giamdoc',
      objectType: 'alert',
      objectId: String(alert.id),
      reason: 'đã điều thêm cán bộ',
      details: { for: '15m', until: MONDAY_1030 + 15 * MIN },
    });
    expect(await storage.getAlert(alert.id)).toMatchObject({ snoozedUntil: MONDAY_1030 + 15 * MIN });
    // The condition holds throughout the snooze: nothing opens, nothing changes.
    for (let minute = 1; minute < 15; minute += 1) {
      now = MONDAY_1030 + minute * MIN;
      announced.length = 0;
      engine.evaluate('d', [longWait(31 + minute)]);
      await engine.flush();
      expect(only()).toMatchObject({ id: alert.id, state: 'acknowledged' });
      expect(announced.filter((a) => a.state === 'open')).toEqual([]);
    }
    expect(await storage.listAlerts({ limit: 10 })).toHaveLength(1);
    // Time is up and it still holds: open again, to be acknowledged afresh.
    now = MONDAY_1030 + 15 * MIN;
    engine.evaluate('d', [longWait(46)]);
    await engine.flush();
    expect(only()).toMatchObject({
      id: alert.id,
      state: 'open',
      snoozedUntil: null,
      acknowledgedBy: null,
    });
    expect(announced.at(-1)).toMatchObject({ id: alert.id, state: 'open' });
    expect(await storage.getAlert(alert.id)).toMatchObject({ state: 'open', snoozedUntil: null });
  });

  it('a snoozed alert whose condition clears resolves itself and does not come back', async () => {
    const alert = only();
    await engine.snooze(alert.id, GIAMDOC, '1h');
    now += 5 * MIN;
    engine.evaluate('d', []);
    now += 2 * MIN;
    engine.evaluate('d', []);
    await engine.flush();
    expect(engine.active()).toEqual([]);
    expect(await storage.getAlert(alert.id)).toMatchObject({ state: 'resolved', resolvedBy: null });
    now += 60 * MIN;
    engine.evaluate('d', []);
    expect(engine.active()).toEqual([]);
  });

  it('snoozes until the end of the service day, and refuses a resolved alert', async () => {
    const alert = only();
    expect(await engine.snooze(alert.id, GIAMDOC, 'end_of_day')).toMatchObject({
      snoozedUntil: Date.UTC(2026, 2, 16, 10, 0),
    });
    now = Date.UTC(2026, 2, 16, 9, 59);
    engine.evaluate('d', [longWait(90)]);
    expect(only().state).toBe('open');
    expect(only().snoozedUntil).toBe(Date.UTC(2026, 2, 16, 10, 0));
    engine.evaluate('d', []);
    const { alert: resolved } = await engine.resolve(alert.id, GIAMDOC, 'xong');
    expect(resolved).toMatchObject({ state: 'resolved', snoozedUntil: null });
    await expect(engine.snooze(alert.id, GIAMDOC, '15m')).rejects.toThrow(/already resolved/);
  });
});
