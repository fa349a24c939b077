import { Router } from 'express';
import {
  CampaignInputSchema,
  StaffingQuerySchema,
  parseOrThrow,
  OkSchema,
  CampaignListSchema,
  CampaignResponseSchema,
  StaffingAdviceSchema,
} from '@counterwatch/shared';
import type { SessionService } from '../../auth/SessionService.js';
import type { StaffingService } from '../../staffing/StaffingService.js';
import { requireUser, userOf } from '../auth.js';
import { numericParam } from '../params.js';
import { actor } from '../requestContext.js';
import { reply } from '../reply.js';

/**
 * The staffing advisor for the director (any department) and heads (their
 * own); campaigns declared by the director or the admin. The service scopes
 * and audits; these only translate HTTP.
 */
export function staffingRoutes({
  sessions,
  staffing,
}: {
  sessions: SessionService;
  staffing: StaffingService;
}): Router {
  const router = Router();
  const readers = requireUser(sessions, 'director', 'head');
  const declarers = requireUser(sessions, 'director', 'admin');

  router.get('/', readers, async (req, res) => {
    const query = parseOrThrow(StaffingQuerySchema, req.query, 'query', 'invalid_request');
    res.setHeader('Cache-Control', 'private, no-store');
    reply(res, StaffingAdviceSchema, await staffing.advise(userOf(res), actor(req, res), query));
  });

  router.get('/campaigns', requireUser(sessions, 'director', 'head', 'admin'), async (_req, res) => {
    res.setHeader('Cache-Control', 'private, no-store');
    reply(res, CampaignListSchema, { campaigns: await staffing.campaigns(userOf(res)) });
  });

  router.post('/campaigns', declarers, async (req, res) => {
    const input = parseOrThrow(CampaignInputSchema, req.body, 'campaign', 'invalid_request');
    reply(
      res,
      CampaignResponseSchema,
      { campaign: await staffing.declare(userOf(res), actor(req, res), input) },
      201,
    );
  });

  router.delete('/campaigns/:id', declarers, async (req, res) => {
    await staffing.withdraw(actor(req, res), numericParam(req, 'id'));
    reply(res, OkSchema, { ok: true });
  });

  return router;
}
