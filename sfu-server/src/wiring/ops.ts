import { HealthCheck } from '../ops/HealthCheck.js';
import { ServerMetrics } from '../ops/ServerMetrics.js';
import type { Core } from './core.js';
import type { Gateways } from './gateways.js';

/** What an IT officer's monitoring reads: Prometheus metrics and the dependency health check. */
export interface Ops {
  metrics: ServerMetrics;
  health: HealthCheck;
}

export function buildOps(core: Core, gateways: Gateways): Ops {
  const { config, logger, storage, media, queue, alerts, recording } = core;
  const metrics = new ServerMetrics({
    registry: core.registry,
    logger,
    host: {
      workers: () => media.workerUsage(),
      mediaObjects: () => media.objects(),
      viewers: () => gateways.consoles.connectionCount,
      agents: () => gateways.agents.connectionCount,
      activeAlerts: () => alerts.active(),
      recording: async () => (recording ? recording.figures() : null),
      pingDatabase: () => storage.ping(),
    },
  });
  queue.on('batch', (origin, result) => metrics.observeBatch(origin.kind, result));
  queue.on('batchRefused', (origin, code) => metrics.observeBatchRefused(origin.kind, code));
  recording?.on('health', (_counterId, health) => metrics.recordingHealthChanged(health));
  const health = new HealthCheck({
    logger,
    host: {
      pingDatabase: () => storage.ping(),
      workers: () => media.liveWorkers(),
      recording: () =>
        recording
          ? {
              dir: recording.dir,
              minFreeBytes: config.recording.minFreeBytes,
              storageFull: recording.storageFull,
            }
          : null,
      changeFeedListening: () => storage.changes.listening(),
    },
  });
  return { metrics, health };
}
