import { Router, type Response } from 'express';
import {
  AuditFilterSchema,
  AuditQuerySchema,
  AuditVerifyQuerySchema,
  parseOrThrow,
  type Clock,
  AuditListSchema,
  AuditVerificationSchema,
} from '@counterwatch/shared';
import type { AuditLog } from '../../audit/AuditLog.js';
import type { AuditSearch } from '../../audit/AuditSearch.js';
import { auditCsv } from '../../audit/auditCsv.js';
import { businessDayLabel } from '../../queue/businessDay.js';
import type { SessionService } from '../../auth/SessionService.js';
import { requireUser } from '../auth.js';
import { actor } from '../requestContext.js';
import { reply } from '../reply.js';

/** The audit trail for auditors and the director: search, verify the chain, export CSV (itself on record). */
export function auditRoutes({
  sessions,
  audit,
  search,
  now,
}: {
  sessions: SessionService;
  audit: AuditLog;
  search: AuditSearch;
  now: Clock;
}): Router {
  const router = Router();
  const readers = requireUser(sessions, 'auditor', 'director');

  router.get('/', readers, async (req, res) => {
    const query = parseOrThrow(AuditQuerySchema, req.query, 'query', 'invalid_request');
    reply(res, AuditListSchema, await search.list(query));
  });

  router.get('/verify', readers, async (req, res) => {
    const { anchor } = parseOrThrow(AuditVerifyQuerySchema, req.query, 'query', 'invalid_request');
    reply(res, AuditVerificationSchema, await audit.verify(anchor));
  });

  // Every row the filters match, however many: the page size of the view (`limit`) does not apply.
  router.get('/export.csv', readers, async (req, res) => {
    const filter = parseOrThrow(AuditFilterSchema, req.query, 'query', 'invalid_request');
    const { pages, names } = await search.export(filter, actor(req, res));
    res.setHeader('Cache-Control', 'private, no-store');
    res.attachment(`audit-${businessDayLabel(now())}.csv`);
    res.type('text/csv; charset=utf-8');
    try {
      for await (const chunk of auditCsv(pages, names)) {
        if (!(await write(res, chunk))) return;
      }
      res.end();
    } catch (error) {
      if (!res.headersSent) throw error;
      // Half a file must not pass for a whole one: break the download instead of ending it.
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  });

  return router;
}

/** Writes with back-pressure; false once the client has gone. */
async function write(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
  return !res.destroyed;
}
