import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AlertSchema, InteractionSchema, businessDayStart, type Overview } from '@counterwatch/shared';
import { eventually } from '../support/browser.js';
import { clockAt, clockAtInstant, type TestClock } from '../support/clock.js';
import { getJson, loginCookie } from '../support/http.js';
import { events, overview, postEvents } from '../support/queue.js';
import { testStack } from '../support/stack.js';

/**
 * The scenarios that used to fail for an hour a day (the business day turns
 * at 04:00 Vietnam time, 21:00 UTC), run with the server's clock pinned at
 * the edges: a citizen waiting 45 minutes, one served and unsatisfied, a
 * counter paused — all stamped "minutes ago". Each hour must give what the
 * rule says: events of today count today; a ticket still open when the day
 * turned is left open with the old day and said so; an unsatisfied rating
 * is flagged whichever day it fell in; a restart sees the same.
 */
const MIN = 60_000;
const UTC_MIDNIGHT = Date.UTC(2026, 11, 4, 23, 59, 30); // 06:59:30 in Hanoi
const PINS: { label: string; clock: () => TestClock }[] = [
  { label: '03:59', clock: () => clockAt('03:59') },
  { label: '04:00', clock: () => clockAt('04:00:05') },
  { label: '04:20', clock: () => clockAt('04:20') },
  { label: '11:59', clock: () => clockAt('11:59') },
  { label: '23:50', clock: () => clockAt('23:50') },
  { label: '00:10 (Vietnam midnight)', clock: () => clockAt('00:10') },
  { label: '06:59:30 (UTC midnight)', clock: () => clockAtInstant(UTC_MIDNIGHT) },
];

const Reviews = z.object({ interactions: z.array(InteractionSchema) });
const Alerts = z.object({ alerts: z.array(AlertSchema) });

describe('the business day at any hour', () => {
  const stacks: { cleanup: () => Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of stacks) await s.cleanup();
  });

  for (const pin of PINS) {
    it(`at ${pin.label} Vietnam time: counts, left-open tickets, alerts, flags and a restart agree with the rule`, async () => {
      const { stack, cleanup, clock } = await testStack(`day-${pin.label.slice(0, 5).replace(':', '')}`, {
        departments: 1,
        countersPerDepartment: 2,
        clock: pin.clock(),
        serverEnv: { CW_RECORDING: 'false' },
      });
      stacks.push({ cleanup });
      const dept = stack.provisioned.departments[0]!;
      const [c1, c2] = dept.counters.map((c) => c.id) as [string, string];
      const director = await loginCookie(stack.url, 'director', stack.ensureUser('director', ['director']));

      const now = clock.now();
      const today = businessDayStart(now);
      const e = events(dept.id, 'qs', 'day', clock.now);
      const times = {
        opened: now - 50 * MIN,
        waiting: now - 45 * MIN,
        issued: now - 20 * MIN,
        called: now - 15 * MIN,
        started: now - 14 * MIN,
        finished: now - 5 * MIN,
        rated: now - 4 * MIN,
        paused: now - 3 * MIN,
      };
      const posted = await postEvents(stack.url, dept.apiKey, [
        e({ type: 'counter.opened', counterId: c1 }, times.opened),
        e(
          { type: 'ticket.issued', ticketId: 'w', ticketNumber: 'A001', serviceCode: 'id-card' },
          times.waiting,
        ),
        e(
          { type: 'ticket.issued', ticketId: 's', ticketNumber: 'A002', serviceCode: 'id-card' },
          times.issued,
        ),
        e({ type: 'ticket.called', ticketId: 's', counterId: c1 }, times.called),
        e({ type: 'service.started', ticketId: 's', counterId: c1 }, times.started),
        e({ type: 'service.finished', ticketId: 's', counterId: c1, outcome: 'completed' }, times.finished),
        e({ type: 'rating.submitted', ticketId: 's', counterId: c1, rating: 'unsatisfied' }, times.rated),
        e({ type: 'counter.paused', counterId: c1, reason: 'break' }, times.paused),
      ]);
      expect(posted.result?.accepted).toBe(8);

      // What the rule says for this hour.
      const inToday = (t: number): boolean => t >= today;
      const expected = {
        queueLength: inToday(times.waiting) ? 1 : 0,
        openFromPreviousDay: inToday(times.waiting) ? 0 : 1,
        servedToday: inToday(times.finished) ? 1 : 0,
        issuedToday: [times.waiting, times.issued].filter(inToday).length,
        c1State: inToday(times.paused) ? 'paused' : 'closed',
      };
      const departmentOf = (o: Overview) => o.departments.find((d) => d.id === dept.id)!;
      const settled = await eventually('metrics as the rule says', async () => {
        const d = departmentOf(await overview(stack.url, director));
        const c1View = d.counters.find((c) => c.id === c1)!;
        // All of it at once: before the events are folded in, some of it already looks right.
        return d.metrics.queueLength === expected.queueLength &&
          d.metrics.servedToday === expected.servedToday &&
          d.metrics.openFromPreviousDay === expected.openFromPreviousDay &&
          d.metrics.issuedToday === expected.issuedToday &&
          c1View.queueState === expected.c1State
          ? d
          : undefined;
      });
      expect(settled.metrics.openFromPreviousDay).toBe(expected.openFromPreviousDay);
      expect(settled.metrics.issuedToday).toBe(expected.issuedToday);
      expect(settled.counters.find((c) => c.id === c2)?.queueState).toBe('closed');
      // Never "serving" without its ticket.
      for (const c of settled.counters)
        expect(c.queueState === 'serving' || c.queueState === 'calling').toBe(c.servingTicket !== null);

      // A 45-minute wait today is an alert; a ticket left open with yesterday is not.
      const longWait = async () =>
        Alerts.parse(
          (
            await getJson(
              stack.url,
              `/api/v1/alerts?state=open&departmentId=${dept.id}&rule=longest_wait`,
              director,
            )
          ).body,
        ).alerts;
      if (expected.queueLength === 1) {
        await eventually('a longest-wait alert', async () =>
          (await longWait()).length > 0 ? true : undefined,
        );
      } else {
        await new Promise((resolve) => setTimeout(resolve, 1_500)); // a few recomputes
        expect(await longWait()).toEqual([]);
      }

      // The unsatisfied rating is flagged, whichever day it fell in.
      const flagged = await eventually('the unsatisfied rating flagged', async () => {
        const list = Reviews.parse(
          (await getJson(stack.url, `/api/v1/reviews?departmentId=${dept.id}&state=pending`, director)).body,
        ).interactions;
        return list.find((i) => i.flags.some((f) => f.reason === 'unsatisfied_rating'));
      });
      expect(flagged.ticketNumber).toBe('A002');

      // A restart rebuilds exactly this.
      await stack.stopServer();
      await stack.startServer();
      const again = departmentOf(await overview(stack.url, director));
      expect(again.metrics).toMatchObject({
        queueLength: expected.queueLength,
        servedToday: expected.servedToday,
        issuedToday: expected.issuedToday,
        openFromPreviousDay: expected.openFromPreviousDay,
      });
      expect(again.counters.find((c) => c.id === c1)?.queueState).toBe(expected.c1State);
    });
  }
});
