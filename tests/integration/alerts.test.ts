import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlertListSchema,
  AlertResponseSchema,
  CONDITION_HOLDS,
  ResolveAlertResponseSchema,
  type Alert,
} from '@counterwatch/shared';
import { auditCount } from '../support/audit.js';
import type { Stack } from '@counterwatch/demo';
import { eventually } from '../support/browser.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { events, postEvents } from '../support/queue.js';
import type { TestClock } from '../support/clock.js';
import { testStack } from '../support/stack.js';

/** Alerts through the REST API: fire, acknowledge, clear by themselves, resolve by hand, scope. */
describe('alerts API', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let director: string;
  let otherHead: string;
  let dept: Stack['provisioned']['departments'][number];
  const MIN = 60_000;

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('alerts', {
      departments: 2,
      countersPerDepartment: 2,
      serverEnv: { CW_ALERT_CLEAR_HOLD_S: '1' },
    }));
    dept = stack.provisioned.departments[0]!;
    director = await loginCookie(stack.url, 'director', stack.createUser('director', ['director']));
    const other = stack.provisioned.departments[1]!;
    otherHead = await loginCookie(stack.url, 'head2', stack.createUser('head2', ['head'], [other.id]));
  });

  afterAll(async () => {
    await cleanup?.();
  });

  const list = async (query: string, cookie = director): Promise<Alert[]> => {
    const res = await getJson(stack.url, `/api/v1/alerts?${query}`, cookie);
    expect(res.status).toBe(200);
    return AlertListSchema.parse(res.body).alerts;
  };

  it('opens a longest-wait alert, is acknowledged, and resolves itself when the wait is over', async () => {
    const e = events(dept.id, 'qs', 'al', clock.now);
    const c1 = dept.counters[0]!.id;
    await postEvents(stack.url, dept.apiKey, [
      e({ type: 'counter.opened', counterId: c1 }, clock.now() - 50 * MIN),
      e(
        { type: 'ticket.issued', ticketId: 'al-t1', ticketNumber: 'A001', serviceCode: 'id-card' },
        clock.now() - 40 * MIN,
      ),
    ]);
    const alert = await eventually('longest_wait alert', async () =>
      (await list('state=open')).find((a) => a.rule === 'longest_wait' && a.departmentId === dept.id),
    );
    expect(alert).toMatchObject({ severity: 'critical', counterId: null, state: 'open' });
    expect(typeof alert.id).toBe('number');
    expect(alert.openedAt).toBeGreaterThan(clock.now() - 60_000);

    const ack = await send(stack.url, 'POST', `/api/v1/alerts/${alert.id}/acknowledge`, '{}', {
      cookie: director,
    });
    expect(ack.status).toBe(200);
    expect(AlertResponseSchema.parse(ack.body).alert).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'director',
    });
    expect((await list('state=acknowledged')).map((a) => a.id)).toContain(alert.id);

    await postEvents(stack.url, dept.apiKey, [
      e({ type: 'ticket.called', ticketId: 'al-t1', counterId: c1 }),
    ]);
    const resolved = await eventually('resolved by itself', async () =>
      (await list('state=resolved')).find((a) => a.id === alert.id),
    );
    expect(resolved).toMatchObject({ resolvedBy: null });
    expect(
      (await list('state=open')).filter((a) => a.rule === 'longest_wait' && a.departmentId === dept.id),
    ).toEqual([]);
  });

  it('an unsatisfied rating opens an alert a person resolves with a note', async () => {
    const e = events(dept.id, 'pad', 'rating', clock.now);
    await postEvents(stack.url, dept.apiKey, [
      e({
        type: 'rating.submitted',
        ticketId: 'al-t1',
        counterId: dept.counters[0]!.id,
        rating: 'unsatisfied',
        comment: 'Thái độ không tốt',
      }),
    ]);
    const alert = await eventually(
      'unsatisfied_rating alert',
      async () => (await list(`state=open&rule=unsatisfied_rating&departmentId=${dept.id}`))[0],
    );
    expect(alert).toMatchObject({ counterId: dept.counters[0]!.id, subject: 'al-t1' });
    const noNote = await send(stack.url, 'POST', `/api/v1/alerts/${alert.id}/resolve`, '{}', {
      cookie: director,
    });
    expect(noNote).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    const done = await send(
      stack.url,
      'POST',
      `/api/v1/alerts/${alert.id}/resolve`,
      JSON.stringify({ note: 'Đã nhắc nhở cán bộ' }),
      {
        cookie: director,
      },
    );
    expect(ResolveAlertResponseSchema.parse(done.body)).toMatchObject({ conditionHolds: false });
    expect(AlertResponseSchema.parse(done.body).alert).toMatchObject({
      state: 'resolved',
      resolvedBy: 'director',
      resolutionNote: 'Đã nhắc nhở cán bộ',
    });
    // History is searchable.
    expect(
      (await list(`rule=unsatisfied_rating&state=resolved&departmentId=${dept.id}`)).map((a) => a.id),
    ).toContain(alert.id);
  });

  it('a head of another department neither sees nor touches these alerts', async () => {
    const mine = await list(`departmentId=${dept.id}`);
    expect(mine.length).toBeGreaterThan(0);
    expect(await list(`departmentId=${dept.id}`, otherHead)).toEqual([]);
    expect((await list('', otherHead)).filter((a) => a.departmentId === dept.id)).toEqual([]);
    const ack = await send(stack.url, 'POST', `/api/v1/alerts/${mine[0]!.id}/acknowledge`, '{}', {
      cookie: otherHead,
    });
    expect(ack).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const bogus = await send(stack.url, 'POST', '/api/v1/alerts/1%20OR%201=1/acknowledge', '{}', {
      cookie: director,
    });
    expect(bogus.status).toBe(404);
  });

  it('thresholds: the director edits them, a head may not, bad values are refused', async () => {
    const path = `/api/v1/departments/${dept.id}/thresholds`;
    const current = await getJson(stack.url, path, director);
    expect(current.status).toBe(200);
    const thresholds = { ...(current.body.thresholds as Record<string, number>), longestWaitMinutes: 45 };
    const put = await send(stack.url, 'PUT', path, JSON.stringify(thresholds), { cookie: director });
    expect(put).toMatchObject({ status: 200, body: { thresholds: { longestWaitMinutes: 45 } } });
    expect((await getJson(stack.url, path, director)).body).toMatchObject({
      thresholds: { longestWaitMinutes: 45 },
    });
    const bad = await send(
      stack.url,
      'PUT',
      path,
      JSON.stringify({ ...thresholds, longestWaitMinutes: -5 }),
      { cookie: director },
    );
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    const head = await send(stack.url, 'PUT', path, JSON.stringify(thresholds), { cookie: otherHead });
    expect(head.status).toBe(403);
    expect((await getJson(stack.url, path, otherHead)).status).toBe(404);
  });

  it('resolving while the condition holds is refused with the reason; snoozing holds it off, on record', async () => {
    const other = stack.provisioned.departments[1]!;
    const e = events(other.id, 'qs', 'hold', clock.now);
    await postEvents(stack.url, other.apiKey, [
      e({ type: 'counter.opened', counterId: other.counters[0]!.id }, clock.now() - 50 * MIN),
      e(
        { type: 'ticket.issued', ticketId: 'hold-t1', ticketNumber: 'A001', serviceCode: 'id-card' },
        clock.now() - 40 * MIN,
      ),
    ]);
    const alert = await eventually(
      'longest_wait alert',
      async () => (await list(`state=open&rule=longest_wait&departmentId=${other.id}`))[0],
    );
    const path = `/api/v1/alerts/${alert.id}`;
    const resolves = auditCount(stack.dataDir, 'alert.resolve');

    // The wait goes on: resolving now would reopen it at once, so the server says so and does nothing.
    const refused = await send(stack.url, 'POST', `${path}/resolve`, JSON.stringify({ note: 'xong' }), {
      cookie: director,
    });
    expect(refused).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict', details: { reason: CONDITION_HOLDS } } },
    });
    expect((await list(`state=open&rule=longest_wait&departmentId=${other.id}`)).map((a) => a.id)).toEqual([
      alert.id,
    ]);
    expect(auditCount(stack.dataDir, 'alert.resolve')).toBe(resolves);

    // Bad snoozes change nothing.
    for (const body of [{}, { for: '2h' }, { for: '15m', note: 'x'.repeat(1001) }]) {
      const bad = await send(stack.url, 'POST', `${path}/snooze`, JSON.stringify(body), { cookie: director });
      expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    }
    const head = await send(stack.url, 'POST', `${path}/snooze`, JSON.stringify({ for: '1h' }), {
      cookie: await loginCookie(stack.url, 'head1', stack.createUser('head1', ['head'], [dept.id])),
    });
    expect(head.status).toBe(404);
    expect(auditCount(stack.dataDir, 'alert.snooze')).toBe(0);

    const before = clock.now();
    const snoozed = await send(
      stack.url,
      'POST',
      `${path}/snooze`,
      JSON.stringify({ for: '15m', note: 'điều thêm cán bộ' }),
      { cookie: director },
    );
    expect(snoozed.status).toBe(200);
    const shown = AlertResponseSchema.parse(snoozed.body).alert;
    expect(shown).toMatchObject({ id: alert.id, state: 'open', snoozedBy: 'director' });
    expect(shown.snoozedUntil).toBeGreaterThanOrEqual(before + 15 * MIN);
    expect(shown.snoozedUntil).toBeLessThanOrEqual(clock.now() + 15 * MIN);
    expect(auditCount(stack.dataDir, 'alert.snooze', String(alert.id))).toBe(1);
    // Shown on the alert wherever it is read; one alert for the condition (the engine's unit tests
    // walk the snooze through its end with an injected clock).
    const active = await list(`departmentId=${other.id}&rule=longest_wait`);
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ id: alert.id, snoozedBy: 'director' });

    // Resolved anyway, on purpose: said in the answer, and the next alert names the one it reopens.
    const forced = await send(
      stack.url,
      'POST',
      `${path}/resolve`,
      JSON.stringify({ note: 'đã xử lý', evenIfHolding: true }),
      { cookie: director },
    );
    expect(ResolveAlertResponseSchema.parse(forced.body)).toMatchObject({
      conditionHolds: true,
      alert: { state: 'resolved', resolvedBy: 'director', snoozedUntil: null },
    });
    expect(auditCount(stack.dataDir, 'alert.resolve', String(alert.id))).toBe(1);
    const reopened = await eventually(
      'the alert opened again',
      async () => (await list(`state=open&rule=longest_wait&departmentId=${other.id}`))[0],
    );
    expect(reopened.id).not.toBe(alert.id);
    expect(reopened.details).toMatchObject({ reopenOf: alert.id });
    const again = await send(stack.url, 'POST', `${path}/snooze`, JSON.stringify({ for: '15m' }), {
      cookie: director,
    });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
  });
});
