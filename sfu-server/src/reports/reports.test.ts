import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  ReportQuerySchema,
  type Counter,
  type Department,
  type QueueEvent,
  type User,
} from '@counterwatch/shared';
import { AuditLog } from '../audit/AuditLog.js';
import { QueueService } from '../queue/QueueService.js';
import { eventFactory } from '../queue/testing.js';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { reportSpan } from './periods.js';
import { ReportScheduler } from './ReportScheduler.js';
import { ReportService } from './ReportService.js';

const TURN = Date.UTC(2026, 11, 3, 21, 0); // Friday 2026-12-04 04:00 in Hanoi
const MIN = 60_000;
const at = (minutes: number): number => TURN + minutes * MIN;
const departments: Department[] = [
  { id: 'd', name: 'Phường A', openingHours: { days: [1, 2, 3, 4, 5], open: '07:30', close: '17:00' } },
  { id: 'e', name: 'Phường B', openingHours: { days: [1, 2, 3, 4, 5], open: '07:30', close: '17:00' } },
];
const counters: Counter[] = [
  { id: 'c1', departmentId: 'd', name: 'Quầy 1', services: ['id-card'] },
  { id: 'c2', departmentId: 'd', name: 'Quầy 2', services: ['id-card'] },
  { id: 'e1', departmentId: 'e', name: 'Quầy 1', services: ['id-card'] },
];
const directory = {
  department: (id: string) => departments.find((d) => d.id === id),
  departments: () => departments,
  counter: (id: string) => counters.find((c) => c.id === id),
  counters: () => counters,
};
const logger = pino({ level: 'silent' });
const director: User = {
  id: 1,
  username: 'director',
  displayName: 'Giám đốc',
  roles: ['director'],
  departmentIds: null,
};
const head: User = {
  id: 2,
  username: 'head',
  displayName: 'Trưởng B',
  roles: ['head'],
  departmentIds: ['e'],
};
const actor = { userId: 1, username: 'director', ip: null };

describe('periods', () => {
  const q = (input: Record<string, unknown>) => ReportQuerySchema.parse(input);
  it('day, week (Monday–Sunday), month: business days from 04:00 Vietnam time', () => {
    const now = at(6 * 60); // Friday 10:00
    const day = reportSpan(q({ period: 'day' }), now);
    expect(day).toMatchObject({ label: '2026-12-04', from: TURN, to: now, partial: true });
    expect(day.previousFrom).toBe(TURN - 24 * 60 * MIN);
    expect(day.previousTo).toBe(now - 24 * 60 * MIN);
    const week = reportSpan(q({ period: 'week' }), now);
    expect(week.label).toBe('2026-W49');
    expect(week.from).toBe(TURN - 4 * 24 * 60 * MIN); // Monday 30 November 04:00
    const month = reportSpan(q({ period: 'month', date: '2026-11-15' }), now);
    expect(month).toMatchObject({ label: '2026-11', partial: false });
    expect(month.to - month.from).toBe(30 * 24 * 60 * MIN);
    expect(month.previousTo - month.previousFrom).toBe(30 * 24 * 60 * MIN); // October, cut to November's length
  });
  it('refuses what cannot be reported: the future, too long, mixed fields', () => {
    const now = at(60);
    expect(() => reportSpan(q({ period: 'day', date: '2026-12-05' }), now)).toThrow(/not begun/);
    expect(() => reportSpan(q({ period: 'custom', from: '2026-01-01', to: '2026-12-01' }), now)).toThrow(
      /at most/,
    );
    expect(ReportQuerySchema.safeParse({ period: 'day', from: '2026-12-01' }).success).toBe(false);
    expect(ReportQuerySchema.safeParse({ period: 'custom' }).success).toBe(false);
    expect(ReportQuerySchema.safeParse({ period: 'day', date: '2026-02-30' }).success).toBe(false);
    expect(ReportQuerySchema.safeParse({ period: 'day', extra: '1' }).success).toBe(false);
  });
});

describe('reports from the event log', () => {
  let dir: string;
  let storage: SqliteStorage;
  let clock: { t: number };
  let queue: QueueService;
  let reports: ReportService;
  const e = eventFactory('d');
  const f = eventFactory('e');

  const send = async (departmentId: string, ...events: QueueEvent[]): Promise<void> => {
    const result = await queue.ingest({ kind: 'department', departmentId }, events);
    expect(result.results.filter((r) => r.status !== 'accepted')).toEqual([]);
  };
  const served = (
    make: typeof e,
    id: string,
    counterId: string,
    issued: number,
    wait: number,
    service: number,
  ) => [
    make(
      {
        type: 'ticket.issued',
        ticketId: id,
        ticketNumber: `A${id.replace(/\D/g, '').padStart(3, '0')}`,
        serviceCode: 'id-card',
      },
      at(issued),
    ),
    make({ type: 'ticket.called', ticketId: id, counterId }, at(issued + wait)),
    make({ type: 'service.started', ticketId: id, counterId }, at(issued + wait)),
    make(
      { type: 'service.finished', ticketId: id, counterId, outcome: 'completed' },
      at(issued + wait + service),
    ),
  ];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-reports-'));
    clock = { t: at(-60) };
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: () => clock.t });
    queue = await QueueService.create({
      storage,
      directory,
      thresholds: () => DEFAULT_THRESHOLDS,
      logger,
      now: () => clock.t,
      debounceMs: 0,
    });
    reports = new ReportService({
      storage,
      directory,
      audit: new AuditLog({ store: storage.audit, logger, now: () => clock.t }),
      logger,
      now: () => clock.t,
    });
    // Thursday evening: two served, one still open when the day turns (it is finished on Friday).
    clock.t = at(-30);
    await send('d', ...served(e, 't1', 'c1', -300, 5, 10), ...served(e, 't2', 'c2', -200, 20, 12));
    await send(
      'd',
      e({ type: 'ticket.issued', ticketId: 't3', ticketNumber: 'A003', serviceCode: 'id-card' }, at(-40)),
      e({ type: 'ticket.called', ticketId: 't3', counterId: 'c1' }, at(-35)),
      e({ type: 'service.started', ticketId: 't3', counterId: 'c1' }, at(-34)),
    );
    // Friday morning.
    clock.t = at(6 * 60);
    await send(
      'd',
      e({ type: 'service.finished', ticketId: 't3', counterId: 'c1', outcome: 'completed' }, at(200)),
    );
    await send(
      'd',
      ...served(e, 't4', 'c1', 210, 3, 8),
      ...served(e, 't5', 'c2', 240, 30, 15),
      ...served(e, 't6', 'c1', 300, 50, 6),
    );
    await send(
      'd',
      e({ type: 'ticket.issued', ticketId: 't7', ticketNumber: 'A007', serviceCode: 'id-card' }, at(320)),
      e({ type: 'ticket.called', ticketId: 't7', counterId: 'c2' }, at(330)),
      e({ type: 'ticket.no_show', ticketId: 't7', counterId: 'c2' }, at(335)),
      e({ type: 'rating.submitted', ticketId: 't4', counterId: 'c1', rating: 'satisfied' }, at(222)),
      e({ type: 'rating.submitted', ticketId: 't5', counterId: 'c2', rating: 'unsatisfied' }, at(286)),
      e({ type: 'ticket.issued', ticketId: 't8', ticketNumber: 'A008', serviceCode: 'id-card' }, at(340)),
    );
    await send('e', ...served(f, 'u1', 'e1', 250, 2, 9));
  });

  afterEach(async () => {
    queue.close();
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("today's figures equal the live metrics, department and counters, across a ticket resumed from last night", async () => {
    const live = queue.refresh('d')!;
    const report = await reports.generate(director, actor, ReportQuerySchema.parse({ period: 'day' }));
    const d = report.departments.find((x) => x.id === 'd')!;
    expect(d.figures).toMatchObject({
      served: live.department.servedToday,
      issued: live.department.issuedToday,
      noShowRate: live.department.noShowRate,
      satisfaction: live.department.satisfaction,
      ratings: live.department.ratingsToday,
      meanServiceSeconds: live.department.meanServiceSeconds,
      p90ServiceSeconds: live.department.p90ServiceSeconds,
    });
    expect(d.figures.served).toBe(4); // t3 (resumed), t4, t5, t6
    for (const c of d.counters) {
      const q = live.counters.get(c.id)!;
      expect(c.figures.served, c.id).toBe(q.servedToday);
      expect(c.figures.meanServiceSeconds, c.id).toBe(q.meanServiceSeconds);
      expect(c.figures.p90ServiceSeconds, c.id).toBe(q.p90ServiceSeconds);
      expect(c.figures.satisfaction, c.id).toBe(q.satisfaction);
      expect(c.figures.rated, c.id).toBe(q.ratedToday);
      expect(c.figures.noShowRate, c.id).toBe(q.noShowRate);
    }
    // Waits over the live metrics' own window: the last hour.
    const hour = await reports.generate(
      director,
      actor,
      ReportQuerySchema.parse({ period: 'custom', fromAt: clock.t - 60 * MIN, toAt: clock.t + 1 }),
    );
    const dh = hour.departments.find((x) => x.id === 'd')!;
    expect(dh.figures.meanWaitSeconds).toBe(live.department.meanWaitSeconds);
    expect(dh.figures.p90WaitSeconds).toBe(live.department.p90WaitSeconds);
    expect(dh.figures.waits).toBeGreaterThan(0);
    // Compared with yesterday as far as the same hour (04:00–10:00): Thursday's two were served in the evening.
    expect(d.previous.served).toBe(0);
    const thursday = await reports.generate(
      director,
      actor,
      ReportQuerySchema.parse({ period: 'day', date: '2026-12-03' }),
    );
    expect(thursday.partial).toBe(false);
    expect(thursday.departments.find((x) => x.id === 'd')?.figures).toMatchObject({
      served: 2,
      issued: 3,
      called: 3,
    });
    // 15-minute target: waits of t5 (30 min) and t6 (50 min) over it, among 4 calls today (t3's was yesterday).
    expect(d.figures.waits).toBe(4);
    expect(d.figures.overTargetShare).toBe(0.5);
    // Ranked: e (all within target) before d.
    expect(report.ranking.entries.map((r) => [r.departmentId, r.rank])).toEqual([
      ['e', 1],
      ['d', 2],
    ]);
    expect(report.total.figures.served).toBe(5);
    const audit = await storage.audit.list({ limit: 10 });
    expect(audit.filter((a) => a.action === 'report.generate')).toHaveLength(3);
  });

  it('a head gets their department only; another department is not found', async () => {
    const report = await reports.generate(head, actor, ReportQuerySchema.parse({ period: 'week' }));
    expect(report.scope).toBe('scope');
    expect(report.departments.map((d) => d.id)).toEqual(['e']);
    expect(report.total.figures.served).toBe(1);
    await expect(
      reports.generate(head, actor, ReportQuerySchema.parse({ period: 'day', departmentId: 'd' })),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('the schedule prepares yesterday and last week an hour after the day turns, once', async () => {
    const scheduler = new ReportScheduler({
      reports,
      directory,
      settings: storage.settings,
      audit: new AuditLog({ store: storage.audit, logger, now: () => clock.t }),
      logger,
      now: () => clock.t,
    });
    clock.t = at(24 * 60 + 30); // Saturday 04:30: too early
    await scheduler.runDue();
    expect(await scheduler.list(director)).toEqual([]);
    clock.t = at(24 * 60 + 70); // Saturday 05:10
    // Another server process holds the writer lease: it prepares them, not this one.
    const follower = new ReportScheduler({
      reports,
      directory,
      settings: storage.settings,
      audit: new AuditLog({ store: storage.audit, logger, now: () => clock.t }),
      logger,
      now: () => clock.t,
      leads: () => false,
    });
    await follower.runDue();
    expect(await scheduler.list(director)).toEqual([]);
    await follower.close();
    await scheduler.runDue();
    await scheduler.runDue();
    const list = await scheduler.list(director);
    expect(list.map((r) => r.id)).toEqual(['week:2026-W48', 'day:2026-12-04']);
    expect(list.find((r) => r.id === 'day:2026-12-04')).toMatchObject({ served: 5 });
    expect((await scheduler.list(head)).find((r) => r.id === 'day:2026-12-04')).toMatchObject({ served: 1 });
    await scheduler.close();
  });
});
