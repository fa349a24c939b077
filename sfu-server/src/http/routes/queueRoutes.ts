import { Router } from 'express';
import {
  AlertQuerySchema,
  AlertThresholdsSchema,
  AppError,
  HistoryQuerySchema,
  ResolveAlertSchema,
  SnoozeAlertSchema,
  parseOrThrow,
  type Alert,
  type AlertQuery,
  type AlertSnooze,
  type AlertThresholds,
  type MetricsHistory,
  type Overview,
  type User,
  AlertListSchema,
  AlertResponseSchema,
  ResolveAlertResponseSchema,
  ThresholdsResponseSchema,
  OverviewSchema,
  MetricsHistorySchema,
} from '@counterwatch/shared';
import { canWatch, hasRole, inScope } from '../../auth/access.js';
import type { Actor } from '../../audit/AuditLog.js';
import type { SessionService } from '../../auth/SessionService.js';
import { requireUser, userOf } from '../auth.js';
import { numericParam, param } from '../params.js';
import { actor } from '../requestContext.js';
import { reply } from '../reply.js';

export interface QueueRoutesHost {
  overview(user: User): Overview;
  departmentExists(departmentId: string): boolean;
  history(departmentId: string, from?: number, to?: number): Promise<MetricsHistory>;
  listAlerts(query: AlertQuery, departmentIds: string[] | null): Promise<Alert[]>;
  getAlert(id: number): Promise<Alert | undefined>;
  acknowledgeAlert(alert: Alert, actor: Actor): Promise<Alert>;
  resolveAlert(
    alert: Alert,
    actor: Actor,
    note: string,
    options: { evenIfHolding: boolean },
  ): Promise<{ alert: Alert; conditionHolds: boolean }>;
  snoozeAlert(alert: Alert, actor: Actor, duration: AlertSnooze, note?: string): Promise<Alert>;
  thresholds(departmentId: string): AlertThresholds;
  setThresholds(departmentId: string, thresholds: AlertThresholds, actor: Actor): Promise<void>;
  /** Departments the user may watch (null: all). */
  scope(user: User): string[] | null;
}

/**
 * Overview, metrics history, alerts and thresholds — every object checked
 * against the user's scope; out-of-scope and unknown look the same (404).
 */
export function queueRoutes(sessions: SessionService, host: QueueRoutesHost): Router {
  const router = Router();
  const live = requireUser(sessions, 'director', 'inspector', 'head');

  router.get('/overview', live, (_req, res) => {
    reply(res, OverviewSchema, host.overview(userOf(res)));
  });

  router.get('/metrics/history', live, async (req, res) => {
    const query = parseOrThrow(HistoryQuerySchema, req.query, 'query', 'invalid_request');
    if (!host.departmentExists(query.departmentId) || !canWatch(userOf(res), query.departmentId)) {
      throw new AppError('not_found', `no department ${query.departmentId}`);
    }
    if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
      throw new AppError('invalid_request', 'from must not be after to');
    }
    reply(res, MetricsHistorySchema, await host.history(query.departmentId, query.from, query.to));
  });

  router.get('/alerts', live, async (req, res) => {
    const query = parseOrThrow(AlertQuerySchema, req.query, 'query', 'invalid_request');
    const user = userOf(res);
    if (query.departmentId && !canWatch(user, query.departmentId)) {
      reply(res, AlertListSchema, { alerts: [] });
      return;
    }
    reply(res, AlertListSchema, { alerts: await host.listAlerts(query, host.scope(user)) });
  });

  const alertInScope = async (id: number, user: User): Promise<Alert> => {
    const alert = await host.getAlert(id);
    if (!alert || !canWatch(user, alert.departmentId)) throw new AppError('not_found', `no alert ${id}`);
    return alert;
  };

  router.post('/alerts/:id/acknowledge', live, async (req, res) => {
    const alert = await alertInScope(numericParam(req, 'id'), userOf(res));
    reply(res, AlertResponseSchema, { alert: await host.acknowledgeAlert(alert, actor(req, res)) });
  });

  router.post('/alerts/:id/resolve', live, async (req, res) => {
    const { note, evenIfHolding } = parseOrThrow(
      ResolveAlertSchema,
      req.body,
      'resolution',
      'invalid_request',
    );
    const alert = await alertInScope(numericParam(req, 'id'), userOf(res));
    reply(
      res,
      ResolveAlertResponseSchema,
      await host.resolveAlert(alert, actor(req, res), note, { evenIfHolding }),
    );
  });

  router.post('/alerts/:id/snooze', live, async (req, res) => {
    const body = parseOrThrow(SnoozeAlertSchema, req.body, 'snooze', 'invalid_request');
    const alert = await alertInScope(numericParam(req, 'id'), userOf(res));
    reply(res, AlertResponseSchema, {
      alert: await host.snoozeAlert(alert, actor(req, res), body.for, body.note),
    });
  });

  const thresholdsAccess = requireUser(sessions, 'director', 'inspector', 'head', 'admin');
  router.get('/departments/:id/thresholds', thresholdsAccess, (req, res) => {
    const id = param(req, 'id');
    const user = userOf(res);
    const visible = hasRole(user, 'admin') ? inScope(user, id) : canWatch(user, id);
    if (!host.departmentExists(id) || !visible) throw new AppError('not_found', `no department ${id}`);
    reply(res, ThresholdsResponseSchema, { departmentId: id, thresholds: host.thresholds(id) });
  });

  router.put('/departments/:id/thresholds', requireUser(sessions, 'director', 'admin'), async (req, res) => {
    const id = param(req, 'id');
    const user = userOf(res);
    if (!host.departmentExists(id) || !inScope(user, id))
      throw new AppError('not_found', `no department ${id}`);
    const thresholds = parseOrThrow(
      AlertThresholdsSchema.strict(),
      req.body,
      'thresholds',
      'invalid_request',
    );
    await host.setThresholds(id, thresholds, actor(req, res));
    reply(res, ThresholdsResponseSchema, { departmentId: id, thresholds });
  });

  return router;
}
