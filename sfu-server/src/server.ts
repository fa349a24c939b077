import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  AppError,
  type CounterPatch,
  type EventBatchResult,
  type Snapshot,
  type User,
} from '@counterwatch/shared';
import { canWatch } from './auth/access.js';
import { generatePassword, hashPassword } from './auth/secrets.js';
import { SessionService } from './auth/SessionService.js';
import type { ServerConfig } from './config.js';
import { Directory } from './counters/Directory.js';
import { readDirectoryFile } from './counters/directoryFile.js';
import { MediaStatusBoard } from './counters/MediaStatusBoard.js';
import { createHttpApp } from './http/app.js';
import { SESSION_COOKIE, originAllowed, readCookie } from './http/cookies.js';
import { authRoutes } from './http/routes/authRoutes.js';
import { healthRoutes } from './http/routes/healthRoutes.js';
import type { Logger } from './logger.js';
import { LiveMedia } from './media/LiveMedia.js';
import { MediaService } from './media/MediaService.js';
import { AgentGateway } from './signalling/AgentGateway.js';
import { ConsoleGateway } from './signalling/ConsoleGateway.js';
import type { Storage } from './storage/Storage.js';
import { SqliteStorage } from './storage/sqlite/SqliteStorage.js';

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
  }) {
    this.#config = parts.config;
    this.#logger = parts.logger;
    this.#storage = parts.storage;
    this.#directory = parts.directory;
    this.#media = parts.media;
    this.#board = new MediaStatusBoard({ reconnectGraceMs: parts.config.media.reconnectGraceMs });
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
        ingestEvents: (counter, sourceTag, events) =>
          this.#ingestEvents(counter.departmentId, sourceTag, events, counter.id),
      },
    });
    this.#agents.on('agentGone', (counterId) => this.#board.agentGone(counterId));

    this.#consoles = new ConsoleGateway({
      sessions: this.#sessions,
      logger: parts.logger,
      host: {
        snapshot: (user) => this.#snapshot(user),
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
      return new CounterWatchServer({ config, logger, storage, directory, media });
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
      this.#agents.close();
      this.#consoles.close();
      this.#board.close();
      this.#wss.close();
      const httpClosed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
      this.#http.closeAllConnections();
      await this.#media.close();
      await httpClosed;
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

  #snapshot(user: User): Snapshot {
    const departments = this.#directory.departments().filter((d) => canWatch(user, d.id));
    const visible = new Set(departments.map((d) => d.id));
    return {
      serverTime: Date.now(),
      user,
      departments,
      counters: this.#directory
        .counters()
        .filter((c) => visible.has(c.departmentId))
        .map((c) => ({ ...c, media: this.#board.get(c.id) })),
    };
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

  async #ingestEvents(
    _departmentId: string,
    _sourceTag: string,
    _events: unknown[],
    _counterId?: string,
  ): Promise<EventBatchResult> {
    throw new AppError('unavailable', 'queue events are not accepted yet');
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
