import { MediaStatusBoard } from '../counters/MediaStatusBoard.js';
import { LiveMedia } from '../media/LiveMedia.js';
import type { NodeLinkGateway } from '../nodes/NodeLinkGateway.js';
import { PlacementService } from '../nodes/PlacementService.js';
import type { RemoteMedia } from '../nodes/RemoteMedia.js';
import { type ClusterParts, createNodeLinks, createRemoteMedia } from '../nodes/cluster.js';
import { recordLiveMedia } from '../recording/recordLiveMedia.js';
import type { Core } from './core.js';

/** What is live on this process and on the nodes it links to, and where agents are placed. */
export interface LiveParts {
  live: LiveMedia;
  board: MediaStatusBoard;
  /** Null on one process (`all`), which takes every agent itself. */
  placement: PlacementService | null;
  /** A media node's links to the control processes; null elsewhere. */
  nodeLinks: NodeLinkGateway | null;
  /** A control process's view of the media nodes' counters; null elsewhere. */
  remote: RemoteMedia | null;
}

export function buildLive(core: Core): LiveParts {
  const { config, clock, logger, storage, directory, media, recording } = core;
  const live = new LiveMedia();
  const board = new MediaStatusBoard({ reconnectGraceMs: config.media.reconnectGraceMs, now: clock });
  const departmentOf = (id: string) => directory.counterOnRecord(id)?.departmentId;
  const placement =
    config.role === 'all'
      ? null
      : new PlacementService({
          store: storage.nodes,
          departmentOf,
          self: config.role === 'media' ? config.node.name : null,
          now: clock,
          logger,
        });
  const record = recording
    ? recordLiveMedia(recording, {
        live,
        counter: (id) => directory.counter(id),
        router: (departmentId) => media.getRouter(departmentId),
        logger,
      })
    : null;
  live.on('changed', (counterId) => {
    board.setTracks(counterId, {
      tracks: live.tracks(counterId),
      epoch: live.epoch(counterId),
      publisher: live.ingest(counterId)?.publisher ?? null,
    });
    record?.(counterId);
  });
  recording?.on('health', (counterId, health) => board.setRecording(counterId, health));
  // Across processes: a media node tells the control processes linked to it what it serves; a
  // control process shows the counters of every node and pipes in what its consoles watch.
  const cluster: ClusterParts = {
    storage,
    media,
    live,
    board,
    departmentOf,
    node: config.node,
    listen: { listenIp: config.media.listenIp, announcedIp: config.media.announcedIp },
    clock,
    logger,
  };
  return {
    live,
    board,
    placement,
    nodeLinks: config.role === 'media' ? createNodeLinks(cluster) : null,
    remote: config.role === 'control' ? createRemoteMedia(cluster) : null,
  };
}
