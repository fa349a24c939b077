import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import {
  AddObservationSchema,
  AppError,
  ChecklistResponseSchema,
  ChecklistSchema,
  EndInspectionSchema,
  InspectionDraftSchema,
  InspectionListSchema,
  InspectionResponseSchema,
  ObservationCreatedSchema,
  StartInspectionSchema,
  parseOrThrow,
  type Counter,
  type Department,
  type User,
  InspectionDraftResponseSchema,
} from '@counterwatch/shared';
import { inScope } from '../../auth/access.js';
import type { SessionService } from '../../auth/SessionService.js';
import type { InspectionService } from '../../inspections/InspectionService.js';
import type { InspectionRecord } from '../../storage/Storage.js';
import { requireUser, userOf } from '../auth.js';
import { numericParam } from '../params.js';
import { reply } from '../reply.js';
import { actor } from '../requestContext.js';

export interface InspectionRoutesDeps {
  sessions: SessionService;
  inspections: InspectionService;
  counter: (id: string) => Counter | undefined;
  department: (id: string) => Department | undefined;
}

/**
 * Unannounced inspections: start from a tile, observe, end, read the report.
 * Inspectors and directors within their scope; the inspection service puts
 * every step on record.
 */
export function inspectionRoutes({
  sessions,
  inspections,
  counter,
  department,
}: InspectionRoutesDeps): Router {
  const router = Router();
  const inspectors = requireUser(sessions, 'inspector', 'director');

  const own = async (id: number, user: User): Promise<InspectionRecord> => {
    const record = await inspections.get(id);
    if (!record || !inScope(user, record.departmentId))
      throw new AppError('not_found', `no inspection ${id}`);
    return record;
  };
  const counterName = (id: string): string => counter(id)?.name ?? id;

  router.get('/checklist', requireUser(sessions, 'inspector', 'director', 'admin'), async (_req, res) => {
    reply(res, ChecklistResponseSchema, { checklist: await inspections.checklist() });
  });

  router.put('/checklist', requireUser(sessions, 'admin', 'director'), async (req, res) => {
    const { checklist: items } = parseOrThrow(
      z.object({ checklist: ChecklistSchema }),
      req.body,
      'checklist',
      'invalid_request',
    );
    await inspections.setChecklist(actor(req, res), items);
    reply(res, ChecklistResponseSchema, { checklist: items });
  });

  router.get('/', inspectors, async (req, res) => {
    const user = userOf(res);
    const counterId = typeof req.query.counterId === 'string' ? req.query.counterId.slice(0, 64) : undefined;
    const departmentId =
      typeof req.query.departmentId === 'string' ? req.query.departmentId.slice(0, 64) : undefined;
    const records = await inspections.list({
      departmentIds: user.roles.includes('director') ? null : user.departmentIds,
      ...(counterId ? { counterId } : {}),
      ...(departmentId ? { departmentId } : {}),
      ...(req.query.open === '1' ? { open: true } : {}),
      limit: 200,
    });
    reply(res, InspectionListSchema, {
      inspections: await Promise.all(records.map((r) => inspections.view(r, counterName(r.counterId)))),
    });
  });

  router.post('/', inspectors, async (req, res) => {
    const user = userOf(res);
    const { counterId } = parseOrThrow(StartInspectionSchema, req.body, 'inspection', 'invalid_request');
    const c = counter(counterId);
    if (!c || !inScope(user, c.departmentId)) throw new AppError('not_found', `no counter ${counterId}`);
    const { record, resumed } = await inspections.start(actor(req, res), c, user);
    // Inspect again (from another tab or browser) where this inspector's own inspection is open: that one.
    reply(
      res,
      InspectionResponseSchema,
      { inspection: await inspections.view(record, c.name) },
      resumed ? 200 : 201,
    );
  });

  router.get('/:id', inspectors, async (req, res) => {
    const record = await own(numericParam(req, 'id'), userOf(res));
    reply(res, InspectionResponseSchema, {
      inspection: await inspections.view(record, counterName(record.counterId)),
    });
  });

  // The draft, saved as typed (debounced by the console): the inspector's own.
  router.get('/:id/draft', inspectors, async (req, res) => {
    const user = userOf(res);
    const record = await own(numericParam(req, 'id'), user);
    res.setHeader('Cache-Control', 'private, no-store');
    reply(res, InspectionDraftResponseSchema, inspections.draft(user, record));
  });

  router.put('/:id/draft', inspectors, async (req, res) => {
    const user = userOf(res);
    const record = await own(numericParam(req, 'id'), user);
    const draft = parseOrThrow(InspectionDraftSchema, req.body, 'inspection draft', 'invalid_request');
    const savedAt = await inspections.saveDraft(user, record, draft);
    reply(res, InspectionDraftResponseSchema, { draft, savedAt });
  });

  router.post('/:id/observations', inspectors, async (req, res) => {
    const record = await own(numericParam(req, 'id'), userOf(res));
    const body = parseOrThrow(AddObservationSchema, req.body, 'observation', 'invalid_request');
    const observationId = await inspections.observe(actor(req, res), record, body.note, body.still);
    reply(res, ObservationCreatedSchema, { observationId }, 201);
  });

  router.post('/:id/end', inspectors, async (req, res) => {
    const record = await own(numericParam(req, 'id'), userOf(res));
    const body = parseOrThrow(EndInspectionSchema, req.body, 'inspection result', 'invalid_request');
    await inspections.end(actor(req, res), record, body.results, body.notes, body.officerName ?? null);
    const ended = await own(record.id, userOf(res));
    reply(res, InspectionResponseSchema, {
      inspection: await inspections.view(ended, counterName(ended.counterId)),
    });
  });

  router.get('/:id/observations/:observationId/still', inspectors, async (req, res) => {
    const record = await own(numericParam(req, 'id'), userOf(res));
    const file = await inspections.viewStill(actor(req, res), record, numericParam(req, 'observationId'));
    res.setHeader('Cache-Control', 'private, no-store');
    // The stills folder is the root: a data directory under a dot-folder (the demo's `.demo/`) is fine,
    // a dot-file inside it is not.
    res.type('image/jpeg').sendFile(path.basename(file), { root: path.dirname(file), dotfiles: 'deny' });
  });

  router.get('/:id/report.html', inspectors, async (req, res) => {
    const record = await own(numericParam(req, 'id'), userOf(res));
    const download = req.query.download === '1';
    const view = await inspections.view(record, counterName(record.counterId));
    const html = await inspections.reportHtml(
      actor(req, res),
      record,
      view,
      department(record.departmentId)?.name ?? record.departmentId,
      download,
    );
    res.setHeader('Cache-Control', 'private, no-store');
    // The report is self-contained: its own CSP forbids scripts and remote loads.
    res.setHeader('Content-Security-Policy', "default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    if (download) res.attachment(`inspection-${record.id}.html`);
    res.type('html').send(html);
  });

  return router;
}
