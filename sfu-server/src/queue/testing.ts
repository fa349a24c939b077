import { QueueEventSchema, type Counter, type Department, type QueueEvent } from '@counterwatch/shared';

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

/** A directory of one ward ('d', no opening hours) with two id-card counters ('c1', 'c2'), for queue tests. */
export function oneWardDirectory() {
  const department = {
    id: 'd',
    name: 'Phường',
    openingHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
  } as unknown as Department;
  const counters: Counter[] = [
    { id: 'c1', departmentId: 'd', name: 'Quầy 1', services: ['id-card'] },
    { id: 'c2', departmentId: 'd', name: 'Quầy 2', services: ['id-card'] },
  ];
  return {
    department: (id: string) => (id === 'd' ? department : undefined),
    departments: () => [department],
    counter: (id: string) => counters.find((c) => c.id === id),
    counters: () => counters,
  };
}
