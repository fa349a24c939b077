import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { AppError } from '@counterwatch/shared';
import type { SessionService } from '../../auth/SessionService.js';
import { requireUser } from '../auth.js';

export interface MetricsRoutesDeps {
  /** `CW_METRICS_TOKEN`: a scraper's bearer token; null = admins' sessions only. */
  token: string | null;
  sessions: SessionService;
  metrics: { contentType: string; metrics(): Promise<string> };
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * GET /metrics — Prometheus text format. Never public: a scraper presents the
 * metrics token (`Authorization: Bearer …`), a person an admin session. A
 * wrong token is 401 whatever the cookie says (a misconfigured scraper must
 * show up as such).
 */
export function metricsRoutes(deps: MetricsRoutesDeps): Router {
  const router = Router();
  const expected = deps.token === null ? null : digest(deps.token);
  const adminSession = requireUser(deps.sessions, 'admin');
  const answer = async (res: Response): Promise<void> => {
    const text = await deps.metrics.metrics();
    res.setHeader('Cache-Control', 'no-store');
    res.type(deps.metrics.contentType).send(text);
  };
  router.get('/', (req: Request, res: Response, next) => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      // Digests of equal length: the comparison takes the same time whatever was sent.
      if (!match?.[1] || expected === null || !timingSafeEqual(digest(match[1]), expected)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="counterwatch-metrics"');
        next(new AppError('unauthenticated', 'metrics token refused'));
        return;
      }
      answer(res).catch(next);
      return;
    }
    adminSession(req, res, (error?: unknown) => {
      if (error) {
        next(error);
        return;
      }
      answer(res).catch(next);
    });
  });
  return router;
}
