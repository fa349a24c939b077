import { Router } from 'express';
import {
  WallViewBodySchema,
  parseOrThrow,
  OkSchema,
  WallViewListSchema,
  WallViewResponseSchema,
} from '@counterwatch/shared';
import type { SessionService } from '../../auth/SessionService.js';
import type { WallViewService } from '../../wall/WallViewService.js';
import { requireUser, userOf } from '../auth.js';
import { numericParam } from '../params.js';
import { reply } from '../reply.js';

/** A user's own saved wall views; the service checks ownership and every counter named. */
export function wallViewRoutes(sessions: SessionService, views: WallViewService): Router {
  const router = Router();
  const live = requireUser(sessions, 'director', 'inspector', 'head');
  const body = (raw: unknown) => parseOrThrow(WallViewBodySchema, raw, 'view', 'invalid_request');

  router.get('/', live, async (_req, res) => {
    reply(res, WallViewListSchema, { views: await views.list(userOf(res)) });
  });
  router.post('/', live, async (req, res) => {
    reply(res, WallViewResponseSchema, { view: await views.create(userOf(res), body(req.body)) }, 201);
  });
  router.put('/:id', live, async (req, res) => {
    reply(res, WallViewResponseSchema, {
      view: await views.update(userOf(res), numericParam(req, 'id'), body(req.body)),
    });
  });
  router.delete('/:id', live, async (req, res) => {
    await views.remove(userOf(res), numericParam(req, 'id'));
    reply(res, OkSchema, { ok: true });
  });
  return router;
}
