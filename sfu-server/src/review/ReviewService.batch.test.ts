import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type Counter, type Department, type QueueEvent } from '@counterwatch/shared';
import { AuditLog } from '../audit/AuditLog.js';
import { QueueService } from '../queue/QueueService.js';
import { eventFactory } from '../queue/testing.js';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { ReviewService } from './ReviewService.js';

/**
 * A batch's served tickets become interactions together (one statement, one
 * commit): the rows and flags are those event-by-event recording made — a
 * rating and a comment in the same batch as the service land on it, the
 * officer on duty is named, long services and unsatisfied ratings are flagged.
 */
const T0 = Date.UTC(2026, 11, 4, 1, 0); // 08:00 in Hanoi
const at = (minutes: number): number => T0 + minutes * 60_000;
const department: Department = {
  id: 'd',
  name: 'Phường',
  openingHours: { days: [1, 2, 3, 4, 5], open: '07:30', close: '17:00' },
};
const counters: Counter[] = [
  { id: 'c1', departmentId: 'd', name: 'Quầy 1', services: ['id-card'] },
  { id: 'c2', departmentId: 'd', name: 'Quầy 2', services: ['id-card'] },
];
const logger = pino({ level: 'silent' });

describe('recording a batch’s interactions together', () => {
  let dir: string;
  let storage: SqliteStorage;
  let queue: QueueService;
  let reviews: ReviewService;
  let recorded: Promise<void>[];
  let upserts: { together: number; single: number };
  const clock = { t: at(120) };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-review-batch-'));
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: () => clock.t });
    queue = await QueueService.create({
      storage,
      directory: {
        department: (id) => (id === 'd' ? department : undefined),
        departments: () => [department],
        counter: (id) => counters.find((c) => c.id === id),
        counters: () => counters,
      },
      thresholds: () => DEFAULT_THRESHOLDS,
      logger,
      now: () => clock.t,
      debounceMs: 0,
    });
    upserts = { together: 0, single: 0 };
    // The real store, its upserts counted.
    const store = new Proxy(storage.reviews, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => {
          if (prop === 'upsertInteractions') upserts.together += 1;
          if (prop === 'upsertInteraction') upserts.single += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    reviews = new ReviewService({
      store,
      ticket: (d, t) => queue.ticket(d, t),
      activeTicket: () => undefined,
      usualServiceSeconds: () => 300,
      alertAbout: () => undefined,
      officerAt: async (c, t) => (await storage.officers.onDutyAt(c, t))?.officer ?? null,
      officersAt: async (q) => (await storage.officers.onDutyAtMany(q)).map((s) => s?.officer ?? null),
      audit: new AuditLog({ store: storage.audit, logger, now: () => clock.t }),
      logger,
      now: () => clock.t,
      releaseAfterMs: 0,
    });
    recorded = [];
    // As the server wires it: the process that accepted an event records it.
    queue.on('accepted', (event, _at, own) => {
      if (own) recorded.push(reviews.onEvent(event));
    });
  });

  afterEach(async () => {
    queue.close();
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const e = eventFactory('d');
  const send = async (events: QueueEvent[]): Promise<void> => {
    const result = await queue.ingest({ kind: 'department', departmentId: 'd' }, events);
    expect(result.results.filter((r) => r.status !== 'accepted')).toEqual([]);
    await Promise.all(recorded);
  };

  it('records served tickets with their ratings, officers and flags', async () => {
    await storage.saveDepartment(department);
    for (const c of counters) await storage.saveCounter(c);
    const lan = await storage.officers.create({
      departmentId: 'd',
      displayName: 'Lan',
      badgeNumber: '001',
      pinHash: 'p',
      createdAt: at(0),
      createdBy: 'admin',
    });
    await storage.officers.signIn('c1', lan.id, 'dv-1', at(0));
    const issued = (id: string, n: string) =>
      ({ type: 'ticket.issued', ticketId: id, ticketNumber: n, serviceCode: 'id-card' }) as const;
    await send([
      e({ type: 'counter.opened', counterId: 'c1' }, at(0)),
      e({ type: 'counter.opened', counterId: 'c2' }, at(0)),
      e(issued('long', 'A001'), at(1)),
      e(issued('quick', 'A002'), at(2)),
      e({ type: 'ticket.called', ticketId: 'long', counterId: 'c1' }, at(3)),
      e({ type: 'service.started', ticketId: 'long', counterId: 'c1' }, at(4)),
      e({ type: 'ticket.called', ticketId: 'quick', counterId: 'c2' }, at(5)),
      e({ type: 'service.started', ticketId: 'quick', counterId: 'c2' }, at(5)),
      e({ type: 'service.finished', ticketId: 'quick', counterId: 'c2', outcome: 'completed' }, at(8)),
      e({ type: 'rating.submitted', ticketId: 'quick', counterId: 'c2', rating: 'satisfied' }, at(9)),
      e({ type: 'rating.commented', ticketId: 'quick', counterId: 'c2', comment: 'nhanh' }, at(9)),
      // 60 minutes where 5 are usual, then an unhappy rating: both flagged.
      e({ type: 'service.finished', ticketId: 'long', counterId: 'c1', outcome: 'completed' }, at(64)),
      e(
        {
          type: 'rating.submitted',
          ticketId: 'long',
          counterId: 'c1',
          rating: 'unsatisfied',
          comment: 'lâu',
        },
        at(65),
      ),
    ]);
    // One statement for the batch's two served tickets, none one by one.
    expect(upserts).toEqual({ together: 1, single: 0 });
    const quick = await storage.reviews.findInteraction('d', 'quick');
    const long = await storage.reviews.findInteraction('d', 'long');
    expect(quick).toMatchObject({
      counterId: 'c2',
      ticketNumber: 'A002',
      startedAt: at(5),
      finishedAt: at(8),
      rating: 'satisfied',
      ratingComment: 'nhanh',
      officer: null,
      review: 'none',
    });
    expect(long).toMatchObject({
      counterId: 'c1',
      startedAt: at(4),
      finishedAt: at(64),
      rating: 'unsatisfied',
      ratingComment: 'lâu',
      officer: { id: lan.id, displayName: 'Lan' },
      review: 'pending',
    });
    expect((await storage.reviews.flags([long!.id])).map((f) => [f.reason, f.note])).toEqual([
      ['long_service', '60 min, usually 5 min'],
      ['unsatisfied_rating', 'lâu'],
    ]);
    expect(await storage.reviews.flags([quick!.id])).toEqual([]);

    // A later batch completes what an earlier one recorded (one interaction per ticket).
    await send([
      e({ type: 'rating.commented', ticketId: 'long', counterId: 'c1', comment: 'rất lâu' }, at(66)),
    ]);
    expect(await storage.reviews.findInteraction('d', 'long')).toMatchObject({
      id: long!.id,
      ratingComment: 'rất lâu',
      rating: 'unsatisfied',
    });
    expect(await storage.reviews.listInteractions({ departmentIds: ['d'], limit: 10 })).toHaveLength(2);
  });

  it('records after a start what the log holds and the interactions do not (the process died between)', async () => {
    await storage.saveDepartment(department);
    for (const c of counters) await storage.saveCounter(c);
    const issued = (id: string, n: string) =>
      ({ type: 'ticket.issued', ticketId: id, ticketNumber: n, serviceCode: 'id-card' }) as const;
    await send([
      e(issued('kept', 'A001'), at(1)),
      e({ type: 'ticket.called', ticketId: 'kept', counterId: 'c2' }, at(2)),
      e({ type: 'service.finished', ticketId: 'kept', counterId: 'c2', outcome: 'completed' }, at(6)),
    ]);
    // The process stores these, then dies before recording them.
    queue.removeAllListeners('accepted');
    await send([
      e(issued('lost', 'A002'), at(3)),
      e({ type: 'ticket.called', ticketId: 'lost', counterId: 'c1' }, at(4)),
      e({ type: 'service.started', ticketId: 'lost', counterId: 'c1' }, at(4)),
      e({ type: 'service.finished', ticketId: 'lost', counterId: 'c1', outcome: 'completed' }, at(64)),
      e(
        {
          type: 'rating.submitted',
          ticketId: 'lost',
          counterId: 'c1',
          rating: 'unsatisfied',
          comment: 'lâu',
        },
        at(65),
      ),
    ]);
    expect(await storage.reviews.findInteraction('d', 'lost')).toBeUndefined();

    const restarted = new ReviewService({
      store: storage.reviews,
      ticket: (d, t) => queue.ticket(d, t),
      activeTicket: () => undefined,
      usualServiceSeconds: () => 300,
      alertAbout: () => undefined,
      officerAt: async () => null,
      officersAt: async (q) => q.map(() => null),
      departments: () => ['d'],
      eventsSince: async (id, since) => (await storage.listQueueEvents(id, since)).map((r) => r.event),
      audit: new AuditLog({ store: storage.audit, logger, now: () => clock.t }),
      logger,
      now: () => clock.t,
      releaseAfterMs: 0,
    });
    const flagged: string[] = [];
    restarted.on('flagged', (interaction, reason) => flagged.push(`${interaction.ticketId}:${reason}`));
    // The served ticket and its rating; the one recorded before is left alone.
    expect(await restarted.reconcile()).toBe(2);
    const lost = await storage.reviews.findInteraction('d', 'lost');
    expect(lost).toMatchObject({
      counterId: 'c1',
      finishedAt: at(64),
      rating: 'unsatisfied',
      review: 'pending',
    });
    expect((await storage.reviews.flags([lost!.id])).map((f) => f.reason)).toEqual([
      'long_service',
      'unsatisfied_rating',
    ]);
    expect(flagged).toEqual(['lost:long_service', 'lost:unsatisfied_rating']);
    // Again (another process starting): nothing left to record, nothing told twice.
    expect(await restarted.reconcile()).toBe(0);
    expect(flagged).toHaveLength(2);
    expect(await storage.reviews.listInteractions({ departmentIds: ['d'], limit: 10 })).toHaveLength(2);
  });
});
