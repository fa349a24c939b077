import { Router, type Response } from 'express';
import {
  AppError,
  CounterActionSchema,
  EnrollRequestSchema,
  OfficerSignInSchema,
  RatingCommentSchema,
  SubmitRatingSchema,
  TakeTicketSchema,
  parseOrThrow,
  type Counter,
  type EnrollResponse,
  BoardStateSchema,
  CounterPanelStateSchema,
  DeviceInfoSchema,
  EnrollResponseSchema,
  PanelOfficerSchema,
  RatingCommentReceiptSchema,
  RatingPadStateSchema,
  RatingReceiptSchema,
  TicketReceiptSchema,
} from '@counterwatch/shared';
import { announcementText, type HallVoice } from '../../devices/HallVoice.js';
import type { DeviceRegistry } from '../../devices/DeviceRegistry.js';
import type { OfficerService } from '../../officers/OfficerService.js';
import type { DeviceCommands } from '../../queue/DeviceCommands.js';
import { assertDevice, deviceOf, requireDevice } from '../deviceAuth.js';
import { param } from '../params.js';
import { clientIp } from '../requestContext.js';
import { reply } from '../reply.js';

export interface DeviceRoutesDeps {
  registry: DeviceRegistry;
  officers: OfficerService;
  commands: DeviceCommands;
  countersOf: (departmentId: string) => Counter[];
  voice: HallVoice;
}

/**
 * The department's own devices: kiosk, counter panel, rating pad, hall
 * board. `POST /enroll` trades a one-time code for the device's token; every
 * other route needs that token and allows only what the device's kind needs,
 * for its own counter:
 *
 *   kiosk   POST /tickets
 *   panel   GET /counters/:own, POST /counters/:own/actions,
 *           GET|POST|DELETE /counters/:own/officer (the officer's sign-in)
 *   rating  GET|POST /counters/:own/rating, POST /counters/:own/rating/comment
 *   board   GET /board, GET /board/calls/:ticketId/voice
 */
export function deviceRoutes(deps: DeviceRoutesDeps): Router {
  const { registry, officers, commands, countersOf, voice } = deps;
  const router = Router();

  router.post('/enroll', async (req, res) => {
    const body = parseOrThrow(EnrollRequestSchema, req.body, 'enrolment', 'invalid_request');
    const enrolled: EnrollResponse = await registry.enrol(body.code, body.kind, clientIp(req));
    res.setHeader('Cache-Control', 'no-store');
    reply(res, EnrollResponseSchema, enrolled);
  });

  router.use(requireDevice((token) => registry.authenticate(token)));

  const brief = (c: Counter) => ({ id: c.id, name: c.name, services: c.services });
  /** The device's own counter, named in the path; anything else is refused. */
  const ownCounter = (res: Response, counterId: string, kinds: ('panel' | 'rating')[]): Counter => {
    const found = deviceOf(res);
    assertDevice(found, kinds, counterId);
    const counter = countersOf(found.department.id).find((c) => c.id === counterId);
    if (!counter) throw new AppError('not_found', `no counter ${counterId} in this department`);
    return counter;
  };

  router.get('/info', (_req, res) => {
    const { device, department } = deviceOf(res);
    reply(
      res,
      DeviceInfoSchema,
      commands.info(
        device,
        { id: department.id, name: department.name },
        countersOf(department.id).map(brief),
      ),
    );
  });

  router.post('/tickets', async (req, res) => {
    const found = deviceOf(res);
    assertDevice(found, ['kiosk']);
    const { serviceCode } = parseOrThrow(TakeTicketSchema, req.body, 'ticket request', 'invalid_request');
    const offered = countersOf(found.department.id).flatMap((c) => c.services);
    reply(res, TicketReceiptSchema, await commands.takeTicket(found.device, offered, serviceCode));
  });

  router.get('/counters/:counterId', (req, res) => {
    const counter = ownCounter(res, param(req, 'counterId'), ['panel']);
    reply(res, CounterPanelStateSchema, commands.panel(counter.departmentId, brief(counter)));
  });

  router.post('/counters/:counterId/actions', async (req, res) => {
    const counter = ownCounter(res, param(req, 'counterId'), ['panel']);
    const action = parseOrThrow(CounterActionSchema, req.body, 'counter action', 'invalid_request');
    reply(res, CounterPanelStateSchema, await commands.act(deviceOf(res).device, brief(counter), action));
  });

  // Who is at the counter: the officer signs in with badge number and PIN, and out at the end.
  const panelOf = (res: Response, counter: Counter) => ({
    id: deviceOf(res).device.id,
    departmentId: counter.departmentId,
    counterId: counter.id,
  });

  router.get('/counters/:counterId/officer', async (req, res) => {
    const counter = ownCounter(res, param(req, 'counterId'), ['panel']);
    reply(res, PanelOfficerSchema, { officer: await officers.onDuty(counter.id) });
  });

  router.post('/counters/:counterId/officer', async (req, res) => {
    const counter = ownCounter(res, param(req, 'counterId'), ['panel']);
    const body = parseOrThrow(OfficerSignInSchema, req.body, 'sign-in', 'invalid_request');
    const officer = await officers.signIn(panelOf(res, counter), body.badgeNumber, body.pin, clientIp(req));
    reply(res, PanelOfficerSchema, { officer });
  });

  router.delete('/counters/:counterId/officer', async (req, res) => {
    const counter = ownCounter(res, param(req, 'counterId'), ['panel']);
    await officers.signOut(panelOf(res, counter), clientIp(req));
    reply(res, PanelOfficerSchema, { officer: null });
  });

  router.get('/counters/:counterId/rating', (req, res) => {
    const counter = ownCounter(res, param(req, 'counterId'), ['rating']);
    reply(res, RatingPadStateSchema, commands.ratingPad(counter.departmentId, counter));
  });

  router.post('/counters/:counterId/rating', async (req, res) => {
    const counter = ownCounter(res, param(req, 'counterId'), ['rating']);
    const body = parseOrThrow(SubmitRatingSchema, req.body, 'rating', 'invalid_request');
    reply(
      res,
      RatingReceiptSchema,
      await commands.rate(deviceOf(res).device, counter, body.ticketId, body.rating),
    );
  });

  router.post('/counters/:counterId/rating/comment', async (req, res) => {
    const counter = ownCounter(res, param(req, 'counterId'), ['rating']);
    const body = parseOrThrow(RatingCommentSchema, req.body, 'comment', 'invalid_request');
    reply(
      res,
      RatingCommentReceiptSchema,
      await commands.comment(deviceOf(res).device, counter, body.ticketId, body.comment),
    );
  });

  router.get('/board', (_req, res) => {
    const found = deviceOf(res);
    assertDevice(found, ['board']);
    reply(
      res,
      BoardStateSchema,
      commands.board(
        { id: found.department.id, name: found.department.name },
        countersOf(found.department.id),
      ),
    );
  });

  router.get('/board/calls/:ticketId/voice', async (req, res) => {
    const found = deviceOf(res);
    assertDevice(found, ['board']);
    // Only calls that happened: the board cannot make the server say anything else.
    const call = commands.call(found.department.id, param(req, 'ticketId'));
    const counter = call && countersOf(found.department.id).find((c) => c.id === call.counterId);
    if (!call || !counter) throw new AppError('not_found', 'no such call today');
    const text = announcementText(call.ticketNumber, counter.name);
    const wav = await voice.announcement(text.spoken);
    res.setHeader('Content-Type', 'audio/wav');
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('X-Announcement', encodeURIComponent(text.shown));
    res.send(wav);
  });

  return router;
}
