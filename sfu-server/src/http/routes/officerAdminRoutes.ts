import { Router } from 'express';
import {
  CreateOfficerSchema,
  UpdateOfficerSchema,
  parseOrThrow,
  OfficerListSchema,
  OfficerResponseSchema,
} from '@counterwatch/shared';
import type { SessionService } from '../../auth/SessionService.js';
import type { OfficerService } from '../../officers/OfficerService.js';
import { requireUser } from '../auth.js';
import { numericParam } from '../params.js';
import { actor } from '../requestContext.js';
import { reply } from '../reply.js';

/**
 * `/api/v1/admin/officers` — admins keep each department's officer
 * directory (name, badge number, PIN). The service audits each change.
 */
export function officerAdminRoutes(sessions: SessionService, officers: OfficerService): Router {
  const router = Router();
  router.use(requireUser(sessions, 'admin'));

  router.get('/', async (_req, res) => {
    reply(res, OfficerListSchema, { officers: await officers.list(null) });
  });

  router.post('/', async (req, res) => {
    const body = parseOrThrow(CreateOfficerSchema, req.body, 'officer', 'invalid_request');
    reply(res, OfficerResponseSchema, { officer: await officers.create(actor(req, res), body) }, 201);
  });

  router.patch('/:id', async (req, res) => {
    const body = parseOrThrow(UpdateOfficerSchema, req.body, 'officer', 'invalid_request');
    reply(res, OfficerResponseSchema, {
      officer: await officers.update(actor(req, res), numericParam(req, 'id'), body),
    });
  });

  return router;
}
