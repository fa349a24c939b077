import { Router } from 'express';

/** Liveness for load balancers and supervisors: no session, nothing sensitive. */
export function healthRoutes(liveWorkers: () => number): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    const workers = liveWorkers();
    res.status(workers > 0 ? 200 : 503).json({ ok: workers > 0, workers });
  });
  return router;
}
