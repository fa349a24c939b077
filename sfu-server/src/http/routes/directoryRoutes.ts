import { Router } from 'express';
import type { Counter, Department } from '@counterwatch/shared';
import { inScope } from '../../auth/access.js';
import type { SessionService } from '../../auth/SessionService.js';
import { requireUser, userOf } from '../auth.js';

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
    res.json({
      departments: departments.map((d) => ({ id: d.id, name: d.name })),
      counters: directory
        .counters()
        .filter((c) => visible.has(c.departmentId))
        .map((c) => ({ id: c.id, departmentId: c.departmentId, name: c.name })),
    });
  });
  return router;
}
