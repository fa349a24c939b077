import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { Registry } from 'prom-client';
import { WebSocketServer } from 'ws';
import { type Clock, type CounterPatch, offsetClock } from '@counterwatch/shared';
import { AccountService } from './accounts/AccountService.js';
import { ChangeFollower } from './accounts/ChangeFollower.js';
import { AlertEngine } from './alerts/AlertEngine.js';
import { endOfServiceDay } from './alerts/rules.js';
import { AuditLog } from './audit/AuditLog.js';
import { recordLiveView } from './audit/liveViews.js';
import { canWatch } from './auth/access.js';
import { SessionService } from './auth/SessionService.js';
import type { ServerConfig } from './config.js';
import { Directory } from './counters/Directory.js';
import { readDirectoryFile } from './counters/directoryFile.js';
import { MediaStatusBoard } from './counters/MediaStatusBoard.js';
import { DeviceRegistry } from './devices/DeviceRegistry.js';
import { createHttpServer } from './http/app.js';
import { Downloads } from './http/downloads.js';
import { upgradeClientAddress } from './http/requestContext.js';
import { DirectoryService } from './counters/DirectoryService.js';
import { EnrolmentLimiter } from './auth/enrolment.js';
import { InspectionService } from './inspections/InspectionService.js';
import { WallViewService } from './wall/WallViewService.js';
import { OfficerService } from './officers/OfficerService.js';
import type { Logger } from './logger.js';
import { LiveMedia } from './media/LiveMedia.js';
import { MediaService } from './media/MediaService.js';
import type { NodeLinkGateway } from './nodes/NodeLinkGateway.js';
import { NodeRegistry } from './nodes/NodeRegistry.js';
import type { RemoteMedia } from './nodes/RemoteMedia.js';
import {
  createNodeLinks,
  createRemoteMedia,
  nodeSegmentClient,
  nodeSegmentServer,
  type ClusterParts,
} from './nodes/cluster.js';
import type { NodeSegmentServer } from './nodes/NodeSegments.js';
import { PlacementService } from './nodes/PlacementService.js';
import type { MetricsResult } from './queue/metrics.js';
import { QueueService } from './queue/QueueService.js';
import { ClipService, RecordingService } from './recording/index.js';
import { ReportScheduler } from './reports/ReportScheduler.js';
import { ReportService } from './reports/ReportService.js';
import { StaffingService } from './staffing/StaffingService.js';
import { ReviewService, typicalServiceSeconds } from './review/ReviewService.js';
import { AgentGateway } from './signalling/AgentGateway.js';
import { upgradeHandler } from './signalling/upgrade.js';
import { recordLiveMedia } from './recording/recordLiveMedia.js';
import { buildHttpApp } from './http/api.js';
import { ConsoleGateway } from './signalling/ConsoleGateway.js';
import { SINGLE_PROCESS, type ChangeSubscription, type Storage } from './storage/Storage.js';
import { openStorage } from './storage/open.js';
import { buildSnapshot, type ViewSources } from './views.js';
import { HealthCheck } from './ops/HealthCheck.js';
import { instrumentStorage } from './ops/instrumentStorage.js';
import { DatabaseLatency, ServerMetrics } from './ops/ServerMetrics.js';

const STATS_INTERVAL_MS = 2_000;
const DAY_MS = 24 * 3_600_000;

interface Parts {
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

/**
 * The composition root: builds every part, wires their events together and
 * owns the HTTP server. Parts never reach for each other; they meet here.
 */
export class CounterWatchServer {
  readonly #config: ServerConfig;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #storage: Storage;
  readonly #directory: Directory;
  readonly #media: MediaService;
  readonly #queue: QueueService;
  readonly #alerts: AlertEngine;
  readonly #recording: RecordingService | null;
  readonly #clips: ClipService;
  readonly #nodeSegments: NodeSegmentServer | null;
  readonly #audit: AuditLog;
  readonly #accounts: AccountService;
  readonly #changes: ChangeFollower;
  readonly #leadership: ChangeSubscription;
  readonly #reviews: ReviewService;
  readonly #inspections: InspectionService;
  readonly #wallViews: WallViewService;
  readonly #devices: DeviceRegistry;
  readonly #directoryAdmin: DirectoryService;
  readonly #officers: OfficerService;
  readonly #reports: ReportService;
  readonly #reportSchedule: ReportScheduler;
  readonly #staffing: StaffingService;
  readonly #metrics: ServerMetrics;
  readonly #health: HealthCheck;
  readonly #downloads = new Downloads();
  readonly #views: ViewSources;
  readonly #live = new LiveMedia();
  readonly #board: MediaStatusBoard;
  readonly #sessions: SessionService;
  readonly #agents: AgentGateway;
  readonly #consoles: ConsoleGateway;
  readonly #app: express.Express;
  readonly #http: http.Server;
  readonly #wss: WebSocketServer;
  readonly #placement: PlacementService | null;
  readonly #nodeLinks: NodeLinkGateway | null;
  readonly #remote: RemoteMedia | null;
  #node: NodeRegistry | undefined;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(parts: Parts) {
    const { config, logger, storage, clock } = parts;
    this.#config = config;
    this.#clock = clock;
    this.#logger = logger;
    this.#storage = storage;
    this.#directory = parts.directory;
    this.#media = parts.media;
    this.#queue = parts.queue;
    this.#alerts = parts.alerts;
    this.#recording = parts.recording;
    this.#clips = parts.clips;
    this.#nodeSegments = parts.nodeSegments;
    this.#board = new MediaStatusBoard({ reconnectGraceMs: config.media.reconnectGraceMs, now: clock });
    this.#audit = new AuditLog({ store: storage.audit, logger, now: clock });
    this.#sessions = new SessionService({ storage, audit: this.#audit, logger, now: clock });
    this.#accounts = new AccountService({
      storage,
      audit: this.#audit,
      logger,
      now: clock,
      credentialsChanged: () => this.#directory.refresh(),
    });
    const releaseAfterMs = config.recording.holdReleaseDays * DAY_MS;
    this.#officers = new OfficerService({
      store: storage.officers,
      attempts: storage.attempts,
      audit: this.#audit,
      departmentExists: (id) => this.#directory.department(id) !== undefined,
      logger,
      now: clock,
    });
    this.#reviews = new ReviewService({
      store: storage.reviews,
      ticket: (departmentId, ticketId) => this.#queue.ticket(departmentId, ticketId),
      activeTicket: (departmentId, counterId) => this.#queue.activeTicket(departmentId, counterId),
      usualServiceSeconds: (departmentId, serviceCode) => {
        const measured = this.#queue
          .departmentMetrics(departmentId)
          ?.services.find((s) => s.serviceCode === serviceCode);
        return measured?.meanServiceSeconds ?? typicalServiceSeconds(serviceCode);
      },
      alertAbout: (departmentId, ticketId) => this.#alerts.activeAbout(departmentId, ticketId),
      officerAt: (counterId, at) => this.#officers.onDutyAt(counterId, at),
      officersAt: (queries) => this.#officers.onDutyAtMany(queries),
      departments: () => this.#directory.departments().map((d) => d.id),
      eventsSince: async (departmentId, since) =>
        (await storage.listQueueEvents(departmentId, since)).map((r) => r.event),
      audit: this.#audit,
      logger,
      releaseAfterMs,
      now: clock,
    });
    this.#wallViews = new WallViewService({
      store: this.#storage.wallViews,
      counter: (id) => this.#directory.counter(id),
      now: this.#clock,
    });
    this.#inspections = new InspectionService({
      store: storage.inspections,
      settings: storage.settings,
      audit: this.#audit,
      maxDurationMs: config.inspectionMaxMs,
      stillsDir: path.join(config.dataDir, 'stills'),
      officerOnDuty: (counterId) => this.#officers.onDuty(counterId),
      logger,
      releaseAfterMs,
      now: clock,
    });
    // One limiter for both enrolment endpoints: wrong codes count together.
    const enrolments = new EnrolmentLimiter({ store: storage.attempts, now: clock });
    this.#devices = new DeviceRegistry({
      store: storage.devices,
      audit: this.#audit,
      directory: this.#directory,
      logger,
      now: clock,
      limiter: enrolments,
    });
    this.#directoryAdmin = new DirectoryService({
      store: storage.directory,
      audit: this.#audit,
      host: this.#directory,
      logger,
      now: clock,
      limiter: enrolments,
    });
    this.#reports = new ReportService({
      storage,
      directory: this.#directory,
      audit: this.#audit,
      logger,
      now: clock,
    });
    this.#staffing = new StaffingService({
      storage,
      directory: this.#directory,
      audit: this.#audit,
      logger,
      now: clock,
    });
    this.#reportSchedule = new ReportScheduler({
      reports: this.#reports,
      directory: this.#directory,
      settings: storage.settings,
      audit: this.#audit,
      logger,
      now: clock,
      leads: () => storage.changes.leads(),
    });
    this.#views = {
      departments: () => this.#directory.departments(),
      counters: () => this.#directory.counters(),
      media: (id) => this.#board.get(id),
      queue: (id) => this.#queue.counterQueue(id),
      departmentMetrics: (id) => this.#queue.departmentMetrics(id),
      activeAlerts: (ids) => this.#alerts.active(ids),
    };

    // One process (`all`) takes every agent itself; control and media processes place them on nodes.
    this.#placement =
      config.role === 'all'
        ? null
        : new PlacementService({
            store: storage.nodes,
            departmentOf: (id) => this.#directory.counterOnRecord(id)?.departmentId,
            self: config.role === 'media' ? config.node.name : null,
            now: clock,
            logger,
          });
    const clientAddress = upgradeClientAddress(config.trustProxy);
    this.#agents = new AgentGateway({
      logger,
      clientAddress,
      host: {
        authenticate: (counterId, token) => this.#directory.authenticateCounter(counterId, token),
        place: async (counter, avoid) => (this.#placement ? this.#placement.place(counter, avoid) : null),
        welcome: () => ({
          renditions: [config.media.renditions.grid, config.media.renditions.focus],
          audioBitrateKbps: config.media.audioBitrateKbps,
          keyframeIntervalSeconds: config.media.keyframeIntervalSeconds,
          heartbeatIntervalMs: 5_000,
          serverTime: clock(),
        }),
        getRouter: (departmentId) => this.#media.getRouter(departmentId),
        plainIngest: {
          listenIp: config.media.listenIp,
          announcedIp: config.media.announcedIp,
          ingestHost: config.media.ingestHost,
        },
        attachIngest: (ingest) => this.#live.attach(ingest),
        reportHealth: (counterId, health) => this.#board.setAgentHealth(counterId, health),
        ingestEvents: (counter, events, sentAt) =>
          this.#queue.ingest(
            { kind: 'agent', departmentId: counter.departmentId, counterId: counter.id },
            events,
            sentAt,
          ),
      },
    });
    this.#agents.on('agentGone', (counterId) => this.#board.agentGone(counterId));
    this.#agents.on('agentConnected', (counter) => this.#board.credentialAccepted(counter.id));
    // Only counters that exist: a made-up id must not grow the board.
    this.#agents.on('tokenRefused', (counterId) => {
      if (this.#directory.counter(counterId)) this.#board.credentialRefused(counterId);
    });

    this.#consoles = new ConsoleGateway({
      sessions: this.#sessions,
      logger,
      clientAddress,
      host: {
        snapshot: (user) => buildSnapshot(this.#views, user, clock()),
        watchableCounter: (user, counterId) => {
          const counter = this.#directory.counter(counterId);
          return counter && canWatch(user, counter.departmentId)
            ? { departmentId: counter.departmentId }
            : undefined;
        },
        canWatchDepartment: (user, departmentId) =>
          this.#directory.department(departmentId) !== undefined && canWatch(user, departmentId),
        rtpCapabilities: () => this.#media.rtpCapabilities,
        viewer: {
          getRouter: (departmentId) => this.#media.getRouter(departmentId),
          lookupTrack: (counterId, track) =>
            this.#live.lookup(counterId, track) ?? this.#remote?.lookup(counterId, track),
        },
        viewStarted: (user, info, from) => recordLiveView(this.#audit, 'start', user, info, from),
        viewStopped: (user, info, from) => {
          recordLiveView(this.#audit, 'stop', user, info, from).catch((error: unknown) =>
            this.#logger.error({ err: error, counterId: info.counterId }, 'end of a live view not on record'),
          );
        },
      },
    });

    const recording = this.#recording;
    const record = recording
      ? recordLiveMedia(recording, {
          live: this.#live,
          counter: (id) => this.#directory.counter(id),
          router: (departmentId) => this.#media.getRouter(departmentId),
          logger,
        })
      : null;
    this.#live.on('changed', (counterId) => {
      this.#board.setTracks(counterId, {
        tracks: this.#live.tracks(counterId),
        epoch: this.#live.epoch(counterId),
        publisher: this.#live.ingest(counterId)?.publisher ?? null,
      });
      record?.(counterId);
    });
    this.#board.on('changed', (ids) => this.#broadcastMedia(ids));
    // Across processes: a media node tells the control processes linked to it what it serves; a
    // control process shows the counters of every node and pipes in what its consoles watch.
    const cluster: ClusterParts = {
      storage,
      media: this.#media,
      live: this.#live,
      board: this.#board,
      departmentOf: (id) => this.#directory.counterOnRecord(id)?.departmentId,
      node: config.node,
      listen: { listenIp: config.media.listenIp, announcedIp: config.media.announcedIp },
      clock,
      logger,
    };
    this.#nodeLinks = config.role === 'media' ? createNodeLinks(cluster) : null;
    this.#remote = config.role === 'control' ? createRemoteMedia(cluster) : null;
    this.#queue.on('computed', (departmentId, result, changed) =>
      this.#onMetrics(departmentId, result, changed),
    );
    this.#queue.on('accepted', (event, _at, own) => {
      this.#alerts.onEvent(event);
      // The process that accepted an event records its interaction (once, whichever process it was).
      if (own) void this.#reviews.onEvent(event);
    });
    this.#alerts.on('changed', (alerts) => this.#consoles.broadcastAlerts(alerts));
    this.#alerts.on('thresholdsChanged', (departmentId) => this.#queue.refresh(departmentId));
    this.#directory.on('changed', () => this.#consoles.broadcastSnapshot());
    this.#directory.on('counterCredentialsChanged', (counterId) =>
      this.#agents.disconnect(counterId, 'agent token rotated or revoked'),
    );
    // Account and secret changes, this process's and the CLI's alike.
    this.#changes = new ChangeFollower({
      feed: storage.changes,
      logger,
      host: {
        directoryChanged: () => this.#directory.refresh(),
        userChanged: (userId) => this.#consoles.revalidate((c) => c.user.id === userId),
        sessionChanged: (hash) => this.#consoles.revalidate((c) => c.sessionHash === hash),
        // Other server processes on the same database (PostgreSQL): their events, alerts, thresholds.
        queueChanged: (departmentId) => this.#queue.catchUp(departmentId),
        alertChanged: (alertId) => this.#alerts.reload(alertId),
        thresholdsChanged: async (departmentId) => {
          await this.#alerts.reloadThresholds(departmentId);
          this.#queue.refresh(departmentId);
        },
      },
    });
    this.#leadership = storage.changes.onLeadership((leading) => {
      if (!leading) return;
      this.#alerts
        .takeOver()
        .catch((error: unknown) => this.#logger.error({ err: error }, 'alert writer not taken over'));
    });
    this.#recording?.on('health', (counterId, health) => this.#board.setRecording(counterId, health));
    const allDepartments = () => this.#directory.departments().map((d) => d.id);
    // A media node's disk is its own condition (the alert names it); a single process has one disk.
    const disk = this.#config.role === 'media' ? this.#config.node.name : '';
    this.#recording?.on('storageFull', (info) => {
      this.#logger.error(info, 'recording storage full: nothing unprotected left to delete');
      this.#alerts.setStorageFull(allDepartments(), info, disk);
    });
    this.#recording?.on('storageOk', () => this.#alerts.setStorageFull(allDepartments(), null, disk));

    this.#metrics = new ServerMetrics({
      registry: parts.registry,
      logger,
      host: {
        workers: () => this.#media.workerUsage(),
        mediaObjects: () => this.#media.objects(),
        viewers: () => this.#consoles.connectionCount,
        agents: () => this.#agents.connectionCount,
        activeAlerts: () => this.#alerts.active(),
        recording: async () => (recording ? recording.figures() : null),
        pingDatabase: () => storage.ping(),
      },
    });
    this.#queue.on('batch', (origin, result) => this.#metrics.observeBatch(origin.kind, result));
    this.#queue.on('batchRefused', (origin, code) => this.#metrics.observeBatchRefused(origin.kind, code));
    this.#recording?.on('health', (_counterId, health) => this.#metrics.recordingHealthChanged(health));
    this.#health = new HealthCheck({
      logger,
      host: {
        pingDatabase: () => storage.ping(),
        workers: () => this.#media.liveWorkers(),
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

    this.#app = buildHttpApp({
      accounts: this.#accounts,
      alerts: this.#alerts,
      audit: this.#audit,
      board: this.#board,
      clips: this.#clips,
      clock: this.#clock,
      config: this.#config,
      devices: this.#devices,
      directory: this.#directory,
      directoryAdmin: this.#directoryAdmin,
      downloads: this.#downloads,
      health: this.#health,
      inspections: this.#inspections,
      logger: this.#logger,
      media: this.#media,
      metrics: this.#metrics,
      nodeSegments: this.#nodeSegments,
      officers: this.#officers,
      queue: this.#queue,
      reportSchedule: this.#reportSchedule,
      reports: this.#reports,
      reviews: this.#reviews,
      sessions: this.#sessions,
      staffing: this.#staffing,
      storage: this.#storage,
      views: this.#views,
      wallViews: this.#wallViews,
      app: () => this.#app,
    });
    this.#http = createHttpServer(this.#app, logger);
    // The hard cap; each protocol answers smaller limits itself with a `message_too_large` error.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
    const links = this.#nodeLinks;
    this.#http.on(
      'upgrade',
      upgradeHandler({
        wss: this.#wss,
        allowedOrigins: config.allowedOrigins,
        session: (cookie) => this.#sessions.resolve(cookie),
        console: (ws, request, session) => this.#consoles.handle(ws, request, session),
        agent: (ws, request) => this.#agents.handle(ws, request),
        node: links ? (ws) => links.handle(ws) : null,
        logger,
      }),
    );
  }

  static async create(config: ServerConfig, logger: Logger): Promise<CounterWatchServer> {
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
      return new CounterWatchServer({
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
      });
    } catch (error) {
      await storage.close();
      throw error;
    }
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(this.#config.http.port, this.#config.http.host, () => {
        this.#http.off('error', reject);
        resolve();
      });
    });
    this.#statsTimer = setInterval(() => {
      void this.#live.pollStats(
        (counterId, stats) => this.#board.setStats(counterId, stats),
        // A producer closing between the lookup and getStats is normal during reconnects.
        (counterId, error) => this.#logger.debug({ counterId, err: error }, 'stats unavailable'),
      );
    }, STATS_INTERVAL_MS);
    this.#remote?.start();
    this.#queue.start();
    // In the background: what a process that died had accepted but not yet recorded.
    void this.#reviews.reconcile();
    this.#recording?.start();
    this.#clips.start();
    await this.#inspections.resume();
    this.#reportSchedule.start();
    const address = this.#http.address() as AddressInfo;
    if (this.#config.role === 'media') {
      const { node, media } = this.#config;
      this.#node = await NodeRegistry.create({
        store: this.#storage.nodes,
        identity: {
          ...node,
          url:
            node.url ??
            new URL(
              `http://${media.announcedIp.includes(':') ? `[${media.announcedIp}]` : media.announcedIp}:${address.port}`,
            ),
        },
        load: () => this.#agents.connectionCount,
        now: this.#clock,
        logger: this.#logger,
      });
      this.#node.on('draining', (draining) => {
        if (draining) this.#agents.moveAll(200);
      });
    }
    this.#logger.info({ host: address.address, port: address.port, role: this.#config.role }, 'listening');
    return address;
  }

  /** Stops accepting, closes agents and consoles, recording, media, then storage. Runs once. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#statsTimer);
      // Deregistered first, so the agents it is about to drop are placed elsewhere at once.
      await this.#node?.close();
      this.#nodeLinks?.close();
      this.#remote?.close();
      this.#changes.close();
      this.#leadership.close();
      this.#inspections.close();
      await this.#reportSchedule.close();
      this.#queue.close();
      this.#agents.close();
      this.#consoles.close();
      this.#board.close();
      this.#wss.close();
      const httpClosed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
      this.#http.closeAllConnections();
      await this.#recording?.close();
      await this.#clips.close();
      await this.#media.close();
      await httpClosed;
      // What was accepted is stored and recorded before the store closes.
      await this.#queue.settled();
      await this.#reviews.settled();
      await this.#sessions.close();
      await this.#alerts.flush();
      await this.#storage.close();
      this.#logger.info('closed');
    })();
    return this.#closing;
  }

  #broadcastMedia(counterIds: string[]): void {
    const patches: CounterPatch[] = counterIds.map((id) => ({ id, media: this.#board.get(id) }));
    this.#consoles.broadcastPatches(
      this.#clock(),
      patches,
      (id) => this.#directory.counter(id)?.departmentId,
    );
  }

  /** Fresh metrics: patch consoles with what changed, and let the alert rules look. */
  #onMetrics(
    departmentId: string,
    result: MetricsResult,
    changed: { counters: string[]; department: boolean },
  ): void {
    const at = this.#clock();
    if (changed.counters.length > 0) {
      const patches: CounterPatch[] = changed.counters.flatMap((id) => {
        const queue = result.counters.get(id);
        return queue ? [{ id, queue }] : [];
      });
      this.#consoles.broadcastPatches(at, patches, (id) => this.#directory.counter(id)?.departmentId);
    }
    if (changed.department) this.#consoles.broadcastDepartments(at, [result.department]);
    const department = this.#directory.department(departmentId);
    if (!department) return;
    const counters = this.#directory
      .counters()
      .filter((c) => c.departmentId === departmentId)
      .flatMap((counter) => {
        const queue = result.counters.get(counter.id);
        return queue ? [{ counter, queue, media: this.#board.get(counter.id) }] : [];
      });
    this.#alerts.evaluateMetrics({ department, metrics: result.department, counters });
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
