import { EventBatchResultSchema, type Clock, type QueueEvent } from '@counterwatch/shared';
import type { SinkResult } from './simulator/SimulationRunner.js';

/** The receiver answered, but not with a batch result: try again later. */
export class SinkError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'SinkError';
  }
}

/**
 * Posts events to a server the way a department's queue-number system does:
 * `POST /api/v1/events` with the department's API key. A batch the server
 * did not take (network, 5xx, a refused key) throws, to be retried later;
 * events it refused one by one come back as rejected — dead letters the
 * caller keeps, never resent.
 */
export function queueSystemSink(
  baseUrl: string,
  apiKeyOf: (departmentId: string) => string,
  now: Clock,
): (departmentId: string, events: QueueEvent[]) => Promise<SinkResult> {
  return async (departmentId, events) => {
    const res = await fetch(`${baseUrl}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKeyOf(departmentId)}` },
      body: JSON.stringify({ events, sentAt: now() }),
    });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) throw new SinkError(`events refused: ${res.status} ${JSON.stringify(body)}`, res.status);
    const result = EventBatchResultSchema.parse(body);
    return {
      rejected: result.results.flatMap((r) =>
        r.status === 'rejected' ? [{ id: r.id, reason: r.reason ?? 'rejected' }] : [],
      ),
    };
  };
}
