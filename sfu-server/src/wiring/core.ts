import path from 'node:path';
import { Registry } from 'prom-client';
import { type Clock, offsetClock } from '@counterwatch/shared';
import { AccountService } from '../accounts/AccountService.js';
import { AlertEngine } from '../alerts/AlertEngine.js';
import { endOfServiceDay } from '../alerts/rules.js';
import { AuditLog } from '../audit/AuditLog.js';
import type { ServerConfig } from '../config.js';
import { Directory } from '../counters/Directory.js';
import { readDirectoryFile } from '../counters/directoryFile.js';
import type { Logger } from '../logger.js';
import { MediaService } from '../media/MediaService.js';
import { nodeSegmentClient, nodeSegmentServer } from '../nodes/cluster.js';
import type { NodeSegmentServer } from '../nodes/NodeSegments.js';
import { DatabaseLatency } from '../ops/ServerMetrics.js';
import { instrumentStorage } from '../ops/instrumentStorage.js';
import { QueueService } from '../queue/QueueService.js';
import { ClipService, RecordingService } from '../recording/index.js';
import { SINGLE_PROCESS, type Storage } from '../storage/Storage.js';
import { openStorage } from '../storage/open.js';

export const DAY_MS = 24 * 3_600_000;

/** The parts that open something (the database, media workers, disks): built once, in order. */
export interface Core {
  config: ServerConfig;
  clock: Clock;
  logger: Logger;
  storage: Storage;
  directory: Directory;
  media: MediaService;
  queue: QueueService;
  alerts: AlertEngine;
  recording: RecordingService | null;
  /** Clips of any node's recording, for playback, review and export here. */
  clips: ClipService;
  /** A media node's segments served to control processes; null elsewhere. */
  nodeSegments: NodeSegmentServer | null;
  /** This server's metrics registry (one per instance: tests run several servers in one process). */
  registry: Registry;
}

/** Opens the storage and builds on it; if any later part fails, the storage is closed again. */
export async function openCore(config: ServerConfig, logger: Logger): Promise<Core> {
  const clock = offsetClock(config.clockOffsetMs);
  if (config.clockOffsetMs !== 0) logger.warn({ offsetMs: config.clockOffsetMs }, 'clock offset in use');
  const registry = new Registry();
  const latency = new DatabaseLatency(registry, config.databaseUrl === null ? 'sqlite' : 'postgres');
  // Every part stores through the timed storage: database latency as the server lives it.
  const storage = instrumentStorage(
    await openStorage({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, logger, now: clock }),
    latency.observe,
  );
  try {
    const provision = config.directoryFile ? readDirectoryFile(config.directoryFile) : null;
    const directory = await Directory.load({ storage, logger, provision, now: clock });
    if (config.bootstrapAdmin) await bootstrapFirstAdmin(storage, logger, clock);
    // The alert engine names tickets by their printed number, which the queue (built next) knows.
    const names: { queue?: QueueService } = {};
    const alerts = await AlertEngine.create({
      storage,
      audit: new AuditLog({ store: storage.audit, logger, now: clock }),
      logger,
      clearHoldMs: config.alertClearHoldMs,
      now: clock,
      ticketNumber: (departmentId, ticketId) =>
        names.queue?.ticket(departmentId, ticketId)?.number ?? undefined,
      endOfDay: (departmentId, at) => endOfServiceDay(directory.department(departmentId), at),
      departmentIds: directory.departments().map((d) => d.id),
    });
    const queue = await QueueService.create({
      storage,
      directory,
      thresholds: (departmentId) => alerts.thresholds(departmentId),
      logger,
      now: clock,
    });
    names.queue = queue;
    const media = await MediaService.create({
      size: config.media.workers,
      listenIp: config.media.listenIp,
      announcedIp: config.media.announcedIp,
      webRtcPort: config.media.webRtcPort,
      webRtcTcp: config.media.webRtcTcp,
      udpBufferBytes: config.media.udpBufferBytes,
      rtcMinPort: config.media.rtcMinPort,
      rtcMaxPort: config.media.rtcMaxPort,
      logger,
    });
    const releaseAfterMs = config.recording.holdReleaseDays * DAY_MS;
    // Whose disk a segment is on: a media node's name; a single process is its own node.
    const segmentNode = config.role === 'media' ? config.node.name : SINGLE_PROCESS;
    // A control process records nothing: its counters publish on the media nodes.
    const recording =
      config.recording.enabled && config.role !== 'control'
        ? await RecordingService.create({
            store: storage.recordings,
            heldSpans: async (now) => [
              ...(await storage.reviews.heldSpans(now, releaseAfterMs, 60_000)),
              ...(await storage.inspections.heldSpans(now, releaseAfterMs, 60_000)),
            ],
            recordingsDir: config.recording.dir,
            node: segmentNode,
            segmentSeconds: config.recording.segmentSeconds,
            retentionDays: config.recording.retentionDays,
            quotaBytes: config.recording.quotaBytes,
            ffmpegPorts: config.recording.ports,
            logger,
            now: clock,
          })
        : null;
    const clusterParts = { storage, logger };
    const clips = await ClipService.create({
      store: storage.recordings,
      node: segmentNode,
      recordingsDir: recording?.dir ?? null,
      clipsDir: path.join(config.dataDir, 'clips'),
      remote: config.role === 'all' ? null : nodeSegmentClient(clusterParts),
      logger,
    });
    const nodeSegments =
      config.role === 'media' && recording
        ? nodeSegmentServer(clusterParts, { node: segmentNode, root: recording.dir })
        : null;
    return {
      config,
      clock,
      logger,
      storage,
      directory,
      media,
      queue,
      alerts,
      recording,
      clips,
      nodeSegments,
      registry,
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/** First run: an empty database gets one admin with a generated password, printed once. */
async function bootstrapFirstAdmin(storage: Storage, logger: Logger, now: Clock): Promise<void> {
  const accounts = new AccountService({
    storage,
    audit: new AuditLog({ store: storage.audit, logger, now }),
    logger,
    now,
  });
  const password = await accounts.bootstrapFirstAdmin();
  if (password === null) return;
  logger.info('first admin account created');
  // Printed to the terminal once, never to the log.
  process.stdout.write(
    `\nFirst admin account created. login admin: admin ${password}\nChange it after logging in.\n\n`,
  );
}
