import { QueueEventSchema, type QueueEvent } from '@counterwatch/shared';

type Body = { type: QueueEvent['type'] } & Record<string, unknown>;

/** Builds valid queue events tersely for tests: one source, increasing sequence numbers; validated. */
export function eventFactory(departmentId: string, sourceId = 'qs') {
  let seq = 0;
  let n = 0;
  return (
    body: Body,
    occurredAt: number,
    overrides: { source?: string; seq?: number; id?: string } = {},
  ): QueueEvent =>
    QueueEventSchema.parse({
      id: overrides.id ?? `${departmentId}-e${++n}`,
      departmentId,
      occurredAt,
      source: { id: overrides.source ?? sourceId, seq: overrides.seq ?? ++seq },
      ...body,
    });
}
