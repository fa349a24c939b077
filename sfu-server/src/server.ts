import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { ServerConfig } from './config.js';
import { createHttpServer } from './http/app.js';
import { buildHttpApp } from './http/api.js';
import { Downloads } from './http/downloads.js';
import type { Logger } from './logger.js';
import { NodeRegistry } from './nodes/NodeRegistry.js';
import { upgradeHandler } from './signalling/upgrade.js';
import { type Core, openCore } from './wiring/core.js';
import { type EventWiring, wireEvents } from './wiring/events.js';
import { buildGateways, type Gateways } from './wiring/gateways.js';
import { buildLive, type LiveParts } from './wiring/live.js';
import { buildOps } from './wiring/ops.js';
import { buildServices, type Services } from './wiring/services.js';

const STATS_INTERVAL_MS = 2_000;

/**
 * The composition root: opens the core parts, builds the services, gateways and live media on
 * them (`wiring/`), and owns the HTTP server and the lifecycle. Parts never reach for each other;
 * they meet in the wiring.
 */
export class CounterWatchServer {
  readonly #core: Core;
  readonly #services: Services;
  readonly #parts: LiveParts;
  readonly #gateways: Gateways;
  readonly #events: EventWiring;
  readonly #http: http.Server;
  readonly #wss: WebSocketServer;
  #node: NodeRegistry | undefined;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(core: Core) {
    const { config, logger } = core;
    this.#core = core;
    const services = (this.#services = buildServices(core));
    const parts = (this.#parts = buildLive(core));
    const gateways = (this.#gateways = buildGateways(core, services, parts));
    this.#events = wireEvents(core, services, parts, gateways);
    const ops = buildOps(core, gateways);
    const app = buildHttpApp({
      ...core,
      ...services,
      ...ops,
      board: parts.board,
      views: gateways.views,
      downloads: new Downloads(),
      app: () => app,
    });
    this.#http = createHttpServer(app, logger);
    // The hard cap; each protocol answers smaller limits itself with a `message_too_large` error.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
    const links = parts.nodeLinks;
    this.#http.on(
      'upgrade',
      upgradeHandler({
        wss: this.#wss,
        allowedOrigins: config.allowedOrigins,
        session: (cookie) => services.sessions.resolve(cookie),
        console: (ws, request, session) => gateways.consoles.handle(ws, request, session),
        agent: (ws, request) => gateways.agents.handle(ws, request),
        node: links ? (ws) => links.handle(ws) : null,
        logger,
      }),
    );
  }

  static async create(config: ServerConfig, logger: Logger): Promise<CounterWatchServer> {
    return new CounterWatchServer(await openCore(config, logger));
  }

  async listen(): Promise<AddressInfo> {
    const { config, clock, logger, storage, queue, recording, clips } = this.#core;
    const { live, board, remote } = this.#parts;
    const { agents } = this.#gateways;
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(config.http.port, config.http.host, () => {
        this.#http.off('error', reject);
        resolve();
      });
    });
    this.#statsTimer = setInterval(() => {
      void live.pollStats(
        (counterId, stats) => board.setStats(counterId, stats),
        // A producer closing between the lookup and getStats is normal during reconnects.
        (counterId, error) => logger.debug({ counterId, err: error }, 'stats unavailable'),
      );
    }, STATS_INTERVAL_MS);
    // A change another process commits from here on reaches this one.
    await this.#events.changes.ready();
    remote?.start();
    queue.start();
    // In the background: what a process that died had accepted but not yet recorded.
    void this.#services.reviews.reconcile();
    recording?.start();
    clips.start();
    await this.#services.inspections.resume();
    this.#services.reportSchedule.start();
    const address = this.#http.address() as AddressInfo;
    if (config.role === 'media') {
      const { node, media } = config;
      this.#node = await NodeRegistry.create({
        store: storage.nodes,
        identity: {
          ...node,
          url:
            node.url ??
            new URL(
              `http://${media.announcedIp.includes(':') ? `[${media.announcedIp}]` : media.announcedIp}:${address.port}`,
            ),
        },
        load: () => agents.connectionCount,
        now: clock,
        logger,
      });
      this.#node.on('draining', (draining) => {
        if (draining) agents.moveAll(200);
      });
    }
    logger.info({ host: address.address, port: address.port, role: config.role }, 'listening');
    return address;
  }

  /** Stops accepting, closes agents and consoles, recording, media, then storage. Runs once. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const { logger, storage, media, queue, alerts, recording, clips } = this.#core;
      const { sessions, reviews, inspections, reportSchedule } = this.#services;
      clearInterval(this.#statsTimer);
      // Deregistered first, so the agents it is about to drop are placed elsewhere at once.
      await this.#node?.close();
      this.#parts.nodeLinks?.close();
      this.#parts.remote?.close();
      this.#events.changes.close();
      this.#events.leadership.close();
      inspections.close();
      await reportSchedule.close();
      queue.close();
      this.#gateways.agents.close();
      this.#gateways.consoles.close();
      this.#parts.board.close();
      this.#wss.close();
      const httpClosed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
      this.#http.closeAllConnections();
      await recording?.close();
      await clips.close();
      await media.close();
      await httpClosed;
      // What was accepted is stored and recorded before the store closes.
      await queue.settled();
      await reviews.settled();
      await sessions.close();
      await alerts.flush();
      await storage.close();
      logger.info('closed');
    })();
    return this.#closing;
  }
}
