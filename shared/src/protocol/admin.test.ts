import { describe, expect, it } from 'vitest';
import { MediaObjectsSchema, RouteListSchema } from './admin.js';

describe('RouteListSchema', () => {
  const routes = {
    routes: [
      { method: 'GET', path: '/api/v1/admin/users' },
      { method: 'PATCH', path: '/api/v1/admin/users/:id' },
    ],
  };

  it('accepts the route list as the server lists it', () => {
    expect(RouteListSchema.parse(routes)).toEqual(routes);
  });

  it('refuses a method not in upper case, a relative path, or a missing list', () => {
    expect(RouteListSchema.safeParse({ routes: [{ method: 'get', path: '/api/v1/x' }] }).success).toBe(false);
    expect(RouteListSchema.safeParse({ routes: [{ method: 'GET', path: 'api/v1/x' }] }).success).toBe(false);
    expect(RouteListSchema.safeParse({ routes: [{ method: 'GET' }] }).success).toBe(false);
    expect(RouteListSchema.safeParse(routes.routes).success).toBe(false);
  });
});

describe('MediaObjectsSchema', () => {
  const worker = {
    index: 0,
    pid: 4242,
    routers: 2,
    departmentRouters: 2,
    transports: 5,
    producers: 2,
    consumers: 3,
    dataProducers: 0,
    dataConsumers: 0,
    rtpObservers: 0,
    webRtcServer: { transports: 3, iceUsernameFragments: 3, tupleHashes: 3 },
  };
  // A slot whose worker is being replaced counts nothing and has no pid.
  const replaced = { ...worker, index: 1, pid: null, routers: 0, departmentRouters: 0, transports: 0 };

  it('accepts what the workers hold, a slot being replaced included', () => {
    const objects = { workers: [worker, replaced] };
    expect(MediaObjectsSchema.parse(objects)).toEqual(objects);
  });

  it('refuses a negative or fractional count, a missing WebRtcServer count, or a bare list', () => {
    expect(MediaObjectsSchema.safeParse({ workers: [{ ...worker, consumers: -1 }] }).success).toBe(false);
    expect(MediaObjectsSchema.safeParse({ workers: [{ ...worker, transports: 1.5 }] }).success).toBe(false);
    const { webRtcServer: _omitted, ...noServer } = worker;
    expect(MediaObjectsSchema.safeParse({ workers: [noServer] }).success).toBe(false);
    expect(MediaObjectsSchema.safeParse([worker]).success).toBe(false);
  });
});
