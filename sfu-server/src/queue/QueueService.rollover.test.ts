import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, businessDayLabel, type QueueEvent } from '@counterwatch/shared';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { QueueService } from './QueueService.js';
import { eventFactory, oneWardDirectory } from './testing.js';

/**
 * What a user sees when the business day turns at 04:00 Vietnam time
 * (21:00 UTC): tickets still open are left open with the old day, counted in
 * its summary and shown today; any later event about one brings it back;
 * late events of the old day still land; a restart sees the same.
 */
const TURN = Date.UTC(2026, 11, 3, 21, 0); // 2026-12-04 04:00 in Hanoi
const at = (minutes: number): number => TURN + minutes * 60_000;
const directory = oneWardDirectory();
const logger = pino({ level: 'silent' });

describe('the business day turning at 04:00', () => {
  let dir: string;
  let storage: SqliteStorage;
  let clock: { t: number };
  let service: QueueService;
  const e = eventFactory('d');
  const origin = { kind: 'department', departmentId: 'd' } as const;

  const create = async (): Promise<QueueService> =>
    QueueService.create({
      storage,
      directory,
      thresholds: () => DEFAULT_THRESHOLDS,
      logger,
      now: () => clock.t,
      debounceMs: 0,
    });
  const send = async (...events: QueueEvent[]): Promise<void> => {
    const result = await service.ingest(origin, events);
    expect(result.results.filter((r) => r.status !== 'accepted')).toEqual([]);
  };
  const metrics = () => service.refresh('d')!;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-rollover-'));
    clock = { t: at(-30) };
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: () => clock.t });
    service = await create();
    // 03:30–03:59: one served, one being served, one called, two waiting.
    clock.t = at(-1);
    await send(
      e({ type: 'counter.opened', counterId: 'c1' }, at(-30)),
      e({ type: 'counter.opened', counterId: 'c2' }, at(-30)),
      e({ type: 'ticket.issued', ticketId: 'done', ticketNumber: 'A001', serviceCode: 'id-card' }, at(-29)),
      e({ type: 'ticket.called', ticketId: 'done', counterId: 'c1' }, at(-28)),
      e({ type: 'service.started', ticketId: 'done', counterId: 'c1' }, at(-28)),
      e({ type: 'service.finished', ticketId: 'done', counterId: 'c1', outcome: 'completed' }, at(-20)),
      e(
        { type: 'ticket.issued', ticketId: 'serving', ticketNumber: 'A002', serviceCode: 'id-card' },
        at(-25),
      ),
      e({ type: 'ticket.called', ticketId: 'serving', counterId: 'c1' }, at(-19)),
      e({ type: 'service.started', ticketId: 'serving', counterId: 'c1' }, at(-19)),
      e({ type: 'ticket.issued', ticketId: 'called', ticketNumber: 'A003', serviceCode: 'id-card' }, at(-15)),
      e({ type: 'ticket.called', ticketId: 'called', counterId: 'c2' }, at(-2)),
      e({ type: 'ticket.issued', ticketId: 'w1', ticketNumber: 'A004', serviceCode: 'id-card' }, at(-10)),
      e({ type: 'ticket.issued', ticketId: 'w2', ticketNumber: 'A005', serviceCode: 'id-card' }, at(-5)),
    );
    const before = metrics();
    expect(before.department).toMatchObject({ queueLength: 2, servedToday: 1, issuedToday: 5 });
    expect(before.counters.get('c1')?.state).toBe('serving');
  });

  afterEach(async () => {
    service.close();
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('leaves open tickets with the old day: counted there, shown today, nothing in today’s queue', async () => {
    clock.t = at(0);
    const m = metrics();
    expect(m.department).toMatchObject({
      queueLength: 0,
      servedToday: 0,
      issuedToday: 0,
      openFromPreviousDay: 4,
      resumedFromPreviousDay: 0,
    });
    // Counters start the day closed: no "serving" without its ticket.
    expect(m.counters.get('c1')).toMatchObject({ state: 'closed', servingTicket: null });
    expect(m.counters.get('c2')).toMatchObject({ state: 'closed', servingTicket: null });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const [yesterday] = await storage.listDailyAggregates('d', '2026-12-03', '2026-12-03');
    expect(yesterday).toMatchObject({ day: '2026-12-03', issued: 5, served: 1, leftOpen: 4 });
    expect(businessDayLabel(at(0))).toBe('2026-12-04');
  });

  it('brings a left-open ticket back with its history when anything happens to it today', async () => {
    clock.t = at(5);
    await send(
      e({ type: 'service.finished', ticketId: 'serving', counterId: 'c1', outcome: 'completed' }, at(4)),
      e({ type: 'ticket.called', ticketId: 'w1', counterId: 'c2' }, at(5)),
    );
    const m = metrics();
    expect(m.department).toMatchObject({
      openFromPreviousDay: 2,
      resumedFromPreviousDay: 2,
      servedToday: 1,
      issuedToday: 0,
      queueLength: 0,
    });
    // The finished service kept its start from last night: 23 minutes.
    expect(service.ticket('d', 'serving')).toMatchObject({ startedAt: at(-19), finishedAt: at(4) });
    expect(m.counters.get('c2')).toMatchObject({ state: 'calling' });
    expect(m.counters.get('c2')?.servingTicket?.number).toBe('A004');
  });

  it('takes a late event of the old day into the old day, and out of the left-open ones', async () => {
    const accepted: string[] = [];
    service.on('accepted', (event) => accepted.push(event.type));
    clock.t = at(2);
    // Finished at 03:59, delivered at 04:02 (an outbox catching up); a rating of last night too.
    await send(
      e({ type: 'service.finished', ticketId: 'serving', counterId: 'c1', outcome: 'completed' }, at(-1)),
      e({ type: 'rating.submitted', ticketId: 'done', counterId: 'c1', rating: 'unsatisfied' }, at(-1)),
    );
    // Both reach the reviews and alerts (an unsatisfied rating of last night is still flagged).
    expect(accepted).toEqual(['service.finished', 'rating.submitted']);
    expect(service.ticket('d', 'done')?.rating).toBe('unsatisfied');
    const m = metrics();
    expect(m.department).toMatchObject({ openFromPreviousDay: 3, resumedFromPreviousDay: 0, servedToday: 0 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const [yesterday] = await storage.listDailyAggregates('d', '2026-12-03', '2026-12-03');
    expect(yesterday).toMatchObject({ served: 2, leftOpen: 3, satisfaction: 0 });
  });

  it('a ticket of last night first heard of after the turn is left open too, and can come back', async () => {
    clock.t = at(2);
    await send(
      e({ type: 'ticket.issued', ticketId: 'late', ticketNumber: 'A006', serviceCode: 'id-card' }, at(-3)),
    );
    expect(metrics().department).toMatchObject({ openFromPreviousDay: 5, queueLength: 0 });
    clock.t = at(4);
    await send(e({ type: 'ticket.called', ticketId: 'late', counterId: 'c2' }, at(4)));
    expect(metrics().department).toMatchObject({ openFromPreviousDay: 4, resumedFromPreviousDay: 1 });
    expect(metrics().counters.get('c2')?.servingTicket?.number).toBe('A006');
  });

  it('a restart after the turn sees the same as the running service', async () => {
    clock.t = at(5);
    await send(
      e({ type: 'ticket.called', ticketId: 'w1', counterId: 'c2' }, at(5)),
      e({ type: 'ticket.issued', ticketId: 'new', ticketNumber: 'A001', serviceCode: 'id-card' }, at(5)),
    );
    clock.t = at(20);
    const live = metrics();
    service.close();
    service = await create();
    const rebuilt = metrics();
    expect(rebuilt.department).toEqual(live.department);
    expect(rebuilt.counters).toEqual(live.counters);
    expect(rebuilt.department).toMatchObject({
      openFromPreviousDay: 3,
      resumedFromPreviousDay: 1,
      issuedToday: 1,
      queueLength: 1,
    });
  });

  it('a restart long after (server down over the turn) still sums up the old day', async () => {
    service.close();
    clock.t = at(3 * 60);
    service = await create();
    expect(metrics().department).toMatchObject({ openFromPreviousDay: 4, queueLength: 0 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const [yesterday] = await storage.listDailyAggregates('d', '2026-12-03', '2026-12-03');
    expect(yesterday).toMatchObject({ issued: 5, served: 1, leftOpen: 4 });
  });
});
