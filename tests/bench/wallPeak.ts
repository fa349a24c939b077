import { randomUUID } from 'node:crypto';
import type { Stack } from '@counterwatch/demo';
import { postEvents } from '../support/queue.js';

/**
 * Posts ticket.issued + ticket.called pairs for counters across the province
 * at its peak rate (`perCounterPerMinute` events per counter) for `ms`; returns how many events went and when each
 * ticket number was posted (wall clock, as the page stamps its changes).
 */
export async function postAtPeak(
  stack: Stack,
  n: number,
  ms: number,
  perCounterPerMinute: number,
): Promise<{ posted: number; sentAt: Map<string, number> }> {
  const eventsPerSecond = (n * perCounterPerMinute) / 60;
  const pairsPerTick = eventsPerSecond / 2 / 10; // ten ticks a second
  const sentAt = new Map<string, number>();
  const counters = stack.provisioned.counters;
  const departments = new Map(stack.provisioned.departments.map((d) => [d.id, d]));
  let posted = 0;
  let seq = 0;
  let owed = 0;
  let next = 0;
  const end = Date.now() + ms;
  const inFlight: Promise<unknown>[] = [];
  while (Date.now() < end) {
    owed += pairsPerTick;
    const batches = new Map<string, unknown[]>();
    while (owed >= 1) {
      owed -= 1;
      const counter = counters[next % counters.length]!;
      next += 1;
      const number = `B${seq}`;
      const ticketId = randomUUID();
      const at = Date.now();
      const base = { departmentId: counter.departmentId, occurredAt: at };
      const events = batches.get(counter.departmentId) ?? [];
      events.push(
        {
          ...base,
          id: randomUUID(),
          source: { id: 'bench', seq: seq * 2 },
          type: 'ticket.issued',
          ticketId,
          ticketNumber: number,
          serviceCode: counter.services[0],
        },
        {
          ...base,
          id: randomUUID(),
          source: { id: 'bench', seq: seq * 2 + 1 },
          type: 'ticket.called',
          ticketId,
          counterId: counter.id,
        },
      );
      batches.set(counter.departmentId, events);
      sentAt.set(number, at);
      seq += 1;
    }
    for (const [departmentId, events] of batches) {
      posted += events.length;
      inFlight.push(
        postEvents(stack.url, departments.get(departmentId)!.apiKey, events).catch(() => undefined),
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all(inFlight);
  return { posted, sentAt };
}
