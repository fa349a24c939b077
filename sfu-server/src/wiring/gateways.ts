import { recordLiveView } from '../audit/liveViews.js';
import { canWatch } from '../auth/access.js';
import { upgradeClientAddress } from '../http/requestContext.js';
import { AgentGateway } from '../signalling/AgentGateway.js';
import { ConsoleGateway } from '../signalling/ConsoleGateway.js';
import { buildSnapshot, type ViewSources } from '../views.js';
import type { Core } from './core.js';
import type { LiveParts } from './live.js';
import type { Services } from './services.js';

/** The two websocket audiences: agents at the counters and consoles in the offices. */
export interface Gateways {
  agents: AgentGateway;
  consoles: ConsoleGateway;
  /** What a console's snapshot and the REST views read. */
  views: ViewSources;
}

export function buildGateways(core: Core, services: Services, parts: LiveParts): Gateways {
  const { config, clock, logger, directory, media, queue, alerts } = core;
  const { live, board, placement, remote } = parts;
  const views: ViewSources = {
    departments: () => directory.departments(),
    counters: () => directory.counters(),
    media: (id) => board.get(id),
    queue: (id) => queue.counterQueue(id),
    departmentMetrics: (id) => queue.departmentMetrics(id),
    activeAlerts: (ids) => alerts.active(ids),
  };
  const clientAddress = upgradeClientAddress(config.trustProxy);
  const agents = new AgentGateway({
    logger,
    clientAddress,
    host: {
      authenticate: (counterId, token) => directory.authenticateCounter(counterId, token),
      place: async (counter, avoid) => (placement ? placement.place(counter, avoid) : null),
      welcome: () => ({
        renditions: [config.media.renditions.grid, config.media.renditions.focus],
        audioBitrateKbps: config.media.audioBitrateKbps,
        keyframeIntervalSeconds: config.media.keyframeIntervalSeconds,
        heartbeatIntervalMs: 5_000,
        serverTime: clock(),
      }),
      getRouter: (departmentId) => media.getRouter(departmentId),
      plainIngest: {
        listenIp: config.media.listenIp,
        announcedIp: config.media.announcedIp,
        ingestHost: config.media.ingestHost,
      },
      attachIngest: (ingest) => live.attach(ingest),
      reportHealth: (counterId, health) => board.setAgentHealth(counterId, health),
      ingestEvents: (counter, events, sentAt) =>
        queue.ingest(
          { kind: 'agent', departmentId: counter.departmentId, counterId: counter.id },
          events,
          sentAt,
        ),
    },
  });
  agents.on('agentGone', (counterId) => board.agentGone(counterId));
  agents.on('agentConnected', (counter) => board.credentialAccepted(counter.id));
  // Only counters that exist: a made-up id must not grow the board.
  agents.on('tokenRefused', (counterId) => {
    if (directory.counter(counterId)) board.credentialRefused(counterId);
  });

  const consoles = new ConsoleGateway({
    sessions: services.sessions,
    logger,
    clientAddress,
    host: {
      snapshot: (user) => buildSnapshot(views, user, clock()),
      watchableCounter: (user, counterId) => {
        const counter = directory.counter(counterId);
        return counter && canWatch(user, counter.departmentId)
          ? { departmentId: counter.departmentId }
          : undefined;
      },
      canWatchDepartment: (user, departmentId) =>
        directory.department(departmentId) !== undefined && canWatch(user, departmentId),
      rtpCapabilities: () => media.rtpCapabilities,
      viewer: {
        getRouter: (departmentId) => media.getRouter(departmentId),
        lookupTrack: (counterId, track) => live.lookup(counterId, track) ?? remote?.lookup(counterId, track),
      },
      viewStarted: (user, info, from) => recordLiveView(services.audit, 'start', user, info, from),
      viewStopped: (user, info, from) => {
        recordLiveView(services.audit, 'stop', user, info, from).catch((error: unknown) =>
          logger.error({ err: error, counterId: info.counterId }, 'end of a live view not on record'),
        );
      },
    },
  });
  return { agents, consoles, views };
}
