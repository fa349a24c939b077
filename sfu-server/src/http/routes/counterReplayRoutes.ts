import { Router } from 'express';
import {
  CounterPlaybackRequestSchema,
  CounterTimelineQuerySchema,
  parseOrThrow,
  CounterTimelineSchema,
  PlaybackSchema,
} from '@counterwatch/shared';
import type { SessionService } from '../../auth/SessionService.js';
import type { CounterReplay } from '../../recording/CounterReplay.js';
import { requireUser, sessionOf, userOf } from '../auth.js';
import type { Downloads } from '../downloads.js';
import { param } from '../params.js';
import { actor } from '../requestContext.js';
import { reply } from '../reply.js';
import { CONTAINER_CONTENT_TYPE } from '../../recording/paths.js';

/** A counter's recording from its live tile: the timeline, and clips handed out as short-lived links. */
export function counterReplayRoutes(deps: {
  sessions: SessionService;
  replay: CounterReplay;
  downloads: Downloads;
  clipsDir: string;
}): Router {
  const router = Router();
  const watchers = requireUser(deps.sessions, 'director', 'inspector', 'head');

  router.get('/:counterId/timeline', watchers, async (req, res) => {
    const q = parseOrThrow(CounterTimelineQuerySchema, req.query, 'timeline', 'invalid_request');
    reply(
      res,
      CounterTimelineSchema,
      await deps.replay.timeline(userOf(res), param(req, 'counterId'), q.from, q.to),
    );
  });

  router.post('/:counterId/playback', watchers, async (req, res) => {
    const body = parseOrThrow(CounterPlaybackRequestSchema, req.body, 'playback', 'invalid_request');
    const clip = await deps.replay.playback(actor(req, res), userOf(res), param(req, 'counterId'), body);
    const url = deps.downloads.grant({
      sessionHash: sessionOf(res).sessionHash,
      root: deps.clipsDir,
      file: clip.path,
      contentType: CONTAINER_CONTENT_TYPE[clip.container],
      downloadName: null,
    });
    reply(res, PlaybackSchema, { url, from: clip.from, to: clip.to, container: clip.container });
  });

  return router;
}
