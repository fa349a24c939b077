import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { DepartmentRouter, WorkerPool } from '@counterwatch/sfu-server/media';

/**
 * The worker pool against real mediasoup workers: what the pool relies on
 * from mediasoup itself, checked on the worker this project builds.
 */
describe('worker pool: real mediasoup workers', () => {
  const logger = pino({ level: 'warn' });
  let pool: WorkerPool | undefined;

  async function createPool(size: number): Promise<WorkerPool> {
    const base = 20000 + Math.floor(Math.random() * 10000);
    pool = await WorkerPool.create({
      size,
      listenIp: '127.0.0.1',
      announcedIp: '127.0.0.1',
      webRtcPort: base,
      webRtcTcp: true,
      rtcMinPort: base + 10,
      rtcMaxPort: base + 209,
      logger,
    });
    return pool;
  }

  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('closing a WebRtcServer with live WebRTC transports closes them and the worker lives on', async () => {
    // mediasoup #1390 (fixed in 3.13): this killed the worker in 3.12.
    const p = await createPool(1);
    const slot = await p.ready(0);
    const router = await DepartmentRouter.create({ slot, departmentId: 'd1', logger });
    const transports = await Promise.all(
      [1, 2, 3].map((i) => router.createWebRtcTransport({ appData: { i } })),
    );
    const listenServerClosed = transports.map(
      (t) => new Promise<void>((resolve) => t.on('listenserverclose', () => resolve())),
    );
    let died = false;
    slot.worker.on('died', () => (died = true));

    slot.webRtcServer.close();
    await Promise.all(listenServerClosed);

    expect(transports.every((t) => t.closed)).toBe(true);
    // The worker still answers and still makes transports.
    const usage = await slot.worker.getResourceUsage();
    expect(usage.ru_utime).toBeGreaterThanOrEqual(0);
    const plain = await router.router.createPlainTransport({
      listenInfo: router.plainListenInfo('127.0.0.1'),
    });
    expect(plain.closed).toBe(false);
    expect(died).toBe(false);
    expect(slot.worker.died).toBe(false);
  });

  it("plain transports listen on their worker's share of the RTP port range", async () => {
    const p = await createPool(2);
    const ranges = [0, 1].map((i) => p.slot(i)!.portRange);
    expect(ranges[0]!.max).toBeLessThan(ranges[1]!.min);
    for (const index of [0, 1]) {
      const slot = await p.ready(index);
      const router = await DepartmentRouter.create({ slot, departmentId: `d${index}`, logger });
      for (let i = 0; i < 5; i++) {
        const t = await router.router.createPlainTransport({
          listenInfo: router.plainListenInfo('127.0.0.1'),
          rtcpMux: false,
        });
        for (const port of [t.tuple.localPort, t.rtcpTuple?.localPort]) {
          expect(port).toBeGreaterThanOrEqual(slot.portRange.min);
          expect(port).toBeLessThanOrEqual(slot.portRange.max);
        }
      }
    }
  });
});
