import { Router } from 'express';
import {
  CreateDeviceSchema,
  parseOrThrow,
  DeviceListSchema,
  DeviceResponseSchema,
  IssuedEnrolmentSchema,
} from '@counterwatch/shared';
import type { SessionService } from '../../auth/SessionService.js';
import type { DeviceRegistry } from '../../devices/DeviceRegistry.js';
import { requireUser } from '../auth.js';
import { param } from '../params.js';
import { actor } from '../requestContext.js';
import { reply } from '../reply.js';

/**
 * `/api/v1/admin/devices` — admins enrol and revoke the departments'
 * devices one by one. Codes are shown once; the registry audits each change.
 */
export function deviceAdminRoutes(sessions: SessionService, registry: DeviceRegistry): Router {
  const router = Router();
  router.use(requireUser(sessions, 'admin'));

  router.get('/', async (_req, res) => {
    reply(res, DeviceListSchema, { devices: await registry.list() });
  });

  router.post('/', async (req, res) => {
    const body = parseOrThrow(CreateDeviceSchema, req.body, 'device', 'invalid_request');
    res.setHeader('Cache-Control', 'no-store');
    reply(res, IssuedEnrolmentSchema, await registry.create(actor(req, res), body), 201);
  });

  router.post('/:id/code', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    reply(res, IssuedEnrolmentSchema, await registry.issueCode(actor(req, res), param(req, 'id')));
  });

  router.delete('/:id', async (req, res) => {
    reply(res, DeviceResponseSchema, { device: await registry.revoke(actor(req, res), param(req, 'id')) });
  });

  return router;
}
