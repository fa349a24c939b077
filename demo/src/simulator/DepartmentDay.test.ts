import { QueueEventSchema, SERVICES, type QueueEvent } from '@counterwatch/shared';
import { describe, expect, it } from 'vitest';
import { DepartmentDay, type DepartmentDayOptions, type SimCounter } from './DepartmentDay.js';
import { summarizeDay } from './summary.js';

/** 07:30 in Hanoi (UTC+7) on a Monday. */
const OPENED_AT = Date.UTC(2025, 0, 6, 0, 30);
const CLOSING_MS = 570 * 60_000;

/** Four counters with overlapping service sets that together cover the catalogue. */
const FOUR: SimCounter[] = [
  { id: 'c1', services: ['id-card', 'passport', 'criminal-record'] },
  { id: 'c2', services: ['id-card', 'temporary-residence', 'permanent-residence'] },
  { id: 'c3', services: ['vehicle-registration', 'driving-licence', 'traffic-violation'] },
  {
    id: 'c4',
    services: ['temporary-residence', 'permanent-residence', 'vehicle-registration', 'seal-registration'],
  },
];
const ALL = SERVICES.map((s) => s.code);
const many = (n: number): SimCounter[] =>
  Array.from({ length: n }, (_, i) => ({ id: `c${i + 1}`, services: ALL }));

function simulate(seed: number, options: Partial<DepartmentDayOptions> = {}): QueueEvent[] {
  const day = new DepartmentDay({
    departmentId: 'ward-1',
    counters: FOUR,
    seed,
    stamp: (t) => OPENED_AT + t,
    ...options,
  });
  const events = day.runToEnd();
  expect(day.finished).toBe(true);
  return events;
}

const disjoint = (a: string[], b: string[]): boolean => {
  const seen = new Set(a);
  return !b.some((x) => seen.has(x));
};
const ticketOf = (e: QueueEvent): string | undefined => ('ticketId' in e ? e.ticketId : undefined);
const counterOf = (e: QueueEvent): string | undefined => ('counterId' in e ? e.counterId : undefined);

describe('DepartmentDay', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = simulate(1);
    expect(simulate(1)).toEqual(a);
    const b = simulate(2);
    expect(b).not.toEqual(a);
    expect(
      disjoint(
        a.map((e) => e.id),
        b.map((e) => e.id),
      ),
    ).toBe(true);
  });

  it('does not depend on how advanceTo is sliced', () => {
    const whole = simulate(3);
    const day = new DepartmentDay({
      departmentId: 'ward-1',
      counters: FOUR,
      seed: 3,
      stamp: (t) => OPENED_AT + t,
    });
    const sliced: QueueEvent[] = [];
    for (let t = 0; !day.finished; t += 37_000) sliced.push(...day.advanceTo(t));
    expect(sliced).toEqual(whole);
    expect(day.advanceTo(0)).toEqual([]);
  });

  it('gives departments with the same seed different days and ids', () => {
    const a = simulate(4);
    const b = simulate(4, { departmentId: 'ward-2' });
    expect(b.map((e) => e.occurredAt)).not.toEqual(a.map((e) => e.occurredAt));
    expect(
      disjoint(
        a.map((e) => e.id),
        b.map((e) => e.id),
      ),
    ).toBe(true);
    expect(b.every((e) => e.departmentId === 'ward-2')).toBe(true);
  });

  it('emits only schema-valid events with unique ids, in time order', () => {
    for (const seed of [1, 2, 3]) {
      const events = simulate(seed);
      for (const e of events) expect(QueueEventSchema.parse(e)).toEqual(e);
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      for (let i = 1; i < events.length; i++) {
        expect(events[i]!.occurredAt).toBeGreaterThanOrEqual(events[i - 1]!.occurredAt);
      }
      for (const e of events) {
        expect(e.id).toMatch(/^sim-\d+-ward-1-e\d+$/);
        const ticket = ticketOf(e);
        if (ticket !== undefined) expect(ticket).toMatch(/^sim-\d+-ward-1-t\d+$/);
        if (e.type === 'ticket.issued') expect(e.ticketNumber).toMatch(/^[A-I]\d{3}$/);
      }
    }
  });

  it('gets about dailyCitizens arrivals with the busiest hour in the morning peak', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const summary = summarizeDay(simulate(seed), { openedAt: OPENED_AT });
      expect(summary.arrivals).toBeGreaterThanOrEqual(240);
      expect(summary.arrivals).toBeLessThanOrEqual(360);
      expect([9, 10]).toContain(summary.busiestHour);
      // The lunch hour is quieter than either neighbour of the afternoon.
      expect(summary.arrivalsByHour[12] ?? 0).toBeLessThan(summary.arrivalsByHour[14] ?? 0);
    }
    const small = summarizeDay(simulate(1, { dailyCitizens: 60 }), { openedAt: OPENED_AT });
    expect(small.arrivals).toBeGreaterThan(35);
    expect(small.arrivals).toBeLessThan(85);
  });

  it('numbers tickets per service letter with a running number', () => {
    const next = new Map<string, number>();
    for (const e of simulate(5)) {
      if (e.type !== 'ticket.issued') continue;
      const letter = e.ticketNumber[0]!;
      const n = (next.get(letter) ?? 0) + 1;
      next.set(letter, n);
      expect(e.ticketNumber).toBe(`${letter}${String(n).padStart(3, '0')}`);
      expect(String.fromCharCode(65 + ALL.indexOf(e.serviceCode as (typeof ALL)[number]))).toBe(letter);
    }
  });

  it('numbers each source 1..n, increasing in time', () => {
    const events = simulate(6);
    const bySource = new Map<string, QueueEvent[]>();
    for (const e of events) bySource.set(e.source.id, [...(bySource.get(e.source.id) ?? []), e]);
    expect([...bySource.keys()].sort()).toEqual(
      ['sim:kiosk', ...FOUR.flatMap((c) => [`sim:counter:${c.id}`, `sim:rating:${c.id}`])].sort(),
    );
    for (const [source, list] of bySource) {
      list.forEach((e, i) => {
        expect(e.source.seq).toBe(i + 1);
        if (i > 0) expect(e.occurredAt).toBeGreaterThanOrEqual(list[i - 1]!.occurredAt);
        const expectedSource =
          e.type === 'ticket.issued' || e.type === 'ticket.cancelled'
            ? 'sim:kiosk'
            : e.type === 'rating.submitted'
              ? `sim:rating:${e.counterId}`
              : `sim:counter:${counterOf(e) ?? '?'}`;
        expect(source).toBe(expectedSource);
      });
    }
  });

  it('keeps every ticket lifecycle consistent', () => {
    for (const counters of [FOUR, many(8)]) {
      const events = simulate(7, { counters });
      type Stage = 'waiting' | 'called' | 'serving' | 'finished' | 'rated' | 'cancelled' | 'no_show';
      const stage = new Map<string, Stage>();
      const calledBy = new Map<string, string>();
      const recalls = new Map<string, number>();
      for (const e of events) {
        const ticket = ticketOf(e);
        if (ticket === undefined) continue;
        const s = stage.get(ticket);
        switch (e.type) {
          case 'ticket.issued':
            expect(s).toBeUndefined();
            stage.set(ticket, 'waiting');
            break;
          case 'ticket.cancelled':
            expect(s).toBe('waiting');
            stage.set(ticket, 'cancelled');
            break;
          case 'ticket.called':
            expect(s).toBe('waiting');
            stage.set(ticket, 'called');
            calledBy.set(ticket, e.counterId);
            break;
          case 'ticket.recalled':
            expect(s).toBe('called');
            expect(e.counterId).toBe(calledBy.get(ticket));
            recalls.set(ticket, (recalls.get(ticket) ?? 0) + 1);
            expect(recalls.get(ticket)).toBeLessThanOrEqual(2);
            break;
          case 'ticket.no_show':
            expect(s).toBe('called');
            expect(recalls.get(ticket)).toBeGreaterThanOrEqual(1);
            expect(e.counterId).toBe(calledBy.get(ticket));
            stage.set(ticket, 'no_show');
            break;
          case 'service.started':
            expect(s).toBe('called');
            expect(e.counterId).toBe(calledBy.get(ticket));
            stage.set(ticket, 'serving');
            break;
          case 'service.finished':
            expect(s).toBe('serving');
            expect(e.counterId).toBe(calledBy.get(ticket));
            stage.set(ticket, 'finished');
            break;
          case 'rating.submitted':
            expect(s).toBe('finished');
            expect(e.counterId).toBe(calledBy.get(ticket));
            stage.set(ticket, 'rated');
            break;
          case 'counter.opened':
          case 'counter.paused':
          case 'counter.closed':
          case 'rating.commented': // the simulated citizens comment with their rating
            throw new Error(`unexpected ticket event ${e.type}`);
        }
      }
      // Every ticket ends somewhere: nobody is left waiting or half-served at the end of the day.
      for (const s of stage.values()) expect(['finished', 'rated', 'cancelled', 'no_show']).toContain(s);
    }
  });

  it('serves one ticket at a time per counter, only its services, longest-waiting first', () => {
    for (const seed of [8, 9]) {
      const events = simulate(seed);
      const services = new Map(FOUR.map((c) => [c.id, new Set(c.services)]));
      const serviceOf = new Map<string, string>();
      const waiting: { ticket: string; service: string }[] = [];
      const inHand = new Map<string, string | undefined>();
      for (const e of events) {
        switch (e.type) {
          case 'ticket.issued':
            serviceOf.set(e.ticketId, e.serviceCode);
            waiting.push({ ticket: e.ticketId, service: e.serviceCode });
            break;
          case 'ticket.cancelled':
            waiting.splice(
              waiting.findIndex((w) => w.ticket === e.ticketId),
              1,
            );
            break;
          case 'ticket.called': {
            const own = services.get(e.counterId)!;
            expect(own.has(serviceOf.get(e.ticketId)!)).toBe(true);
            expect(inHand.get(e.counterId)).toBeUndefined();
            inHand.set(e.counterId, e.ticketId);
            // FIFO: the called ticket is the earliest-issued waiting ticket this counter serves.
            const first = waiting.find((w) => own.has(w.service));
            expect(first?.ticket).toBe(e.ticketId);
            waiting.splice(waiting.indexOf(first!), 1);
            break;
          }
          case 'ticket.recalled':
          case 'service.started':
            expect(inHand.get(e.counterId)).toBe(e.ticketId);
            break;
          case 'ticket.no_show':
          case 'service.finished':
            expect(inHand.get(e.counterId!)).toBe(e.ticketId);
            inHand.set(e.counterId!, undefined);
            break;
          case 'counter.paused':
          case 'counter.closed':
            expect(inHand.get(e.counterId)).toBeUndefined();
            break;
          case 'counter.opened':
          case 'rating.submitted':
          case 'rating.commented':
            break;
        }
      }
    }
  });

  it('opens, pauses, resumes and closes every counter', () => {
    for (const counters of [FOUR, many(10)]) {
      const events = simulate(10, { counters });
      for (const c of counters) {
        const own = events.filter((e) => counterOf(e) === c.id && e.source.id === `sim:counter:${c.id}`);
        expect(own[0]?.type).toBe('counter.opened');
        expect(own.at(-1)?.type).toBe('counter.closed');
        expect(own.filter((e) => e.type === 'counter.closed')).toHaveLength(1);
        const status = own.filter((e) => e.type.startsWith('counter.'));
        status.forEach((e, i) => {
          // Paused is always followed by opened (resume) or closed; opened never twice in a row.
          if (i === 0) return;
          const prev = status[i - 1]!.type;
          if (e.type === 'counter.opened') expect(prev).toBe('counter.paused');
          if (e.type === 'counter.paused') expect(prev).toBe('counter.opened');
        });
        const breaks = own.filter((e) => e.type === 'counter.paused' && e.reason === 'break');
        expect(breaks.length).toBeGreaterThanOrEqual(2);
        expect(breaks.length).toBeLessThanOrEqual(4);
      }
      // No ratings are pending after the last counter closed.
      expect(events.at(-1)?.type).toMatch(/^(counter\.closed|rating\.submitted)$/);
    }
  });

  it('sends a large backlog home at closing time but serves a small one in overtime', () => {
    // Four counters cannot serve 300 citizens: the waiting tickets are cancelled at 17:00.
    const overloaded = simulate(11);
    const cancelledAtClose = overloaded.filter(
      (e) => e.type === 'ticket.cancelled' && e.occurredAt === OPENED_AT + CLOSING_MS,
    );
    expect(cancelledAtClose.length).toBeGreaterThan(20);
    expect(overloaded.some((e) => e.type === 'ticket.issued' && e.occurredAt >= OPENED_AT + CLOSING_MS)).toBe(
      false,
    );
    for (const e of overloaded.filter((e) => e.occurredAt > OPENED_AT + CLOSING_MS)) {
      // After closing only the citizens in hand are finished off.
      expect([
        'ticket.recalled',
        'service.started',
        'service.finished',
        'ticket.no_show',
        'counter.closed',
        'rating.submitted',
      ]).toContain(e.type);
    }
    const lastClose = Math.max(
      ...overloaded.filter((e) => e.type === 'counter.closed').map((e) => e.occurredAt),
    );
    expect(lastClose - (OPENED_AT + CLOSING_MS)).toBeLessThan(80 * 60_000);

    // Enough counters: the few waiting at 17:00 are still served.
    const staffed = simulate(11, { counters: many(10) });
    const lateCancels = staffed.filter(
      (e) => e.type === 'ticket.cancelled' && e.occurredAt >= OPENED_AT + CLOSING_MS,
    );
    expect(lateCancels).toHaveLength(0);
  });

  it('roughly matches the behaviour shares when staffed for the load', () => {
    let called = 0;
    let noShows = 0;
    let served = 0;
    let returned = 0;
    let transferred = 0;
    let rated = 0;
    let unsatisfied = 0;
    let satisfied = 0;
    let arrivals = 0;
    let cancelled = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const s = summarizeDay(simulate(seed, { counters: many(9) }), { openedAt: OPENED_AT });
      arrivals += s.arrivals;
      cancelled += s.cancelled;
      called += s.called;
      noShows += s.noShows;
      served += s.served;
      returned += s.outcomes.returned;
      transferred += s.outcomes.transferred;
      const r = s.ratings.satisfied + s.ratings.neutral + s.ratings.unsatisfied;
      rated += r;
      unsatisfied += s.ratings.unsatisfied;
      satisfied += s.ratings.satisfied;
    }
    expect(cancelled / arrivals).toBeLessThan(0.04);
    expect(noShows / called).toBeGreaterThan(0.02);
    expect(noShows / called).toBeLessThan(0.06);
    expect(returned / served).toBeGreaterThan(0.05);
    expect(returned / served).toBeLessThan(0.11);
    expect(transferred / served).toBeLessThan(0.05);
    expect(rated / served).toBeGreaterThan(0.64);
    expect(rated / served).toBeLessThan(0.76);
    expect(satisfied / rated).toBeGreaterThan(0.7);
    expect(unsatisfied / rated).toBeLessThan(0.12);
  });

  it('makes unsatisfied ratings more likely after long waits', () => {
    const waitOf = new Map<string, number>();
    const issued = new Map<string, number>();
    const waits: Record<string, number[]> = { satisfied: [], neutral: [], unsatisfied: [] };
    for (const seed of [1, 2, 3]) {
      for (const e of simulate(seed)) {
        if (e.type === 'ticket.issued') issued.set(e.ticketId, e.occurredAt);
        if (e.type === 'service.started') waitOf.set(e.ticketId, e.occurredAt - issued.get(e.ticketId)!);
        if (e.type === 'rating.submitted') waits[e.rating]!.push(waitOf.get(e.ticketId)!);
      }
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(waits.unsatisfied!)).toBeGreaterThan(mean(waits.satisfied!) * 1.2);
  });

  it('rejects invalid configurations', () => {
    const base = { departmentId: 'ward-1', counters: FOUR, seed: 1, stamp: (t: number) => t };
    expect(() => new DepartmentDay({ ...base, counters: [] })).toThrow();
    expect(() => new DepartmentDay({ ...base, departmentId: 'Ward 1' })).toThrow();
    expect(() => new DepartmentDay({ ...base, counters: [{ id: 'C 1', services: ALL }] })).toThrow();
    expect(() => new DepartmentDay({ ...base, counters: [FOUR[0]!, FOUR[0]!] })).toThrow(/duplicate/);
    expect(() => new DepartmentDay({ ...base, seed: 1.5 })).toThrow(RangeError);
    expect(() => new DepartmentDay({ ...base, serviceWeights: { 'no-such-service': 1 } })).toThrow(/unknown/);
    expect(() => new DepartmentDay({ ...base, serviceWeights: { 'id-card': -1 } })).toThrow(RangeError);
    // Weighted services nobody serves are dropped; none left is an error.
    const cardOnly = [{ id: 'c1', services: ['id-card'] }];
    expect(
      () => new DepartmentDay({ ...base, counters: cardOnly, serviceWeights: { passport: 1 } }),
    ).toThrow();
    const day = new DepartmentDay({ ...base, counters: cardOnly, dailyCitizens: 50 });
    const issued = day.runToEnd().filter((e) => e.type === 'ticket.issued');
    expect(issued.length).toBeGreaterThan(0);
    expect(issued.every((e) => e.serviceCode === 'id-card')).toBe(true);
  });

  it('handles a day without citizens', () => {
    const events = simulate(12, { dailyCitizens: 0 });
    expect(events.some((e) => e.type === 'ticket.issued')).toBe(false);
    expect(events.filter((e) => e.type === 'counter.closed')).toHaveLength(FOUR.length);
  });
});
