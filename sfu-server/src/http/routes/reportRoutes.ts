import { Router } from 'express';
import {
  ReportQuerySchema,
  parseOrThrow,
  PreparedReportListSchema,
  ReportSchema,
} from '@counterwatch/shared';
import type { SessionService } from '../../auth/SessionService.js';
import { reportCsv, reportFileName, reportXlsx } from '../../reports/exporters.js';
import type { ReportScheduler } from '../../reports/ReportScheduler.js';
import type { ReportService } from '../../reports/ReportService.js';
import { requireUser, userOf } from '../auth.js';
import { actor } from '../requestContext.js';
import { reply } from '../reply.js';

/**
 * Reports for the director (every department) and department heads (their
 * own): view, export as XLSX or CSV, and the ones the schedule prepared.
 * The service scopes and audits; these only translate HTTP.
 */
export function reportRoutes({
  sessions,
  reports,
  scheduler,
}: {
  sessions: SessionService;
  reports: ReportService;
  scheduler: ReportScheduler | null;
}): Router {
  const router = Router();
  const readers = requireUser(sessions, 'director', 'head');

  router.get('/', readers, async (req, res) => {
    const query = parseOrThrow(ReportQuerySchema, req.query, 'query', 'invalid_request');
    res.setHeader('Cache-Control', 'private, no-store');
    reply(res, ReportSchema, await reports.generate(userOf(res), actor(req, res), query));
  });

  router.get('/export.xlsx', readers, async (req, res) => {
    const query = parseOrThrow(ReportQuerySchema, req.query, 'query', 'invalid_request');
    const report = await reports.generate(userOf(res), actor(req, res), query, {
      kind: 'export',
      format: 'xlsx',
    });
    const body = await reportXlsx(report);
    res.setHeader('Cache-Control', 'private, no-store');
    res.attachment(reportFileName(report, 'xlsx'));
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(body);
  });

  router.get('/export.csv', readers, async (req, res) => {
    const query = parseOrThrow(ReportQuerySchema, req.query, 'query', 'invalid_request');
    const report = await reports.generate(userOf(res), actor(req, res), query, {
      kind: 'export',
      format: 'csv',
    });
    res.setHeader('Cache-Control', 'private, no-store');
    res.attachment(reportFileName(report, 'csv'));
    res.type('text/csv; charset=utf-8').send(reportCsv(report));
  });

  router.get('/prepared', readers, async (_req, res) => {
    res.setHeader('Cache-Control', 'private, no-store');
    reply(res, PreparedReportListSchema, { reports: scheduler ? await scheduler.list(userOf(res)) : [] });
  });

  return router;
}
