import { z } from 'zod';
import {
  EventBatchResultSchema,
  OverviewSchema,
  type EventBatchResult,
  type Overview,
} from '@counterwatch/shared';
import { countRows } from './database.js';

/** Posts a batch to /api/v1/events with a department key; returns status and parsed body. */
export async function postEvents(
  baseUrl: string,
  apiKey: string,
  events: unknown[],
): Promise<{ status: number; result?: EventBatchResult; error?: { code: string; message: string } }> {
  const res = await fetch(`${baseUrl}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ events }),
  });
  const body: unknown = await res.json();
  if (res.ok) return { status: res.status, result: EventBatchResultSchema.parse(body) };
  const error = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).parse(body).error;
  return { status: res.status, error };
}

export async function overview(baseUrl: string, cookie: string): Promise<Overview> {
  const res = await fetch(`${baseUrl}/api/v1/overview`, { headers: { cookie } });
  if (!res.ok) throw new Error(`overview: ${res.status}`);
  return OverviewSchema.parse(await res.json());
}

/** Counts the server's stored events (either backend). */
export function countStoredEvents(
  dataDir: string,
  where = '1 = 1',
  params: (string | number)[] = [],
): number {
  return countRows(dataDir, 'queue_events', where, params);
}

/** A tiny builder of valid events for one department and source, stamped by the stack's clock. */
export function events(departmentId: string, sourceId: string, idPrefix: string, now: () => number) {
  let seq = 0;
  let n = 0;
  return (body: Record<string, unknown>, occurredAt = now(), overrides: Record<string, unknown> = {}) => ({
    id: `${idPrefix}-${++n}`,
    departmentId,
    occurredAt,
    source: { id: sourceId, seq: ++seq },
    ...body,
    ...overrides,
  });
}
