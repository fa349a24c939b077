import { Router } from 'express';
import {
  AppError,
  CounterActionSchema,
  SubmitRatingSchema,
  TakeTicketSchema,
  parseOrThrow,
  type Counter,
} from '@counterwatch/shared';
import type { DeviceCommands } from '../../queue/DeviceCommands.js';
import { departmentOf } from '../deviceAuth.js';
import { param } from '../params.js';

/**
 * The department's own devices: kiosk, counter panel, rating pad, hall
 * board. Authenticated with the department's API key (mounted behind
 * requireDepartmentKey); a counter of another department is "not found".
 */
export function deviceRoutes(
  commands: DeviceCommands,
  countersOf: (departmentId: string) => Counter[],
): Router {
  const router = Router();
  const counterOf = (departmentId: string, counterId: string): Counter => {
    const counter = countersOf(departmentId).find((c) => c.id === counterId);
    if (!counter) throw new AppError('not_found', `no counter ${counterId} in this department`);
    return counter;
  };
  const brief = (c: Counter) => ({ id: c.id, name: c.name, services: c.services });

  router.get('/info', (_req, res) => {
    const d = departmentOf(res);
    res.json(commands.info({ id: d.id, name: d.name }, countersOf(d.id).map(brief)));
  });

  router.post('/tickets', async (req, res) => {
    const d = departmentOf(res);
    const { serviceCode } = parseOrThrow(TakeTicketSchema, req.body, 'ticket request', 'invalid_request');
    const offered = countersOf(d.id).flatMap((c) => c.services);
    res.json(await commands.takeTicket(d.id, offered, serviceCode));
  });

  router.get('/counters/:counterId', (req, res) => {
    const d = departmentOf(res);
    res.json(commands.panel(d.id, brief(counterOf(d.id, param(req, 'counterId')))));
  });

  router.post('/counters/:counterId/actions', async (req, res) => {
    const d = departmentOf(res);
    const counter = counterOf(d.id, param(req, 'counterId'));
    const action = parseOrThrow(CounterActionSchema, req.body, 'counter action', 'invalid_request');
    res.json(await commands.act(d.id, brief(counter), action));
  });

  router.post('/counters/:counterId/rating', async (req, res) => {
    const d = departmentOf(res);
    const counter = counterOf(d.id, param(req, 'counterId'));
    const body = parseOrThrow(SubmitRatingSchema, req.body, 'rating', 'invalid_request');
    res.json(await commands.rate(d.id, brief(counter), body.rating, body.comment));
  });

  router.get('/board', (_req, res) => {
    const d = departmentOf(res);
    res.json(commands.board({ id: d.id, name: d.name }, countersOf(d.id)));
  });

  return router;
}
