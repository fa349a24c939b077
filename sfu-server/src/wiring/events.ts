import type { CounterPatch } from '@counterwatch/shared';
import { ChangeFollower } from '../accounts/ChangeFollower.js';
import type { MetricsResult } from '../queue/metrics.js';
import type { ChangeSubscription } from '../storage/Storage.js';
import type { Core } from './core.js';
import type { Gateways } from './gateways.js';
import type { LiveParts } from './live.js';
import type { Services } from './services.js';

/** What the event wiring leaves open, for the server to close. */
export interface EventWiring {
  changes: ChangeFollower;
  leadership: ChangeSubscription;
}

/**
 * Parts meet here through their events: fresh metrics patch consoles and feed the alert rules,
 * accepted events reach alerts and reviews, and changes made by other processes are followed.
 */
export function wireEvents(
  core: Core,
  services: Services,
  parts: LiveParts,
  gateways: Gateways,
): EventWiring {
  const { config, clock, logger, storage, directory, queue, alerts, recording } = core;
  const { board } = parts;
  const { agents, consoles } = gateways;
  const departmentOf = (id: string) => directory.counter(id)?.departmentId;

  board.on('changed', (ids) => {
    const patches: CounterPatch[] = ids.map((id) => ({ id, media: board.get(id) }));
    consoles.broadcastPatches(clock(), patches, departmentOf);
  });

  const onMetrics = (
    departmentId: string,
    result: MetricsResult,
    changed: { counters: string[]; department: boolean },
  ): void => {
    const at = clock();
    if (changed.counters.length > 0) {
      const patches: CounterPatch[] = changed.counters.flatMap((id) => {
        const counterQueue = result.counters.get(id);
        return counterQueue ? [{ id, queue: counterQueue }] : [];
      });
      consoles.broadcastPatches(at, patches, departmentOf);
    }
    if (changed.department) consoles.broadcastDepartments(at, [result.department]);
    const department = directory.department(departmentId);
    if (!department) return;
    const counters = directory
      .counters()
      .filter((c) => c.departmentId === departmentId)
      .flatMap((counter) => {
        const counterQueue = result.counters.get(counter.id);
        return counterQueue ? [{ counter, queue: counterQueue, media: board.get(counter.id) }] : [];
      });
    alerts.evaluateMetrics({ department, metrics: result.department, counters });
  };
  queue.on('computed', onMetrics);
  queue.on('accepted', (event, _at, own) => {
    alerts.onEvent(event);
    // The process that accepted an event records its interaction (once, whichever process it was).
    if (own) void services.reviews.onEvent(event);
  });
  alerts.on('changed', (changed) => consoles.broadcastAlerts(changed));
  alerts.on('thresholdsChanged', (departmentId) => queue.refresh(departmentId));
  directory.on('changed', () => consoles.broadcastSnapshot());
  directory.on('counterCredentialsChanged', (counterId) =>
    agents.disconnect(counterId, 'agent token rotated or revoked'),
  );

  // A media node's disk is its own condition (the alert names it); a single process has one disk.
  const disk = config.role === 'media' ? config.node.name : '';
  const allDepartments = () => directory.departments().map((d) => d.id);
  recording?.on('storageFull', (info) => {
    logger.error(info, 'recording storage full: nothing unprotected left to delete');
    alerts.setStorageFull(allDepartments(), info, disk);
  });
  recording?.on('storageOk', () => alerts.setStorageFull(allDepartments(), null, disk));

  // Account and secret changes, this process's and the CLI's alike.
  const changes = new ChangeFollower({
    feed: storage.changes,
    logger,
    host: {
      directoryChanged: () => directory.refresh(),
      userChanged: (userId) => consoles.revalidate((c) => c.user.id === userId),
      sessionChanged: (hash) => consoles.revalidate((c) => c.sessionHash === hash),
      // Other server processes on the same database (PostgreSQL): their events, alerts, thresholds.
      queueChanged: () => queue.catchUp(),
      alertsChanged: (alertIds) => alerts.reload(alertIds),
      thresholdsChanged: async (departmentId) => {
        await alerts.reloadThresholds(departmentId);
        queue.refresh(departmentId);
      },
    },
  });
  const leadership = storage.changes.onLeadership((leading) => {
    if (!leading) return;
    alerts.takeOver().catch((error: unknown) => logger.error({ err: error }, 'alert writer not taken over'));
  });
  return { changes, leadership };
}
