import { Router, type Request, type Response } from 'express';
import {
  AgentEnrollRequestSchema,
  CreateCounterSchema,
  CreateDepartmentSchema,
  DirectoryImportRequestSchema,
  UpdateCounterSchema,
  UpdateDepartmentSchema,
  parseOrThrow,
  type Counter,
  type Department,
  OkSchema,
  AgentEnrollResponseSchema,
  DirectoryEntriesSchema,
  DirectoryImportResultSchema,
  DirectoryNamesSchema,
  IssuedCounterCodeSchema,
} from '@counterwatch/shared';
import { inScope } from '../../auth/access.js';
import type { SessionService } from '../../auth/SessionService.js';
import type { DirectoryService } from '../../counters/DirectoryService.js';
import { requireUser, userOf } from '../auth.js';
import { param } from '../params.js';
import { actor, clientIp } from '../requestContext.js';
import { reply } from '../reply.js';

/**
 * Names of departments and counters in the user's scope, for pages that show
 * ids (the audit trail) to users without a live snapshot. Names only.
 */
export function directoryRoutes(
  sessions: SessionService,
  directory: { departments(): Department[]; counters(): Counter[] },
): Router {
  const router = Router();
  router.get('/names', requireUser(sessions), (_req, res) => {
    const user = userOf(res);
    const departments = directory.departments().filter((d) => inScope(user, d.id));
    const visible = new Set(departments.map((d) => d.id));
    reply(res, DirectoryNamesSchema, {
      departments: departments.map((d) => ({ id: d.id, name: d.name })),
      counters: directory
        .counters()
        .filter((c) => visible.has(c.departmentId))
        .map((c) => ({ id: c.id, departmentId: c.departmentId, name: c.name })),
    });
  });
  return router;
}

/**
 * `/api/v1/admin/directory` — the directory managed in the console (admins;
 * the service checks each object against the admin's departments and audits
 * each change).
 */
export function directoryAdminRoutes(sessions: SessionService, service: DirectoryService): Router {
  const router = Router();
  router.use(requireUser(sessions, 'admin'));
  const admin = (req: Request, res: Response) => ({ actor: actor(req, res), user: userOf(res) });

  router.get('/entries', (_req, res) => {
    reply(res, DirectoryEntriesSchema, service.entries(userOf(res)));
  });
  router.post('/departments', async (req, res) => {
    const body = parseOrThrow(CreateDepartmentSchema, req.body, 'department', 'invalid_request');
    await service.createDepartment(admin(req, res), body);
    reply(res, OkSchema, { ok: true }, 201);
  });
  router.patch('/departments/:id', async (req, res) => {
    const body = parseOrThrow(UpdateDepartmentSchema, req.body, 'department', 'invalid_request');
    await service.updateDepartment(admin(req, res), param(req, 'id'), body);
    reply(res, OkSchema, { ok: true });
  });
  router.post('/departments/:id/retire', async (req, res) => {
    await service.retireDepartment(admin(req, res), param(req, 'id'));
    reply(res, OkSchema, { ok: true });
  });
  router.post('/counters', async (req, res) => {
    const body = parseOrThrow(CreateCounterSchema, req.body, 'counter', 'invalid_request');
    await service.createCounter(admin(req, res), body);
    reply(res, OkSchema, { ok: true }, 201);
  });
  router.patch('/counters/:id', async (req, res) => {
    const body = parseOrThrow(UpdateCounterSchema, req.body, 'counter', 'invalid_request');
    await service.updateCounter(admin(req, res), param(req, 'id'), body);
    reply(res, OkSchema, { ok: true });
  });
  router.post('/counters/:id/retire', async (req, res) => {
    await service.retireCounter(admin(req, res), param(req, 'id'));
    reply(res, OkSchema, { ok: true });
  });
  router.post('/counters/:id/code', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    reply(res, IssuedCounterCodeSchema, await service.issueCounterCode(admin(req, res), param(req, 'id')));
  });
  router.post('/import', async (req, res) => {
    const body = parseOrThrow(DirectoryImportRequestSchema, req.body, 'import', 'invalid_request');
    reply(res, DirectoryImportResultSchema, await service.importCsv(admin(req, res), body.csv));
  });
  return router;
}

/** `/api/v1/agent` — `POST /enroll`: a counter's one-time code for its agent token (no session). */
export function agentEnrolRoutes(service: DirectoryService): Router {
  const router = Router();
  router.post('/enroll', async (req, res) => {
    const body = parseOrThrow(AgentEnrollRequestSchema, req.body, 'enrolment', 'invalid_request');
    const enrolled = await service.redeemCounterCode(body.code, clientIp(req));
    res.setHeader('Cache-Control', 'no-store');
    reply(res, AgentEnrollResponseSchema, enrolled);
  });
  return router;
}
