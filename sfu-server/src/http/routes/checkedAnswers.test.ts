import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MediaObjectsSchema,
  RouteListSchema,
  type MediaObjects,
  type MetricsHistory,
  type User,
} from '@counterwatch/shared';
import type { SessionService } from '../../auth/SessionService.js';
import { errorHandler } from '../errors.js';
import { adminRoutes, type AdminRoutesDeps } from './adminRoutes.js';
import { queueRoutes, type QueueRoutesHost } from './queueRoutes.js';

/**
 * The operators' media dump, the route list and the metrics history answer
 * through their shared schemas: what fits is sent (and only what the schema
 * names), what does not is the server's bug and answers 500.
 */
describe('checked answers: admin media, admin routes, metrics history', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  const user = (roles: User['roles']): User => ({
    id: 1,
    username: 'someone',
    displayName: 'Someone',
    roles,
    departmentIds: null,
  });
  const sessionsAs = (u: User) =>
    ({
      resolve: () => Promise.resolve({ user: u, sessionHash: 'h', expiresAt: Number.MAX_SAFE_INTEGER }),
    }) as unknown as SessionService;

  const worker: MediaObjects['workers'][number] = {
    index: 0,
    pid: 4242,
    routers: 1,
    departmentRouters: 1,
    transports: 2,
    producers: 1,
    consumers: 1,
    dataProducers: 0,
    dataConsumers: 0,
    rtpObservers: 0,
    webRtcServer: { transports: 1, iceUsernameFragments: 1, tupleHashes: 1 },
  };
  const history: MetricsHistory = {
    departmentId: 'd-1',
    from: 1_000,
    to: 2_000,
    points: [
      {
        at: 1_500,
        queueLength: 2,
        longestWaitSeconds: 30,
        meanWaitSeconds: 20,
        openCounters: 1,
        servedToday: 3,
        satisfaction: null,
        counters: { 'c-1': { queueLength: 2 } },
      },
    ],
    servedByHour: { 'c-1': { '08': 3 } },
    daily: [],
  };

  async function serve(options: {
    media?: () => Promise<unknown>;
    history?: () => Promise<unknown>;
  }): Promise<string> {
    const app = express();
    app.use(
      '/api/v1/admin',
      adminRoutes({
        sessions: sessionsAs(user(['admin'])),
        mediaObjects: options.media ?? (() => Promise.resolve({ workers: [worker] })),
        app: () => app,
      } as unknown as AdminRoutesDeps),
    );
    app.use(
      '/api/v1',
      queueRoutes(sessionsAs(user(['director'])), {
        departmentExists: () => true,
        history: options.history ?? (() => Promise.resolve(history)),
      } as unknown as QueueRoutesHost),
    );
    app.use(errorHandler(pino({ level: 'silent' })));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    close = () => server.close();
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const internalError = { error: { code: 'internal', message: 'internal error' } };

  it('the media dump is sent as the workers count it, without what the schema does not name', async () => {
    const url = await serve({
      media: () => Promise.resolve({ workers: [{ ...worker, dump: { routerIds: ['r1'] } }] }),
    });
    const res = await fetch(`${url}/api/v1/admin/media`);
    expect(res.status).toBe(200);
    expect(MediaObjectsSchema.parse(await res.clone().json())).toEqual({ workers: [worker] });
    expect(await res.json()).toEqual({ workers: [worker] });
  });

  it('a media dump that does not fit answers 500', async () => {
    const url = await serve({ media: () => Promise.resolve({ workers: [{ ...worker, consumers: -1 }] }) });
    const res = await fetch(`${url}/api/v1/admin/media`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual(internalError);
  });

  it('the route list fits its schema and names the routes served', async () => {
    const url = await serve({});
    const res = await fetch(`${url}/api/v1/admin/routes`);
    expect(res.status).toBe(200);
    const { routes } = RouteListSchema.parse(await res.json());
    expect(routes).toContainEqual({ method: 'GET', path: '/api/v1/admin/media' });
    expect(routes).toContainEqual({ method: 'GET', path: '/api/v1/admin/routes' });
    expect(routes).toContainEqual({ method: 'GET', path: '/api/v1/metrics/history' });
  });

  it('the metrics history is sent through its schema: a day summed up before leftOpen reads 0', async () => {
    const day = {
      day: '2025-12-31',
      issued: 4,
      served: 3,
      meanWaitSeconds: 60,
      satisfaction: 1,
      noShowRate: 0,
    };
    const url = await serve({ history: () => Promise.resolve({ ...history, daily: [day] }) });
    const res = await fetch(`${url}/api/v1/metrics/history?departmentId=d-1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...history, daily: [{ ...day, leftOpen: 0 }] });
  });

  it('a metrics history that does not fit answers 500', async () => {
    const url = await serve({
      history: () => Promise.resolve({ ...history, points: [{ ...history.points[0], queueLength: -2 }] }),
    });
    const res = await fetch(`${url}/api/v1/metrics/history?departmentId=d-1`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual(internalError);
  });
});
