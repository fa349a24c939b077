import { Router } from 'express';
import { NodeSegmentParamsSchema, parseOrThrow } from '@counterwatch/shared';
import type { NodeSegmentServer } from '../../nodes/NodeSegments.js';
import { CONTAINER_CONTENT_TYPE, isContainer } from '../../recording/paths.js';
import { bearer } from '../deviceAuth.js';

/** A media node's segments, for the control processes that cut clips of them (cluster secret). */
export function nodeSegmentRoutes(segments: NodeSegmentServer): Router {
  const router = Router();
  router.get('/:segmentId', async (req, res) => {
    await segments.authenticate(bearer(req.get('authorization')));
    const { segmentId } = parseOrThrow(NodeSegmentParamsSchema, req.params, 'segment', 'invalid_request');
    const { file, segment } = await segments.file(segmentId);
    res.setHeader('Cache-Control', 'no-store');
    res.type(
      isContainer(segment.container) ? CONTAINER_CONTENT_TYPE[segment.container] : 'application/octet-stream',
    );
    await new Promise<void>((resolve, reject) => {
      res.sendFile(file, { dotfiles: 'allow' }, (error) =>
        error && !res.headersSent ? reject(error) : resolve(),
      );
    });
  });
  return router;
}
