import type { types } from 'mediasoup';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@counterwatch/shared';
import { plainIngestRtpParameters } from './codecs.js';
import { DepartmentRouter } from './DepartmentRouter.js';
import type { LiveTrack } from './LiveMedia.js';
import { ViewerSession } from './ViewerSession.js';
import { WorkerPool } from './WorkerPool.js';

/**
 * The per-connection limits against a real mediasoup worker: requests fired
 * all at once must not slip past a limit checked before an await.
 */
describe('ViewerSession limits under concurrency', () => {
  const logger = pino({ level: 'silent' });
  let pool: WorkerPool;
  let router: DepartmentRouter;
  let producerTransport: types.PlainTransport;
  let track: LiveTrack;

  beforeAll(async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    pool = await WorkerPool.create({
      size: 1,
      listenIp: '127.0.0.1',
      announcedIp: '127.0.0.1',
      webRtcPort: port,
      webRtcTcp: false,
      rtcMinPort: port + 100,
      rtcMaxPort: port + 400,
      logger,
    });
    router = await DepartmentRouter.create({ slot: await pool.ready(0), departmentId: 'd1', logger });
    producerTransport = await router.router.createPlainTransport({
      listenIp: '127.0.0.1',
      rtcpMux: true,
      comedia: true,
    });
    const producer = await producerTransport.produce({
      kind: 'video',
      rtpParameters: plainIngestRtpParameters('video', 'vp8', 1111),
    });
    track = { producer, departmentId: 'd1', epoch: 1 };
  });

  afterAll(async () => {
    producerTransport?.close();
    router?.close();
    await pool?.close();
  });

  const session = (
    limits: { maxTransports?: number; maxConsumers?: number; maxTransportsPerDepartment?: number },
    getRouter = async () => router,
  ) =>
    new ViewerSession({
      getRouter,
      lookupTrack: () => track,
      logger,
      maxTransportsPerDepartment: 1000,
      ...limits,
    });

  const outcomes = async (attempts: Promise<unknown>[]) => {
    const settled = await Promise.allSettled(attempts);
    const refused = settled.filter((r) => r.status === 'rejected').map((r) => (r.reason as AppError).code);
    return { ok: settled.length - refused.length, refused };
  };

  it('100 concurrent createTransport requests open exactly the limit', async () => {
    const viewer = session({ maxTransports: 10 });
    const { ok, refused } = await outcomes(Array.from({ length: 100 }, () => viewer.createTransport('d1')));
    expect(ok).toBe(10);
    expect(new Set(refused)).toEqual(new Set(['conflict']));
    viewer.close();
  });

  it('a province-wide console gets one transport per department, at most two each at once', async () => {
    const viewer = session({ maxTransportsPerDepartment: 2 });
    const departments = Array.from({ length: 90 }, (_, i) => `d${i}`);
    const { ok, refused } = await outcomes(
      departments.flatMap((d) => [
        viewer.createTransport(d),
        viewer.createTransport(d),
        viewer.createTransport(d),
      ]),
    );
    expect(ok).toBe(180);
    expect(refused).toHaveLength(90);
    expect(new Set(refused)).toEqual(new Set(['conflict']));
    viewer.close();
  });

  it('100 concurrent consume requests open exactly the limit', async () => {
    const viewer = session({ maxConsumers: 7 });
    const { transportId } = await viewer.createTransport('d1');
    const { ok, refused } = await outcomes(
      Array.from({ length: 100 }, () =>
        viewer.consume({
          transportId,
          counterId: 'c1',
          track: 'grid',
          rtpCapabilities: router.router.rtpCapabilities,
        }),
      ),
    );
    expect(ok).toBe(7);
    expect(refused).toHaveLength(93);
    expect(viewer.consumerCount).toBe(7);
    viewer.close();
  });

  it('a request that fails gives its reserved place back', async () => {
    let fail = true;
    const viewer = session({ maxTransports: 2 }, async () => {
      if (fail) throw new AppError('unavailable', 'no router');
      return router;
    });
    const first = await outcomes(Array.from({ length: 5 }, () => viewer.createTransport('d1')));
    expect(first).toEqual({
      ok: 0,
      refused: ['unavailable', 'unavailable', 'conflict', 'conflict', 'conflict'],
    });
    fail = false;
    const second = await outcomes(Array.from({ length: 5 }, () => viewer.createTransport('d1')));
    expect(second.ok).toBe(2);
    viewer.close();
  });
});
