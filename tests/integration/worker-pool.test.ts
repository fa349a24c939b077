import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { DepartmentRouter, WorkerPool, kernelUdpLimits } from '@counterwatch/sfu-server/media';

/** The receive and send buffers the kernel holds for the UDP socket on a local port (`ss -m`). */
async function socketBuffers(port: number): Promise<{ receive: number; send: number }> {
  const { stdout } = await promisify(execFile)('ss', ['-uamn', 'sport', '=', `:${port}`]);
  const skmem = /skmem:\(([^)]*)\)/.exec(stdout)?.[1];
  if (!skmem) throw new Error(`no UDP socket on port ${port}: ${stdout}`);
  const field = (name: string) => Number(new RegExp(`(?:^|,)${name}(\\d+)`).exec(skmem)?.[1]);
  return { receive: field('rb'), send: field('tb') };
}

/**
 * The worker pool against real mediasoup workers: what the pool relies on
 * from mediasoup itself, checked on the worker this project builds.
 */
describe('worker pool: real mediasoup workers', () => {
  const logger = pino({ level: 'warn' });
  let pool: WorkerPool | undefined;

  async function createPool(size: number, udpBufferBytes?: number): Promise<WorkerPool> {
    const base = 20000 + Math.floor(Math.random() * 10000);
    pool = await WorkerPool.create({
      size,
      listenIp: '127.0.0.1',
      announcedIp: '127.0.0.1',
      webRtcPort: base,
      webRtcTcp: true,
      rtcMinPort: base + 10,
      rtcMaxPort: base + 209,
      udpBufferBytes,
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

  it('every worker UDP socket (viewers, ingest, pipes) gets the configured kernel buffers', async () => {
    // The kernel grants at most net.core.{r,w}mem_max and keeps twice what it grants.
    const { rmemMax, wmemMax } = await kernelUdpLimits();
    const expected = (asked: number) => ({
      receive: 2 * Math.min(asked, rmemMax ?? asked),
      send: 2 * Math.min(asked, wmemMax ?? asked),
    });
    for (const asked of [256 * 1024, 1024 * 1024]) {
      const p = await createPool(1, asked);
      const slot = await p.ready(0);
      expect(slot.udpBuffers).toEqual({
        receive: Math.min(asked, rmemMax ?? asked),
        send: Math.min(asked, wmemMax ?? asked),
      });
      const router = await DepartmentRouter.create({ slot, departmentId: 'd1', logger });
      const plain = await router.router.createPlainTransport({
        listenInfo: router.plainListenInfo('127.0.0.1'),
        rtcpMux: false,
      });
      const pipe = await router.router.createPipeTransport({
        listenInfo: router.plainListenInfo('127.0.0.1'),
      });
      const webRtcPort = (await slot.webRtcServer.dump()).udpSockets[0]!.port;
      const ports = [plain.tuple.localPort, plain.rtcpTuple!.localPort, pipe.tuple.localPort, webRtcPort];
      for (const port of ports) expect(await socketBuffers(port), `port ${port}`).toEqual(expected(asked));
      await p.close();
      pool = undefined;
    }
  });
});
