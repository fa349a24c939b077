import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@counterwatch/demo';
import { eventually } from '../support/browser.js';
import { countStoredEvents, events } from '../support/queue.js';
import type { TestClock } from '../support/clock.js';
import { testStack } from '../support/stack.js';

/**
 * The counter agent relays queue events at least once from a durable
 * outbox: kill -9 in the middle of a burst, start it again, and every event
 * is stored exactly once.
 */
describe('agent event relay survives kill -9', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('outbox', { departments: 1, countersPerDepartment: 1 }));
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('stores every event exactly once', async () => {
    const counter = stack.provisioned.counters[0]!;
    const e = events(counter.departmentId, 'qs-burst', 'burst', clock.now);
    const total = 600;
    const all = Array.from({ length: total }, (_, i) =>
      i % 2 === 0
        ? e({ type: 'ticket.issued', ticketId: `burst-t${i}`, ticketNumber: `A${i}`, serviceCode: 'id-card' })
        : e({ type: 'ticket.called', ticketId: `burst-t${i - 1}`, counterId: counter.id }),
    );
    const chunks: (typeof all)[] = [];
    for (let i = 0; i < all.length; i += 20) chunks.push(all.slice(i, i + 20));

    // The server is unreachable at first, so the events pile up in the outbox.
    await stack.stopServer();
    let agent = await stack.startAgent(counter.id);
    let url = await stack.agentEventsUrl(counter.id);
    let acknowledged = 0;
    const post = async (chunk: (typeof all)[number][]) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events: chunk }),
      });
      if (res.status !== 202) throw new Error(`agent answered ${res.status}`);
    };
    // Half the burst, then kill -9 while the next post is in flight.
    for (const chunk of chunks.slice(0, 15)) {
      await post(chunk);
      acknowledged += 1;
    }
    const inFlight = post(chunks[15]!).then(
      () => true,
      () => false,
    );
    agent.kill('SIGKILL');
    if (await inFlight) acknowledged += 1;
    await agent.exited;

    // The queue system retries what was not acknowledged, to the restarted agent.
    agent = await stack.startAgent(counter.id);
    url = await stack.agentEventsUrl(counter.id);
    for (const chunk of chunks.slice(acknowledged)) await post(chunk);
    // A retry of an acknowledged chunk (the queue system did not see the answer) is harmless.
    await post(chunks[3]!);
    await stack.startServer();

    await eventually(
      'all events stored',
      async () => (countStoredEvents(stack.dataDir, "id LIKE 'burst-%'") === total ? true : undefined),
      { timeoutMs: 60_000 },
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(countStoredEvents(stack.dataDir, "id LIKE 'burst-%'")).toBe(total);
    expect(countStoredEvents(stack.dataDir, "source_id = 'qs-burst'")).toBe(total);
    expect(agent.running).toBe(true);
  });
});
