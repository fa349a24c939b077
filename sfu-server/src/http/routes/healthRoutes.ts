import { Router } from 'express';
import type { HealthReport } from '../../ops/HealthCheck.js';

/**
 * Liveness and readiness for load balancers and supervisors: no session,
 * nothing sensitive. 200 when every dependency is fine; 503 naming the
 * failing ones (`failing: ["database"]`) otherwise. `ok` and `workers` are
 * kept from the first version of this endpoint.
 */
export function healthRoutes(check: () => Promise<HealthReport>): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const report = await check();
    res.setHeader('Cache-Control', 'no-store');
    res.status(report.ok ? 200 : 503).json(report);
  });
  return router;
}
