import { Router } from 'express';
import { AuditQuerySchema, AuditVerifyQuerySchema, parseOrThrow, type Clock } from '@counterwatch/shared';
import { auditCsv, type AuditLog } from '../../audit/AuditLog.js';
import { businessDayLabel } from '../../queue/businessDay.js';
import type { SessionService } from '../../auth/SessionService.js';
import { requireUser } from '../auth.js';
import { actor } from '../requestContext.js';

/** The audit trail for auditors and the director: search, verify the chain, export CSV (itself on record). */
export function auditRoutes({
  sessions,
  audit,
  now,
}: {
  sessions: SessionService;
  audit: AuditLog;
  now: Clock;
}): Router {
  const router = Router();
  const readers = requireUser(sessions, 'auditor', 'director');

  router.get('/', readers, async (req, res) => {
    const query = parseOrThrow(AuditQuerySchema, req.query, 'query', 'invalid_request');
    res.json({ entries: await audit.list(query) });
  });

  router.get('/verify', readers, async (req, res) => {
    const { anchor } = parseOrThrow(AuditVerifyQuerySchema, req.query, 'query', 'invalid_request');
    res.json(await audit.verify(anchor));
  });

  router.get('/export.csv', readers, async (req, res) => {
    const query = parseOrThrow(AuditQuerySchema, req.query, 'query', 'invalid_request');
    await audit.record({ action: 'audit.export', actor: actor(req, res), details: { query } });
    const entries = await audit.list({ ...query, limit: Math.max(query.limit, 5000) });
    res.setHeader('Cache-Control', 'private, no-store');
    res.attachment(`audit-${businessDayLabel(now())}.csv`);
    res.type('text/csv; charset=utf-8').send(`\uFEFF${auditCsv(entries)}`);
  });

  return router;
}
