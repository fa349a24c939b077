import { EventBatchResultSchema, type EventBatchResult, type QueueEvent } from '@counterwatch/shared';

/**
 * Posts events to a server the way a department's queue-number system does:
 * `POST /api/v1/events` with the department's API key. A refused event is
 * an error (the simulator only produces valid ones), so nothing is lost quietly.
 */
export function queueSystemSink(
  baseUrl: string,
  apiKeyOf: (departmentId: string) => string,
): (departmentId: string, events: QueueEvent[]) => Promise<EventBatchResult> {
  return async (departmentId, events) => {
    const res = await fetch(`${baseUrl}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKeyOf(departmentId)}` },
      body: JSON.stringify({ events, sentAt: Date.now() }),
    });
    const body: unknown = await res.json();
    if (!res.ok) throw new Error(`events refused: ${res.status} ${JSON.stringify(body)}`);
    const result = EventBatchResultSchema.parse(body);
    const rejected = result.results.find((r) => r.status === 'rejected');
    if (rejected) throw new Error(`event ${rejected.id} rejected: ${rejected.reason ?? ''}`);
    return result;
  };
}
