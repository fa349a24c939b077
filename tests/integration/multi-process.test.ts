import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlertListSchema,
  EventBatchResultSchema,
  OverviewSchema,
  type CounterQueue,
  type Overview,
} from '@counterwatch/shared';
import { freePort, type Stack } from '@counterwatch/demo';
import { Balancer } from '../support/balancer.js';
import { eventually } from '../support/browser.js';
import type { TestClock } from '../support/clock.js';
import { ConsoleClient } from '../support/consoleClient.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { countStoredEvents, events } from '../support/queue.js';
import { testBackend, testStack } from '../support/stack.js';

/**
 * Two server processes on one PostgreSQL behind a reverse proxy serve the
 * same consoles: live patches, alerts, acknowledgements, revoked sessions and
 * thresholds reach every console whichever process it is on; derived state is
 * the same in both; kill -9 one under a steady event load and its consoles
 * come back on the other with the same state, and a queue system retrying its
 * batches loses nothing and duplicates nothing. Figures are printed, never
 * asserted on time.
 */
describe('several control processes', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let balancer: Balancer;
  let dept: Stack['provisioned']['departments'][number];
  let a: string;
  let b: string;
  let director: string;
  let admin: string;
  const consoles: ConsoleClient[] = [];
  const MIN = 60_000;
  const wsUrl = (base: string) => `${base.replace('http', 'ws')}/ws/console`;

  beforeAll(async () => {
    if (testBackend() !== 'postgres')
      throw new Error('several processes need PostgreSQL (CW_TEST_DB=postgres)');
    const proxyPort = await freePort();
    ({ stack, cleanup, clock } = await testStack('multi', {
      departments: 1,
      countersPerDepartment: 3,
      // Consoles open the proxy's address: that is the public URL (Origin checks) of both processes.
      publicUrl: `http://127.0.0.1:${proxyPort}`,
    }));
    dept = stack.provisioned.departments[0]!;
    a = stack.url;
    b = (await stack.startPeer('b')).url;
    balancer = await Balancer.start(proxyPort, [a, b]);
    const password = stack.createUser('director', ['director']);
    director = await loginCookie(balancer.url, 'director', password);
    admin = await loginCookie(balancer.url, 'admin1', stack.createUser('admin1', ['admin']));
    // Round robin: two consoles on each process, each its own login.
    for (let i = 0; i < 4; i++) {
      const cookie = await loginCookie(balancer.url, 'director', password);
      consoles.push(new ConsoleClient(wsUrl(balancer.url), { cookie, origin: balancer.url }));
      await eventually(`console ${i} connected`, async () => (consoles[i]!.connected ? true : undefined));
    }
    expect(balancer.socketsPerUpstream()).toEqual([2, 2]);
  });

  afterAll(async () => {
    for (const c of consoles) c.close();
    await balancer?.close();
    await cleanup?.();
  });

  const post = (base: string, batch: unknown[]) =>
    send(base, 'POST', '/api/v1/events', JSON.stringify({ events: batch }), {
      authorization: `Bearer ${dept.apiKey}`,
      // The browser's origin is the proxy's, whichever process answers.
      origin: balancer.url,
    });
  const everyConsole = (what: string, check: (c: ConsoleClient) => boolean) =>
    eventually(what, async () => (consoles.every((c) => c.connected && check(c)) ? true : undefined));

  it('a patch, an alert, an acknowledgement and a threshold change reach every console on either process', async () => {
    const [c1, c2, c3] = dept.counters.map((c) => c.id);
    const e = events(dept.id, 'qs-setup', 'mp-setup', clock.now);
    const t0 = clock.now() - 50 * MIN;
    // Stored through A…
    const opened = await post(a, [
      e({ type: 'counter.opened', counterId: c1! }, t0),
      e({ type: 'counter.opened', counterId: c2! }, t0),
      e({ type: 'counter.opened', counterId: c3! }, t0),
      e({ type: 'ticket.issued', ticketId: 'mp-p1', ticketNumber: 'P001', serviceCode: 'id-card' }, t0 + MIN),
    ]);
    expect(EventBatchResultSchema.parse(opened.body).accepted).toBe(4);
    await everyConsole('the ticket waiting, everywhere', (c) => c.counters.get(c1!)?.queue.queueLength === 1);
    // …then through B: both processes fold both in log order.
    await post(b, [
      e({ type: 'ticket.called', ticketId: 'mp-p1', counterId: c1! }, t0 + 2 * MIN),
      e({ type: 'service.started', ticketId: 'mp-p1', counterId: c1! }, t0 + 2 * MIN),
    ]);
    await everyConsole(
      'the call, everywhere',
      (c) => c.counters.get(c1!)?.queue.servingTicket?.ticketId === 'mp-p1',
    );

    await post(b, [
      e({ type: 'service.finished', ticketId: 'mp-p1', counterId: c1!, outcome: 'completed' }, t0 + 5 * MIN),
      e({ type: 'rating.submitted', ticketId: 'mp-p1', counterId: c1!, rating: 'unsatisfied' }, t0 + 5 * MIN),
    ]);
    await everyConsole('the rating alert, everywhere', (c) =>
      [...c.alerts.values()].some((x) => x.rule === 'unsatisfied_rating' && x.subject === 'mp-p1'),
    );
    const alert = [...consoles[0]!.alerts.values()].find(
      (x) => x.rule === 'unsatisfied_rating' && x.subject === 'mp-p1',
    )!;
    // One alert, whichever process saw the event first.
    const listed = AlertListSchema.parse(
      (await getJson(a, '/api/v1/alerts?rule=unsatisfied_rating', director)).body,
    ).alerts;
    expect(listed.filter((x) => x.subject === 'mp-p1').map((x) => x.id)).toEqual([alert.id]);

    // Acknowledged on each process in turn? Once, on B: consoles on A hear of it too.
    const ack = await send(b, 'POST', `/api/v1/alerts/${alert.id}/acknowledge`, '{}', {
      cookie: director,
      origin: balancer.url,
    });
    expect(ack.status).toBe(200);
    await everyConsole(
      'the acknowledgement, everywhere',
      (c) => c.alerts.get(alert.id)?.state === 'acknowledged',
    );

    // A threshold set on A is what B evaluates with.
    const path = `/api/v1/departments/${dept.id}/thresholds`;
    const before = (await getJson(b, path, director)).body.thresholds as Record<string, number>;
    const changed = { ...before, queuePerCounter: (before.queuePerCounter ?? 5) + 7 };
    expect(
      (await send(a, 'PUT', path, JSON.stringify(changed), { cookie: director, origin: balancer.url }))
        .status,
    ).toBe(200);
    await eventually('the threshold on B', async () => {
      const t = (await getJson(b, path, director)).body.thresholds as Record<string, number>;
      return t.queuePerCounter === changed.queuePerCounter ? true : undefined;
    });
  });

  it('a session revoked on one process ends its console on the other, and is refused there', async () => {
    const password = stack.createUser('watcher', ['director']);
    // Logged in through the proxy (wherever that lands): the session is in the shared database.
    const cookie = await loginCookie(balancer.url, 'watcher', password);
    // Straight to B (not through the proxy): the revocation happens on A.
    const watcher = new ConsoleClient(wsUrl(b), { cookie, origin: balancer.url });
    try {
      await eventually('watcher connected', async () => (watcher.connected ? true : undefined));
      const sessions = (await getJson(a, '/api/v1/admin/sessions', admin)).body.sessions as {
        id: string;
        username: string;
      }[];
      const session = sessions.find((s) => s.username === 'watcher')!;
      expect(
        (
          await send(a, 'POST', `/api/v1/admin/sessions/${session.id}/revoke`, '{}', {
            cookie: admin,
            origin: balancer.url,
          })
        ).status,
      ).toBe(200);
      await eventually('the console on B ended', async () => (watcher.ended ? true : undefined));
      expect(watcher.closes).toContain(4403);
      const again = new ConsoleClient(wsUrl(b), { cookie, origin: balancer.url });
      try {
        await eventually('refused on B', async () => (again.closes.includes(401) ? true : undefined));
        expect(again.connected).toBe(false);
      } finally {
        again.close();
      }
    } finally {
      watcher.close();
    }
  });

  /** What must be equal across processes: everything the event log decides (not the wait clocks). */
  const settled = (q: CounterQueue) => ({
    state: q.state,
    stateSince: q.stateSince,
    servingTicket: q.servingTicket?.ticketId ?? null,
    queueLength: q.queueLength,
    oldestWaitingSince: q.oldestWaitingSince,
    meanWaitSeconds: q.meanWaitSeconds,
    meanServiceSeconds: q.meanServiceSeconds,
    servedToday: q.servedToday,
    ratedToday: q.ratedToday,
    satisfaction: q.satisfaction,
  });
  const overviewOf = async (base: string): Promise<Overview> =>
    OverviewSchema.parse((await getJson(base, '/api/v1/overview', director)).body);
  const comparable = (o: Overview) =>
    o.departments.map((d) => ({
      id: d.id,
      queueLength: d.metrics.queueLength,
      servedToday: d.metrics.servedToday,
      issuedToday: d.metrics.issuedToday,
      openCounters: d.metrics.openCounters,
      counters: d.counters.map((c) => ({
        id: c.id,
        queueState: c.queueState,
        queueLength: c.queueLength,
        serving: c.servingTicket?.ticketId ?? null,
        servedToday: c.servedToday,
        satisfaction: c.satisfaction,
      })),
    }));
  const activeAlerts = async (base: string) =>
    AlertListSchema.parse((await getJson(base, '/api/v1/alerts?state=open', director)).body)
      .alerts.concat(
        AlertListSchema.parse((await getJson(base, '/api/v1/alerts?state=acknowledged', director)).body)
          .alerts,
      )
      .map((x) => x.id)
      .sort((x, y) => x - y);

  /**
   * A queue system as a real one behaves: batches with event ids (idempotency keys), posted
   * through the proxy, each retried with backoff until answered — a 502 or a cut connection
   * may or may not have been stored, so the same batch goes again.
   */
  const counters = () => dept.counters.map((c) => c.id);
  const load = {
    posted: 0,
    sent: 0,
    accepted: 0,
    duplicate: 0,
    rejected: 0,
    retries: 0,
    batches: 0,
    inFlight: false,
    e: undefined as ReturnType<typeof events> | undefined,
  };
  /** The load's business time: a morning replayed 15 s a batch, from 44 minutes ago (services last minutes). */
  let loadStart: number | undefined;
  function batch(i: number): unknown[] {
    const e = (load.e ??= events(dept.id, 'qs-load', 'mp-load', clock.now));
    loadStart ??= clock.now() - 44 * MIN;
    const t = loadStart + i * 15_000;
    const [c0, c1, c2] = counters();
    const at = [c0!, c1!, c2!];
    const out = [
      e({ type: 'ticket.issued', ticketId: `mp-t${i}`, ticketNumber: `L${i}`, serviceCode: 'id-card' }, t),
    ];
    if (i >= 1)
      out.push(e({ type: 'ticket.called', ticketId: `mp-t${i - 1}`, counterId: at[(i - 1) % 3]! }, t));
    if (i >= 2)
      out.push(e({ type: 'service.started', ticketId: `mp-t${i - 2}`, counterId: at[(i - 2) % 3]! }, t));
    if (i >= 3)
      out.push(
        e(
          {
            type: 'service.finished',
            ticketId: `mp-t${i - 3}`,
            counterId: at[(i - 3) % 3]!,
            outcome: 'completed',
          },
          t,
        ),
      );
    return out;
  }
  async function deliver(events: unknown[]): Promise<void> {
    load.posted += events.length;
    for (let attempt = 0; ; attempt++) {
      load.sent += events.length;
      try {
        load.inFlight = true;
        const res = await post(balancer.url, events).finally(() => (load.inFlight = false));
        if (res.status === 200) {
          const result = EventBatchResultSchema.parse(res.body);
          load.accepted += result.accepted;
          load.duplicate += result.duplicate;
          load.rejected += result.rejected;
          load.batches += 1;
          return;
        }
        if (res.status < 500) throw new Error(`batch refused: ${res.status} ${JSON.stringify(res.body)}`);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('batch refused')) throw error;
      }
      load.retries += 1;
      await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
    }
  }
  let next = 0;
  /** `count` batches, one every `everyMs` (a steady load, paced like a queue system's outbox). */
  async function steady(count: number, everyMs = 200): Promise<void> {
    for (let n = 0; n < count; n++) {
      await deliver(batch(next++));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  it('derives the same state on both processes from the log after a steady load', async () => {
    await steady(25);
    const ref = await eventually('A and B agree', async () => {
      const [oa, ob] = [comparable(await overviewOf(a)), comparable(await overviewOf(b))];
      return JSON.stringify(oa) === JSON.stringify(ob) ? ob : undefined;
    });
    expect(ref[0]!.servedToday).toBeGreaterThan(0);
    expect(await activeAlerts(a)).toEqual(await activeAlerts(b));
    // And every console, on either process, shows the same counters.
    const truth = (await overviewOf(b)).departments[0]!.counters;
    await everyConsole('consoles agree with the processes', (c) =>
      truth.every((t) => {
        const q = c.counters.get(t.id)?.queue;
        return (
          !!q &&
          q.queueLength === t.queueLength &&
          (q.servingTicket?.ticketId ?? null) === (t.servingTicket?.ticketId ?? null)
        );
      }),
    );
    const states = consoles.map((c) => JSON.stringify([...c.counters.values()].map((v) => settled(v.queue))));
    expect(new Set(states).size).toBe(1);
  });

  it('kill -9 one process under load: its consoles come back on the other, nothing lost, nothing duplicated', async () => {
    const onA = balancer.socketsPerUpstream()[0]!;
    expect(onA).toBeGreaterThan(0);
    const snapshotsBefore = consoles.map((c) => c.snapshots.length);
    const running = steady(40);
    await eventually('load under way', async () => (load.batches >= 35 ? true : undefined));
    // Kill while a batch is on its way if we can (its answer is then lost: the queue system retries).
    for (let i = 0; i < 400 && !load.inFlight; i++) await new Promise((r) => setTimeout(r, 2));
    const killedAt = performance.now();
    stack.server.kill('SIGKILL');
    await stack.server.exited;
    // Consoles that were on A reconnect through the proxy and get a full snapshot from B.
    const moved = await eventually(
      'consoles of A back on B',
      async () => {
        const back = consoles.filter((c, i) => c.snapshots.length > snapshotsBefore[i]! && c.connected);
        return back.length === onA ? back : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    const failoverMs = Math.max(...moved.map((c) => c.snapshots.at(-1)! - killedAt));
    await running;
    expect(balancer.socketsPerUpstream()).toEqual([0, 4]);

    // Nothing lost, nothing duplicated: each posted event accepted exactly once and stored once.
    const stored = countStoredEvents(stack.dataDir, 'source_id = ?', ['qs-load']);
    expect(load.rejected).toBe(0);
    const unique = batchEventsTotal(next);
    expect(stored).toBe(unique);
    // Each event answered once in the end: accepted, or duplicate when the killed process had stored it
    // but died before answering (the retry then finds it).
    expect(load.accepted + load.duplicate).toBe(unique);
    expect(countStoredEvents(stack.dataDir, "source_id = ? AND id LIKE 'mp-load-%'", ['qs-load'])).toBe(
      unique,
    );

    // The alert writer moved too: a new unsatisfied rating opens one alert, seen by every console.
    const e = events(dept.id, 'qs-after', 'mp-after', clock.now);
    const last = `mp-t${next - 4}`;
    const rating = await post(balancer.url, [
      e({
        type: 'rating.submitted',
        ticketId: last,
        counterId: counters()[(next - 4) % 3]!,
        rating: 'unsatisfied',
      }),
    ]);
    expect(EventBatchResultSchema.parse(rating.body).accepted).toBe(1);
    await everyConsole('an alert opened after the failover', (c) =>
      [...c.alerts.values()].some((x) => x.rule === 'unsatisfied_rating' && x.subject === last),
    );

    // Every console shows what B derives; A restarted rebuilds the same from the log.
    const truth = (await overviewOf(b)).departments[0]!.counters;
    await everyConsole('consoles agree with B', (c) =>
      truth.every((t) => {
        const q = c.counters.get(t.id)?.queue;
        return !!q && q.queueLength === t.queueLength && q.servedToday === t.servedToday;
      }),
    );
    await stack.startServer();
    await eventually('restarted A agrees with B', async () =>
      JSON.stringify(comparable(await overviewOf(a))) === JSON.stringify(comparable(await overviewOf(b)))
        ? true
        : undefined,
    );
    expect(await activeAlerts(a)).toEqual(await activeAlerts(b));
    expect(consoles.flatMap((c) => c.errors)).toEqual([]);

    console.log(
      `[multi-process] failover ${Math.round(failoverMs)} ms (kill -9 → ${onA} console(s) reconnected with a full snapshot); ` +
        `events posted ${load.posted} (sent with retries ${load.sent}), accepted ${load.accepted}, duplicate answers ${load.duplicate}, ` +
        `stored ${stored}; batch retries ${load.retries}; proxy 502s ${balancer.failed}`,
    );
  });
});

/** Events in batches 0…n-1 of the load: one issue each, a call from 1, a start from 2, a finish from 3. */
function batchEventsTotal(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += 1 + (i >= 1 ? 1 : 0) + (i >= 2 ? 1 : 0) + (i >= 3 ? 1 : 0);
  return total;
}
