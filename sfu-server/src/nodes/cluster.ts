import type { Clock, NodeCounterMedia, NodeCounterStatus } from '@counterwatch/shared';
import type { MediaStatusBoard } from '../counters/MediaStatusBoard.js';
import type { Logger } from '../logger.js';
import type { LiveMedia } from '../media/LiveMedia.js';
import type { MediaService } from '../media/MediaService.js';
import type { Storage } from '../storage/Storage.js';
import { NodeLinkGateway } from './NodeLinkGateway.js';
import { NodeSegmentClient, NodeSegmentServer } from './NodeSegments.js';
import { NODE_ALIVE_MS } from './NodeRegistry.js';
import { RemoteMedia } from './RemoteMedia.js';
import { clusterSecret } from './clusterSecret.js';

/** What both ends of the links are built from: the parts of one server process. */
export interface ClusterParts {
  storage: Storage;
  media: MediaService;
  live: LiveMedia;
  board: MediaStatusBoard;
  /** A counter's department, for a counter no longer publishing (retired ones included). */
  departmentOf: (counterId: string) => string | undefined;
  node: { name: string };
  listen: { listenIp: string; announcedIp: string };
  clock: Clock;
  logger: Logger;
}

/**
 * A media node's side: its linked control processes hear of every change to the counters
 * publishing here (tracks from the live media, agent health and stats from the status board).
 */
export function createNodeLinks(parts: ClusterParts): NodeLinkGateway {
  const { live, board } = parts;
  const counterMedia = (counterId: string): NodeCounterMedia => ({
    counterId,
    departmentId: live.ingest(counterId)?.departmentId ?? parts.departmentOf(counterId) ?? '',
    publisher: live.ingest(counterId)?.publisher ?? null,
    epoch: live.epoch(counterId),
    tracks: live.tracks(counterId),
  });
  const counterStatus = (counterId: string): NodeCounterStatus => {
    const { agent, stats, recording } = board.get(counterId);
    // fps is the agent's own report, sent with its health.
    return {
      counterId,
      agent,
      recording,
      stats: stats && {
        bitrateKbps: stats.bitrateKbps,
        packetLossPct: stats.packetLossPct,
        score: stats.score,
      },
    };
  };
  const links = new NodeLinkGateway({
    logger: parts.logger,
    host: {
      nodeName: parts.node.name,
      secret: () => clusterSecret(parts.storage.settings),
      counters: () => live.counters().map(counterMedia),
      statuses: () => live.counters().map(counterStatus),
      getRouter: (departmentId) => parts.media.getRouter(departmentId),
      lookup: (counterId, track) => live.lookup(counterId, track),
      ...parts.listen,
    },
  });
  live.on('changed', (counterId) => links.broadcastMedia(counterMedia(counterId)));
  board.on('changed', (ids) => {
    for (const id of ids) links.broadcastStatus(counterStatus(id));
  });
  return links;
}

/**
 * A control process's side: every live node's counters on this process's status board (so the
 * wall, alerts and patches treat them as local), their tracks piped in when watched.
 */
export function createRemoteMedia(parts: ClusterParts): RemoteMedia {
  const { board } = parts;
  const remote = new RemoteMedia({
    logger: parts.logger,
    host: {
      processName: parts.node.name,
      secret: () => clusterSecret(parts.storage.settings),
      liveNodes: async () => {
        const now = parts.clock();
        return (await parts.storage.nodes.list()).filter((n) => n.heartbeatAt >= now - NODE_ALIVE_MS);
      },
      getRouter: (departmentId) => parts.media.getRouter(departmentId),
      ...parts.listen,
    },
  });
  remote.on('changed', (counterId) => {
    board.setTracks(counterId, {
      tracks: remote.tracks(counterId),
      epoch: remote.epoch(counterId),
      publisher: remote.publisher(counterId),
    });
    // Gone from every node (its node died or it stopped): nothing records it until it is back.
    if (remote.nodeOf(counterId) === undefined) board.setRecording(counterId, 'off');
  });
  remote.on('status', ({ counterId, agent, stats, recording }) => {
    if (agent) board.setAgentHealth(counterId, agent);
    else board.agentGone(counterId);
    if (stats) board.setStats(counterId, stats);
    board.setRecording(counterId, recording);
  });
  return remote;
}

/** A control process fetching the segments media nodes hold (clips across nodes). */
export function nodeSegmentClient(parts: Pick<ClusterParts, 'storage' | 'logger'>): NodeSegmentClient {
  return new NodeSegmentClient({
    nodes: () => parts.storage.nodes.list(),
    secret: () => clusterSecret(parts.storage.settings),
    logger: parts.logger,
  });
}

/** A media node serving its own segments to control processes. */
export function nodeSegmentServer(
  parts: Pick<ClusterParts, 'storage' | 'logger'>,
  self: { node: string; root: string },
): NodeSegmentServer {
  return new NodeSegmentServer({
    ...self,
    store: parts.storage.recordings,
    secret: () => clusterSecret(parts.storage.settings),
    logger: parts.logger,
  });
}
