import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import express from 'express';
import { WebSocketServer } from 'ws';
import type { AlertThresholds, CounterPatch } from '@counterwatch/shared';
import { AlertEngine } from './alerts/AlertEngine.js';
import { evaluateRules } from './alerts/rules.js';
import { canWatch, hasRole } from './auth/access.js';
import { generatePassword, hashPassword } from './auth/secrets.js';
import { SessionService } from './auth/SessionService.js';
import type { ServerConfig } from './config.js';
import { Directory } from './counters/Directory.js';
import { readDirectoryFile } from './counters/directoryFile.js';
import { MediaStatusBoard } from './counters/MediaStatusBoard.js';
import { createHttpApp } from './http/app.js';
import { SESSION_COOKIE, originAllowed, readCookie } from './http/cookies.js';
import { requireDepartmentKey } from './http/deviceAuth.js';
import { authRoutes } from './http/routes/authRoutes.js';
import { deviceRoutes } from './http/routes/deviceRoutes.js';
import { eventsRoutes } from './http/routes/eventsRoutes.js';
import { healthRoutes } from './http/routes/healthRoutes.js';
import { queueRoutes } from './http/routes/queueRoutes.js';
import type { Logger } from './logger.js';
import { LiveMedia } from './media/LiveMedia.js';
import { MediaService } from './media/MediaService.js';
import { DeviceCommands } from './queue/DeviceCommands.js';
import type { MetricsResult } from './queue/metrics.js';
import { QueueService } from './queue/QueueService.js';
import { AgentGateway } from './signalling/AgentGateway.js';
import { ConsoleGateway } from './signalling/ConsoleGateway.js';
import type { Storage } from './storage/Storage.js';
import { SqliteStorage } from './storage/sqlite/SqliteStorage.js';
import { buildOverview, buildSnapshot, type ViewSources } from './views.js';

const STATS_INTERVAL_MS = 2_000;

/**
 * The composition root: builds every part, wires their events together and
 * owns the HTTP server. Parts never reach for each other; they meet here.
 */
export class CounterWatchServer {
  readonly #config: ServerConfig;
  readonly #logger: Logger;
  readonly #storage: Storage;
  readonly #directory: Directory;
  readonly #media: MediaService;
  readonly #queue: QueueService;
  readonly #alerts: AlertEngine;
  readonly #views: ViewSources;
  readonly #live = new LiveMedia();
  readonly #board: MediaStatusBoard;
  readonly #sessions: SessionService;
  readonly #agents: AgentGateway;
  readonly #consoles: ConsoleGateway;
  readonly #http: http.Server;
  readonly #wss: WebSocketServer;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(parts: {
    config: ServerConfig;
    logger: Logger;
    storage: Storage;
    directory: Directory;
    media: MediaService;
    queue: QueueService;
    alerts: AlertEngine;
  }) {
    this.#config = parts.config;
    this.#logger = parts.logger;
    this.#storage = parts.storage;
    this.#directory = parts.directory;
    this.#media = parts.media;
    this.#queue = parts.queue;
    this.#alerts = parts.alerts;
    this.#board = new MediaStatusBoard({ reconnectGraceMs: parts.config.media.reconnectGraceMs });
    this.#views = {
      departments: () => this.#directory.departments(),
      counters: () => this.#directory.counters(),
      media: (id) => this.#board.get(id),
      queue: (id) => this.#queue.counterQueue(id),
      departmentMetrics: (id) => this.#queue.departmentMetrics(id),
      activeAlerts: (ids) => this.#alerts.active(ids),
    };
    this.#sessions = new SessionService({ storage: parts.storage, logger: parts.logger });

    this.#agents = new AgentGateway({
      logger: parts.logger,
      host: {
        authenticate: (counterId, token) => this.#directory.authenticateCounter(counterId, token),
        welcome: () => ({
          renditions: [this.#config.media.renditions.grid, this.#config.media.renditions.focus],
          audioBitrateKbps: this.#config.media.audioBitrateKbps,
          keyframeIntervalSeconds: this.#config.media.keyframeIntervalSeconds,
          heartbeatIntervalMs: 5_000,
        }),
        getRouter: (departmentId) => this.#media.getRouter(departmentId),
        plainIngest: {
          listenIp: this.#config.media.listenIp,
          announcedIp: this.#config.media.announcedIp,
          ingestHost: this.#config.media.ingestHost,
        },
        attachIngest: (ingest) => this.#live.attach(ingest),
        reportHealth: (counterId, health) => this.#board.setAgentHealth(counterId, health),
        ingestEvents: (counter, _sourceTag, events) =>
          this.#queue.ingest(
            { kind: 'agent', departmentId: counter.departmentId, counterId: counter.id },
            events,
          ),
      },
    });
    this.#agents.on('agentGone', (counterId) => this.#board.agentGone(counterId));

    this.#consoles = new ConsoleGateway({
      sessions: this.#sessions,
      logger: parts.logger,
      host: {
        snapshot: (user) => buildSnapshot(this.#views, user, Date.now()),
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
          lookupTrack: (counterId, track) => this.#live.lookup(counterId, track),
        },
      },
    });

    this.#live.on('changed', (counterId) => {
      const ingest = this.#live.ingest(counterId);
      this.#board.setTracks(counterId, {
        tracks: this.#live.tracks(counterId),
        epoch: this.#live.epoch(counterId),
        publisher: ingest?.publisher ?? null,
      });
    });
    this.#board.on('changed', (ids) => this.#broadcastMedia(ids));
    this.#queue.on('computed', (departmentId, result, changed) =>
      this.#onMetrics(departmentId, result, changed),
    );
    this.#queue.on('accepted', (event) => this.#alerts.onEvent(event));
    this.#alerts.on('changed', (alerts) => this.#consoles.broadcastAlerts(alerts));
    this.#directory.on('changed', () => this.#consoles.broadcastSnapshot());
    this.#directory.on('counterCredentialsChanged', (counterId) =>
      this.#agents.disconnect(counterId, 'agent token rotated or revoked'),
    );

    const allowedOrigins = parts.config.allowedOrigins;
    const app = createHttpApp({
      allowedOrigins,
      consoleDir: parts.config.consoleDir,
      logger: parts.logger,
      api: [
        {
          path: '/health',
          router: healthRoutes(() => this.#media.workerPids().filter((p) => p !== undefined).length),
        },
        {
          path: '/auth',
          router: authRoutes({
            sessions: this.#sessions,
            secureCookies: parts.config.publicUrl.protocol === 'https:',
          }),
        },
        {
          path: '/events',
          router: this.#withDepartmentKey(
            eventsRoutes((origin, events) => this.#queue.ingest(origin, events)),
          ),
        },
        {
          path: '/device',
          router: this.#withDepartmentKey(
            deviceRoutes(new DeviceCommands(this.#queue), (departmentId) =>
              this.#directory.counters().filter((c) => c.departmentId === departmentId),
            ),
          ),
        },
        {
          path: '/',
          router: queueRoutes(this.#sessions, {
            overview: (user) => buildOverview(this.#views, user, Date.now()),
            departmentExists: (id) => this.#directory.department(id) !== undefined,
            history: (id, from, to) => this.#queue.history(id, from, to),
            listAlerts: (query, scope) => this.#alerts.list(query, scope),
            getAlert: (id) => this.#alerts.get(id),
            acknowledgeAlert: (id, user) => this.#alerts.acknowledge(id, user.username),
            resolveAlert: (id, user, note) => this.#alerts.resolve(id, user.username, note),
            thresholds: (id) => this.#alerts.thresholds(id),
            setThresholds: (id, thresholds) => this.#setThresholds(id, thresholds),
            scope: (user) => (hasRole(user, 'director') ? null : user.departmentIds),
          }),
        },
      ],
    });

    this.#http = http.createServer(app);
    // The hard cap; each protocol answers smaller limits itself with a `message_too_large` error.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
    this.#http.on('upgrade', (request, socket, head) => this.#upgrade(request, socket, head, allowedOrigins));
  }

  static async create(config: ServerConfig, logger: Logger): Promise<CounterWatchServer> {
    const storage = await SqliteStorage.create({ dataDir: config.dataDir, logger });
    try {
      const provision = config.directoryFile ? readDirectoryFile(config.directoryFile) : null;
      const directory = await Directory.load({ storage, logger, provision });
      if (config.bootstrapAdmin) await bootstrapFirstAdmin(storage, logger);
      const alerts = await AlertEngine.create({
        storage,
        logger,
        clearHoldMs: config.alertClearHoldMs,
        departmentIds: directory.departments().map((d) => d.id),
      });
      const queue = await QueueService.create({
        storage,
        directory,
        thresholds: (departmentId) => alerts.thresholds(departmentId),
        logger,
      });
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
      return new CounterWatchServer({ config, logger, storage, directory, media, queue, alerts });
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
    this.#statsTimer = setInterval(() => void this.#pollStats(), STATS_INTERVAL_MS);
    this.#queue.start();
    const address = this.#http.address() as AddressInfo;
    this.#logger.info({ host: address.address, port: address.port }, 'listening');
    return address;
  }

  /** Worker pids by slot, for fault drills and operations. */
  workerPids(): (number | undefined)[] {
    return this.#media.workerPids();
  }

  /** Stops accepting, closes agents and consoles, then media, then storage. Runs once. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#statsTimer);
      this.#queue.close();
      this.#agents.close();
      this.#consoles.close();
      this.#board.close();
      this.#wss.close();
      const httpClosed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
      this.#http.closeAllConnections();
      await this.#media.close();
      await httpClosed;
      await this.#alerts.flush();
      await this.#storage.close();
      this.#logger.info('closed');
    })();
    return this.#closing;
  }

  #upgrade(
    request: http.IncomingMessage,
    socket: Duplex,
    head: Buffer,
    allowedOrigins: readonly string[],
  ): void {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/ws/agent') {
      this.#wss.handleUpgrade(request, socket, head, (ws) => this.#agents.handle(ws, request));
      return;
    }
    if (path === '/ws/console') {
      if (!originAllowed(request, allowedOrigins)) {
        refuseUpgrade(socket, 403, 'Forbidden');
        return;
      }
      this.#sessions
        .resolve(readCookie(request, SESSION_COOKIE))
        .then((session) => {
          if (!session) {
            refuseUpgrade(socket, 401, 'Unauthorized');
            return;
          }
          this.#wss.handleUpgrade(request, socket, head, (ws) => this.#consoles.handle(ws, request, session));
        })
        .catch((error: unknown) => {
          this.#logger.error({ err: error }, 'console upgrade failed');
          refuseUpgrade(socket, 500, 'Internal Server Error');
        });
      return;
    }
    refuseUpgrade(socket, 404, 'Not Found');
  }

  #broadcastMedia(counterIds: string[]): void {
    const patches: CounterPatch[] = counterIds.map((id) => ({ id, media: this.#board.get(id) }));
    this.#consoles.broadcastPatches(Date.now(), patches, (id) => this.#directory.counter(id)?.departmentId);
  }

  async #pollStats(): Promise<void> {
    for (const counterId of this.#live.counters()) {
      const ingest = this.#live.ingest(counterId);
      if (!ingest || ingest.closed) continue;
      try {
        this.#board.setStats(counterId, await ingest.stats());
      } catch (error) {
        // A producer closing between the lookup and getStats is normal during reconnects.
        this.#logger.debug({ counterId, err: error }, 'stats unavailable');
      }
    }
  }

  /** Fresh metrics: patch consoles with what changed, and let the alert rules look. */
  #onMetrics(
    departmentId: string,
    result: MetricsResult,
    changed: { counters: string[]; department: boolean },
  ): void {
    const at = Date.now();
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
    const thresholds = this.#alerts.thresholds(departmentId);
    this.#alerts.evaluate(
      departmentId,
      evaluateRules({ department, metrics: result.department, counters, thresholds, now: at }),
    );
  }

  async #setThresholds(departmentId: string, thresholds: AlertThresholds): Promise<void> {
    await this.#alerts.setThresholds(departmentId, thresholds);
    this.#queue.refresh(departmentId);
  }

  /** Mounts a router behind the department API key check. */
  #withDepartmentKey(router: express.Router): express.Router {
    const wrapper = express.Router();
    wrapper.use(requireDepartmentKey((key) => this.#directory.authenticateDepartmentKey(key)));
    wrapper.use(router);
    return wrapper;
  }
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** First run: an empty database gets one admin with a generated password, printed once. */
async function bootstrapFirstAdmin(storage: Storage, logger: Logger): Promise<void> {
  if ((await storage.countUsers()) > 0) return;
  const password = generatePassword();
  await storage.createUser(
    {
      username: 'admin',
      displayName: 'Administrator',
      passwordHash: await hashPassword(password),
      roles: ['admin'],
      departmentIds: null,
    },
    Date.now(),
  );
  logger.info('first admin account created');
  // Printed to the terminal once, never to the log.
  process.stdout.write(
    `\nFirst admin account created. login admin: admin ${password}\nChange it after logging in.\n\n`,
  );
}
