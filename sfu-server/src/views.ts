import type {
  Alert,
  Counter,
  CounterMedia,
  CounterQueue,
  Department,
  DepartmentMetrics,
  Overview,
  Snapshot,
  User,
} from '@counterwatch/shared';
import { canWatch } from './auth/access.js';

/** What the read views need; the composition root supplies it. */
export interface ViewSources {
  departments(): Department[];
  counters(): Counter[];
  media(counterId: string): CounterMedia;
  queue(counterId: string): CounterQueue;
  departmentMetrics(departmentId: string): DepartmentMetrics | undefined;
  activeAlerts(departmentIds: ReadonlySet<string>): Alert[];
}

/** Everything a console draws, limited to the departments the user may watch. */
export function buildSnapshot(sources: ViewSources, user: User, now: number): Snapshot {
  const departments = sources.departments().filter((d) => canWatch(user, d.id));
  const visible = new Set(departments.map((d) => d.id));
  return {
    serverTime: now,
    user,
    departments,
    counters: sources
      .counters()
      .filter((c) => visible.has(c.departmentId))
      .map((c) => ({ ...c, media: sources.media(c.id), queue: sources.queue(c.id) })),
    departmentMetrics: departments.flatMap((d) => {
      const m = sources.departmentMetrics(d.id);
      return m ? [m] : [];
    }),
    alerts: sources.activeAlerts(visible),
  };
}

/** GET /api/v1/overview: departments with their counters' live queue facts. */
export function buildOverview(sources: ViewSources, user: User, now: number): Overview {
  const departments = sources.departments().filter((d) => canWatch(user, d.id));
  const counters = sources.counters();
  return {
    at: now,
    departments: departments.flatMap((d) => {
      const metrics = sources.departmentMetrics(d.id);
      if (!metrics) return [];
      return [
        {
          id: d.id,
          name: d.name,
          metrics,
          counters: counters
            .filter((c) => c.departmentId === d.id)
            .map((c) => {
              const q = sources.queue(c.id);
              return {
                id: c.id,
                name: c.name,
                services: c.services,
                status: sources.media(c.id).status,
                queueState: q.state,
                queueLength: q.queueLength,
                longestWaitSeconds: q.longestWaitSeconds,
                servingTicket: q.servingTicket,
                expectedWaitSeconds: q.expectedWait.kind === 'finite' ? q.expectedWait.seconds : null,
                expectedWaitUnbounded: q.expectedWait.kind === 'unbounded',
                servedToday: q.servedToday,
                satisfaction: q.satisfaction,
                pressure: q.pressure,
              };
            }),
        },
      ];
    }),
  };
}
