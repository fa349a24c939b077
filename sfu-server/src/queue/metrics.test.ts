import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type Counter } from '@counterwatch/shared';
import { DepartmentQueue } from './DepartmentQueue.js';
import { computeMetrics } from './metrics.js';
import { eventFactory } from './testing.js';

const T0 = Date.UTC(2026, 10, 23, 1, 0, 0); // 08:00 in Hanoi
const min = (m: number): number => T0 + m * 60_000;

const counters: Counter[] = [
  { id: 'c1', departmentId: 'd', name: 'Quầy 1', services: ['id-card'] },
  { id: 'c2', departmentId: 'd', name: 'Quầy 2', services: ['id-card', 'permanent-residence'] },
];

/** A morning worked by hand; every expected number below is computed in the comments. */
function scenario(): DepartmentQueue {
  const q = new DepartmentQueue('d', T0 - 4 * 3_600_000);
  const e = eventFactory('d');
  const apply = (body: Parameters<typeof e>[0], m: number): void => q.apply(e(body, min(m)), min(m));
  apply({ type: 'counter.opened', counterId: 'c1' }, 0);
  apply({ type: 'counter.opened', counterId: 'c2' }, 0);
  // t1: wait 5, service 10 min, satisfied
  apply({ type: 'ticket.issued', ticketId: 't1', ticketNumber: 'A001', serviceCode: 'id-card' }, 0);
  apply({ type: 'ticket.called', ticketId: 't1', counterId: 'c1' }, 5);
  apply({ type: 'service.started', ticketId: 't1', counterId: 'c1' }, 6);
  apply({ type: 'service.finished', ticketId: 't1', counterId: 'c1', outcome: 'completed' }, 16);
  apply({ type: 'rating.submitted', ticketId: 't1', counterId: 'c1', rating: 'satisfied' }, 17);
  // t2: wait 6, service 20 min, unsatisfied
  apply({ type: 'ticket.issued', ticketId: 't2', ticketNumber: 'A002', serviceCode: 'id-card' }, 2);
  apply({ type: 'ticket.called', ticketId: 't2', counterId: 'c2' }, 8);
  apply({ type: 'service.started', ticketId: 't2', counterId: 'c2' }, 9);
  apply({ type: 'service.finished', ticketId: 't2', counterId: 'c2', outcome: 'returned' }, 29);
  apply({ type: 'rating.submitted', ticketId: 't2', counterId: 'c2', rating: 'unsatisfied' }, 30);
  // t3: wait 20, no-show
  apply(
    { type: 'ticket.issued', ticketId: 't3', ticketNumber: 'B001', serviceCode: 'permanent-residence' },
    10,
  );
  apply({ type: 'ticket.called', ticketId: 't3', counterId: 'c2' }, 30);
  apply({ type: 'ticket.no_show', ticketId: 't3', counterId: 'c2' }, 33);
  // c2 goes on a break
  apply({ type: 'counter.paused', counterId: 'c2', reason: 'break' }, 35);
  // t4: wait 0, being served at c1 since minute 21
  apply({ type: 'ticket.issued', ticketId: 't4', ticketNumber: 'A003', serviceCode: 'id-card' }, 20);
  apply({ type: 'ticket.called', ticketId: 't4', counterId: 'c1' }, 20);
  apply({ type: 'service.started', ticketId: 't4', counterId: 'c1' }, 21);
  // t5, t6 waiting; t7 cancelled
  apply({ type: 'ticket.issued', ticketId: 't5', ticketNumber: 'A004', serviceCode: 'id-card' }, 40);
  apply(
    { type: 'ticket.issued', ticketId: 't6', ticketNumber: 'B002', serviceCode: 'permanent-residence' },
    50,
  );
  apply({ type: 'ticket.issued', ticketId: 't7', ticketNumber: 'A005', serviceCode: 'id-card' }, 55);
  apply({ type: 'ticket.cancelled', ticketId: 't7' }, 57);
  return q;
}

const metricsAt = (minute: number) =>
  computeMetrics({ queue: scenario(), counters, thresholds: DEFAULT_THRESHOLDS, now: min(minute) });

describe('queue metrics of a hand-worked morning (now = minute 60)', () => {
  const { department: d, counters: byCounter } = metricsAt(60);
  const c1 = byCounter.get('c1')!;
  const c2 = byCounter.get('c2')!;

  it('department: queue, longest wait, waits and service times', () => {
    expect(d.queueLength).toBe(2); // t5, t6
    expect(d.longestWaitSeconds).toBe(20 * 60); // t5 since minute 40
    expect(d.meanWaitSeconds).toBe(465); // waits 5, 6, 20, 0 min → 7.75 min
    expect(d.p90WaitSeconds).toBe(1200); // nearest-rank p90 of [0, 5, 6, 20] min
    expect(d.meanServiceSeconds).toBe(900); // 10 and 20 min
    expect(d.p90ServiceSeconds).toBe(1200);
    expect(d.servedLastHour).toBe(2);
    expect(d.servedToday).toBe(2);
    expect(d.issuedToday).toBe(7);
    expect(d.noShowRate).toBe(0.25); // 1 of 4 called
    expect(d.satisfaction).toBe(0.5);
    expect(d.ratingsToday).toEqual({ satisfied: 1, neutral: 0, unsatisfied: 1 });
    expect(d.openCounters).toBe(1); // c2 is paused
  });

  it('counter states: serving ticket N since t, paused with its reason', () => {
    expect(c1.state).toBe('serving');
    expect(c1.servingTicket).toEqual({
      ticketId: 't4',
      number: 'A003',
      serviceCode: 'id-card',
      since: min(21),
    });
    expect(c2.state).toBe('paused');
    expect(c2.pauseReason).toBe('break');
    expect(c2.stateSince).toBe(min(35));
    expect(c2.servingTicket).toBeNull();
  });

  it('counter queues count only the services each counter can serve', () => {
    expect(c1.queueLength).toBe(1); // t5
    expect(c2.queueLength).toBe(2); // t5, t6
    expect(c1.longestWaitSeconds).toBe(1200);
    expect(c1.oldestWaitingSince).toBe(min(40));
    expect(c1.meanWaitSeconds).toBe(150); // t1 5 min, t4 0 min
    expect(c2.meanWaitSeconds).toBe(780); // t2 6 min, t3 20 min
    expect(c1.noShowRate).toBe(0);
    expect(c2.noShowRate).toBe(0.5);
    expect(c1.satisfaction).toBe(1);
    expect(c2.satisfaction).toBe(0);
    expect(c1.servedToday).toBe(1);
    expect(c2.servedToday).toBe(1);
  });

  it('expected waits per service by Erlang C, unbounded where no counter is open', () => {
    const idCard = d.services.find((s) => s.serviceCode === 'id-card')!;
    // λ = 5/h (t1, t2, t4, t5, t7), fewer than 3 services measured → typical 8 min, c = 1 (c2 paused)
    // a = 5/60 · 8 = 2/3 < 1, M/M/1: Wq = a/(μ−λ) = (2/3)/(1/480 − 5/3600) s = 960 s
    expect(idCard).toMatchObject({
      waiting: 1,
      arrivalsPerHour: 5,
      meanServiceSeconds: 480,
      openCounters: 1,
    });
    expect(idCard.erlangWait).toEqual({ kind: 'finite', seconds: 960 });
    // Behind t5 with c1 busy: 2 completions at μ = 1/480 s — also 960 s, so Erlang C stands.
    expect(idCard.expectedWait).toEqual({ kind: 'finite', seconds: 960 });
    const residence = d.services.find((s) => s.serviceCode === 'permanent-residence')!;
    expect(residence).toMatchObject({ waiting: 1, arrivalsPerHour: 2, openCounters: 0 });
    expect(residence.expectedWait).toEqual({ kind: 'unbounded' });
    expect(c1.expectedWait).toEqual({ kind: 'finite', seconds: 960 });
    expect(c2.expectedWait).toEqual({ kind: 'unbounded' });
  });

  it('ranks pressure: the paused counter with people waiting for it is under more pressure', () => {
    // c2: expected wait unbounded → 2; c1: max(1/8, 1200/1800, 960/1800) = 0.67
    expect(c2.pressure).toBe(2);
    expect(c1.pressure).toBeCloseTo(0.67, 2);
  });
});

describe('the same morning two hours later, nothing new issued', () => {
  const { department: d, counters: byCounter } = metricsAt(180);

  it('a new ticket still waits behind the backlog, though Erlang C with λ = 0 says no wait', () => {
    const idCard = d.services.find((s) => s.serviceCode === 'id-card')!;
    expect(idCard).toMatchObject({ waiting: 1, arrivalsPerHour: 0, openCounters: 1 });
    expect(idCard.erlangWait).toEqual({ kind: 'finite', seconds: 0 });
    // t5 ahead, c1 busy: 2 completions × 480 s
    expect(idCard.expectedWait).toEqual({ kind: 'finite', seconds: 960 });
    // No arrivals to weigh c1's services by: the longest of them.
    expect(byCounter.get('c1')!.expectedWait).toEqual({ kind: 'finite', seconds: 960 });
  });
});

describe('order of arrival does not change the result', () => {
  it('gives the same metrics for any permutation of the same events', () => {
    const e = eventFactory('d');
    const events = [
      e({ type: 'counter.opened', counterId: 'c1' }, min(0)),
      e({ type: 'ticket.issued', ticketId: 'x', ticketNumber: 'A001', serviceCode: 'id-card' }, min(1)),
      e({ type: 'ticket.called', ticketId: 'x', counterId: 'c1' }, min(3)),
      e({ type: 'ticket.recalled', ticketId: 'x', counterId: 'c1' }, min(4)),
      e({ type: 'service.started', ticketId: 'x', counterId: 'c1' }, min(5)),
      e({ type: 'service.finished', ticketId: 'x', counterId: 'c1', outcome: 'completed' }, min(12)),
      e({ type: 'counter.paused', counterId: 'c1', reason: 'meeting' }, min(13)),
    ];
    const run = (order: number[]) => {
      const q = new DepartmentQueue('d', T0 - 3_600_000);
      for (const i of order) q.apply(events[i]!, events[i]!.occurredAt);
      return computeMetrics({ queue: q, counters, thresholds: DEFAULT_THRESHOLDS, now: min(30) });
    };
    const forward = run([0, 1, 2, 3, 4, 5, 6]);
    const backward = run([6, 5, 4, 3, 2, 1, 0]);
    const shuffled = run([3, 6, 0, 5, 1, 4, 2]);
    expect(backward).toEqual(forward);
    expect(shuffled).toEqual(forward);
    expect(forward.counters.get('c1')!.state).toBe('paused');
  });

  it('orders one source by its sequence numbers, not by its (wrong) timestamps', () => {
    const q = new DepartmentQueue('d', T0 - 3_600_000);
    const e = eventFactory('d', 'panel:c1');
    // The panel's clock jumped back: "closed" (seq 2) carries an earlier time than "opened" (seq 1).
    const opened = e({ type: 'counter.opened', counterId: 'c1' }, min(10));
    const closed = e({ type: 'counter.closed', counterId: 'c1' }, min(9));
    q.apply(closed, closed.occurredAt);
    q.apply(opened, opened.occurredAt);
    expect(q.counterStatus('c1')?.type).toBe('counter.closed');
  });
});
