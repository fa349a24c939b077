import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@counterwatch/demo';
import { MetricsHistorySchema } from '@counterwatch/shared';
import { RawSocket } from '../support/agentSocket.js';
import { eventually } from '../support/browser.js';
import { loginCookie } from '../support/http.js';
import { countStoredEvents, events, overview, postEvents } from '../support/queue.js';
import type { TestClock } from '../support/clock.js';
import { testStack } from '../support/stack.js';

/**
 * POST /api/v1/events end to end against a real server and SQLite:
 * idempotency, order and clock independence, rejections that store
 * nothing, and the same metrics after a restart.
 */
describe('queue event ingest', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let cookie: string;
  let dept: Stack['provisioned']['departments'][number];
  let other: Stack['provisioned']['departments'][number];
  const MIN = 60_000;

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('queue', { departments: 2, countersPerDepartment: 2 }));
    dept = stack.provisioned.departments[0]!;
    other = stack.provisioned.departments[1]!;
    const password = stack.createUser('director', ['director']);
    cookie = await loginCookie(stack.url, 'director', password);
  });

  afterAll(async () => {
    await cleanup?.();
  });

  const counterOf = async (counterId: string) => {
    const o = await overview(stack.url, cookie);
    return o.departments.flatMap((d) => d.counters).find((c) => c.id === counterId)!;
  };
  const metricsOf = async (departmentId: string) =>
    (await overview(stack.url, cookie)).departments.find((d) => d.id === departmentId)!.metrics;

  it('stores an event once: a replayed batch is all duplicates and changes nothing', async () => {
    const e = events(dept.id, 'qs-idem', 'idem', clock.now);
    const c1 = dept.counters[0]!.id;
    const now = clock.now();
    const batch = [
      e({ type: 'counter.opened', counterId: c1 }, now - 20 * MIN),
      e(
        { type: 'ticket.issued', ticketId: 'idem-t1', ticketNumber: 'A101', serviceCode: 'id-card' },
        now - 10 * MIN,
      ),
      e(
        { type: 'ticket.issued', ticketId: 'idem-t2', ticketNumber: 'A102', serviceCode: 'id-card' },
        now - 9 * MIN,
      ),
    ];
    const first = await postEvents(stack.url, dept.apiKey, batch);
    expect(first.result).toMatchObject({ accepted: 3, duplicate: 0, rejected: 0 });
    await eventually('queue of 2', async () => ((await counterOf(c1)).queueLength === 2 ? true : undefined));
    const stored = countStoredEvents(stack.dataDir);
    const second = await postEvents(stack.url, dept.apiKey, batch);
    expect(second.result).toMatchObject({ accepted: 0, duplicate: 3, rejected: 0 });
    expect(second.result!.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(countStoredEvents(stack.dataDir)).toBe(stored);
    await new Promise((r) => setTimeout(r, 1_200));
    expect((await counterOf(c1)).queueLength).toBe(2);
  });

  it('rejects bad events with a reason each, and stores none of them', async () => {
    const before = countStoredEvents(stack.dataDir);
    const now = clock.now();
    const e = events(dept.id, 'qs-bad', 'bad', clock.now);
    const result = await postEvents(stack.url, dept.apiKey, [
      e({ type: 'ticket.called', ticketId: 'x', counterId: 'no-such-counter' }),
      e({ type: 'ticket.called', ticketId: 'x', counterId: other.counters[0]!.id }),
      e({ type: 'counter.opened', counterId: dept.counters[0]!.id }, now, { departmentId: other.id }),
      e({ type: 'ticket.issued', ticketId: 'x', serviceCode: 'id-card' }), // no ticketNumber
      e(
        { type: 'ticket.issued', ticketId: 'x', ticketNumber: 'A1', serviceCode: 'id-card' },
        now + 2 * 3_600_000,
      ),
      e({ type: 'ticket.issued', ticketId: 'x', ticketNumber: 'A1', serviceCode: 'fishing-licence' }),
      e({ type: 'rating.submitted', ticketId: 'x', counterId: dept.counters[0]!.id, rating: 'meh' }),
      { not: 'an event' },
    ]);
    expect(result.status).toBe(200);
    expect(result.result).toMatchObject({ accepted: 0, duplicate: 0, rejected: 8 });
    const reasons = result.result!.results.map((r) => r.reason ?? '');
    expect(reasons[0]).toMatch(/unknown counter no-such-counter/);
    expect(reasons[1]).toMatch(/unknown counter/);
    expect(reasons[2]).toMatch(/does not match the sender's department/);
    expect(reasons[3]).toMatch(/ticketNumber/);
    expect(reasons[4]).toMatch(/in the future/);
    expect(reasons[5]).toMatch(/unknown service fishing-licence/);
    expect(reasons[6]).toMatch(/rating/);
    expect(result.result!.results[7]).toMatchObject({ id: '#7', status: 'rejected' });

    const wrongKey = await postEvents(stack.url, 'x'.repeat(43), [
      e({ type: 'counter.opened', counterId: dept.counters[0]!.id }),
    ]);
    expect(wrongKey).toMatchObject({ status: 401, error: { code: 'unauthenticated' } });
    const oversized = await postEvents(
      stack.url,
      dept.apiKey,
      Array.from({ length: 501 }, () => e({ type: 'counter.opened', counterId: dept.counters[0]!.id })),
    );
    expect(oversized).toMatchObject({ status: 413, error: { code: 'message_too_large' } });
    const empty = await postEvents(stack.url, dept.apiKey, []);
    expect(empty.status).toBe(400);
    // A source may not reuse a sequence number for a different event.
    const reuse = await postEvents(stack.url, dept.apiKey, [
      {
        ...e({ type: 'counter.opened', counterId: dept.counters[0]!.id }),
        source: { id: 'qs-idem', seq: 1 },
      },
    ]);
    expect(reuse.result!.results[0]!.reason).toMatch(/already used sequence 1/);
    expect(countStoredEvents(stack.dataDir)).toBe(before);
  });

  it('gives the same state whatever order events arrive in (one source ordered by its sequence numbers)', async () => {
    const c2 = dept.counters[1]!.id;
    const now = clock.now();
    const e = events(dept.id, 'panel-ooo', 'ooo', clock.now);
    const opened = e({ type: 'counter.opened', counterId: c2 }, now - 30 * MIN);
    const issued = e(
      { type: 'ticket.issued', ticketId: 'ooo-t', ticketNumber: 'B201', serviceCode: 'permanent-residence' },
      now - 20 * MIN,
    );
    const called = e({ type: 'ticket.called', ticketId: 'ooo-t', counterId: c2 }, now - 15 * MIN);
    const started = e({ type: 'service.started', ticketId: 'ooo-t', counterId: c2 }, now - 14 * MIN);
    const finished = e(
      { type: 'service.finished', ticketId: 'ooo-t', counterId: c2, outcome: 'completed' },
      now - 4 * MIN,
    );
    // The panel's clock stepped back before it paused: its sequence number, not its time, says "later".
    const paused = e({ type: 'counter.paused', counterId: c2, reason: 'break' }, now - 40 * MIN);
    for (const batch of [[finished, paused], [started], [called, issued], [opened]]) {
      expect((await postEvents(stack.url, dept.apiKey, batch)).result!.rejected).toBe(0);
    }
    const counter = await eventually('served and paused', async () => {
      const c = await counterOf(c2);
      return c.servedToday === 1 && c.queueState === 'paused' ? c : undefined;
    });
    expect(counter.servingTicket).toBeNull();
  });

  it('corrects a source whose clock runs ahead (clock skew), from its own events', async () => {
    const counter = other.counters[0]!; // serves id-card
    const kiosk = events(other.id, 'kiosk-fast', 'skew-k', clock.now);
    // The kiosk's clock is 3 minutes fast and it does not say what time it thinks it is.
    await postEvents(stack.url, other.apiKey, [
      kiosk(
        { type: 'ticket.issued', ticketId: 'skew-t', ticketNumber: 'A901', serviceCode: 'id-card' },
        clock.now() + 3 * MIN,
      ),
    ]);
    await new Promise((r) => setTimeout(r, 4_000));
    // Taken at face value the ticket would be issued in the future and wait 0 s for three minutes.
    const c = await eventually('waiting, and the wait counts up', async () => {
      const found = await counterOf(counter.id);
      return (found.longestWaitSeconds ?? 0) >= 3 ? found : undefined;
    });
    expect(c.longestWaitSeconds!).toBeLessThan(30);
  });

  it('corrects a sender whose clock runs behind when it says what time it is (sentAt)', async () => {
    const counter = other.counters[0]!;
    const system = events(other.id, 'qs-slow', 'skew-q', clock.now);
    const slow = clock.now() - 3 * MIN;
    const res = await fetch(`${stack.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${other.apiKey}` },
      body: JSON.stringify({
        sentAt: slow,
        events: [
          system({ type: 'ticket.called', ticketId: 'skew-t', counterId: counter.id }, slow),
          system(
            { type: 'ticket.issued', ticketId: 'skew-u', ticketNumber: 'A902', serviceCode: 'id-card' },
            slow,
          ),
        ],
      }),
    });
    expect(res.status).toBe(200);
    const c = await eventually('called and a new one waiting', async () => {
      const found = await counterOf(counter.id);
      return found.servingTicket?.ticketId === 'skew-t' && found.queueLength === 1 ? found : undefined;
    });
    // Uncorrected, the new ticket would already have waited three minutes.
    expect(c.longestWaitSeconds!).toBeLessThan(60);
    const metrics = await metricsOf(other.id);
    // skew-t waited about four seconds, not minus three minutes (or zero).
    expect(metrics.meanWaitSeconds!).toBeGreaterThanOrEqual(3);
    expect(metrics.meanWaitSeconds!).toBeLessThan(60);
  });

  it("fills in the day's history from events that arrived late (10-second points)", async () => {
    const res = await fetch(`${stack.url}/api/v1/metrics/history?departmentId=${dept.id}`, {
      headers: { cookie },
    });
    expect(res.status).toBe(200);
    const history = MetricsHistorySchema.parse(await res.json());
    // The idempotency test's tickets were issued 9–10 minutes ago: the chart shows them waiting back then.
    const past = history.points.filter((p) => p.at < clock.now() - 5 * MIN);
    expect(past.length).toBeGreaterThan(20);
    expect(past.some((p) => p.queueLength >= 2)).toBe(true);
    const steps = past.slice(1).map((p, i) => p.at - past[i]!.at);
    expect(Math.max(...steps)).toBeLessThanOrEqual(10_000);
  });

  it('an event id another department took first is refused with a reason, never reported as stored', async () => {
    const now = clock.now();
    const inA = events(dept.id, 'qs-clash', 'clash', clock.now);
    const inB = events(other.id, 'qs-clash', 'clash', clock.now); // the same ids, in B's own name
    const first = await postEvents(stack.url, dept.apiKey, [
      inA({ type: 'ticket.issued', ticketId: 'clash-a', ticketNumber: 'C101', serviceCode: 'id-card' }, now),
    ]);
    expect(first.result).toMatchObject({ accepted: 1, duplicate: 0, rejected: 0 });
    const storedInB = countStoredEvents(stack.dataDir, 'department_id = ?', [other.id]);
    const clash = await postEvents(stack.url, other.apiKey, [
      inB({ type: 'ticket.issued', ticketId: 'clash-b', ticketNumber: 'C201', serviceCode: 'id-card' }, now),
    ]);
    expect(clash.result).toMatchObject({ accepted: 0, duplicate: 0, rejected: 1 });
    const reason = clash.result!.results[0]!.reason ?? '';
    expect(reason).toMatch(/event id clash-1 is already used by another sender/);
    expect(reason).not.toContain(dept.id); // B learns nothing about A
    expect(countStoredEvents(stack.dataDir, 'department_id = ?', [other.id])).toBe(storedInB);
    // Within A, another source reusing the id is a clash too, not a duplicate.
    const otherSource = await postEvents(stack.url, dept.apiKey, [
      {
        ...inA({ type: 'counter.opened', counterId: dept.counters[0]!.id }, now),
        id: 'clash-1',
        source: { id: 'qs-other', seq: 1 },
      },
    ]);
    expect(otherSource.result!.results[0]).toMatchObject({ status: 'rejected' });
    expect(otherSource.result!.results[0]!.reason).toMatch(/already used by source qs-clash/);
    // The true replay by the source that sent it is still an idempotent duplicate.
    const again = await postEvents(stack.url, dept.apiKey, [
      {
        id: 'clash-1',
        departmentId: dept.id,
        occurredAt: now,
        source: { id: 'qs-clash', seq: 1 },
        type: 'ticket.issued',
        ticketId: 'clash-a',
        ticketNumber: 'C101',
        serviceCode: 'id-card',
      },
    ]);
    expect(again.result).toMatchObject({ accepted: 0, duplicate: 1, rejected: 0 });
  });

  it("a counter's agent may cancel or mark no-show only tickets called to its own counter", async () => {
    const [mine, theirs] = dept.counters as [(typeof dept.counters)[number], (typeof dept.counters)[number]];
    const now = clock.now();
    const qs = events(dept.id, 'qs-scope', 'scope', clock.now);
    const setup = await postEvents(stack.url, dept.apiKey, [
      qs({ type: 'ticket.issued', ticketId: 'sc-theirs', ticketNumber: 'S101', serviceCode: 'id-card' }, now),
      qs({ type: 'ticket.called', ticketId: 'sc-theirs', counterId: theirs.id }, now),
      qs(
        { type: 'ticket.issued', ticketId: 'sc-waiting', ticketNumber: 'S102', serviceCode: 'id-card' },
        now,
      ),
      qs({ type: 'ticket.issued', ticketId: 'sc-mine', ticketNumber: 'S103', serviceCode: 'id-card' }, now),
      qs({ type: 'ticket.called', ticketId: 'sc-mine', counterId: mine.id }, now),
      qs({ type: 'ticket.issued', ticketId: 'sc-batch', ticketNumber: 'S104', serviceCode: 'id-card' }, now),
    ]);
    expect(setup.result!.accepted).toBe(6);

    const agent = new RawSocket(`${stack.url.replace('http', 'ws')}/ws/agent`);
    await agent.opened;
    agent.request(1, 'hello', {
      protocolVersion: 1,
      counterId: mine.id,
      token: fs.readFileSync(mine.tokenFile, 'utf8'),
      publisher: 'ffmpeg',
      agentVersion: 'test',
    });
    expect(await agent.response(1)).toMatchObject({ ok: true });
    const relay = events(dept.id, `counter:${mine.id}`, 'scope-agent', clock.now);
    agent.request(2, 'pushEvents', {
      events: [
        relay({ type: 'ticket.cancelled', ticketId: 'sc-theirs' }, now),
        relay({ type: 'ticket.no_show', ticketId: 'sc-theirs' }, now),
        relay({ type: 'ticket.no_show', ticketId: 'sc-theirs', counterId: mine.id }, now),
        relay({ type: 'ticket.cancelled', ticketId: 'sc-waiting' }, now),
        relay({ type: 'ticket.cancelled', ticketId: 'no-such-ticket' }, now),
        relay({ type: 'ticket.no_show', ticketId: 'sc-mine', counterId: mine.id }, now),
        // Called to this counter earlier in the same batch: allowed.
        relay({ type: 'ticket.called', ticketId: 'sc-batch', counterId: mine.id }, now),
        relay({ type: 'ticket.cancelled', ticketId: 'sc-batch' }, now),
      ],
    });
    const reply = await agent.response(2);
    agent.close();
    const result = reply.data as { results: { id: string; status: string; reason?: string }[] };
    expect(result.results.map((r) => r.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'accepted',
      'accepted',
      'accepted',
    ]);
    for (const r of result.results.slice(0, 5)) expect(r.reason).toMatch(/not called to counter/);
    const stored = countStoredEvents(stack.dataDir, "ticket_id = 'sc-theirs' AND type != 'ticket.called'");
    expect(stored).toBe(1); // its issue only
    await eventually('the own no-show counted', async () =>
      ((await metricsOf(dept.id)).noShowRate ?? 0) > 0 ? true : undefined,
    );
  });

  it('rebuilds the same metrics after a server restart', async () => {
    const before = await metricsOf(dept.id);
    const counters = (await overview(stack.url, cookie)).departments.find((d) => d.id === dept.id)!.counters;
    await stack.stopServer();
    await stack.startServer();
    // Sessions live in the database: the same cookie still works.
    const after = await metricsOf(dept.id);
    const stable = (m: typeof before) => ({
      ...m,
      at: 0,
      longestWaitSeconds: 0,
      services: m.services.map((s) => ({ ...s, erlangWait: null, expectedWait: null })),
    });
    expect(stable(after)).toEqual(stable(before));
    const afterCounters = (await overview(stack.url, cookie)).departments.find(
      (d) => d.id === dept.id,
    )!.counters;
    const strip = (c: (typeof counters)[number]) => ({
      ...c,
      longestWaitSeconds: 0,
      pressure: 0,
      expectedWaitSeconds: 0,
    });
    expect(afterCounters.map(strip)).toEqual(counters.map(strip));
  });
});
