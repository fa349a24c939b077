import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainIngestRtpParameters } from './codecs.js';
import { MediaService } from './MediaService.js';

/** The object counts come from a real worker's dumps: what is created shows, what is closed goes. */
describe('MediaService.objects', () => {
  const logger = pino({ level: 'silent' });
  let media: MediaService;

  beforeAll(async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    media = await MediaService.create({
      size: 1,
      listenIp: '127.0.0.1',
      announcedIp: '127.0.0.1',
      webRtcPort: port,
      webRtcTcp: false,
      rtcMinPort: port + 100,
      rtcMaxPort: port + 400,
      logger,
    });
  });

  afterAll(async () => {
    await media?.close();
  });

  it('counts routers, transports, producers and consumers as the worker holds them', async () => {
    const empty = (await media.objects()).workers;
    expect(empty).toHaveLength(1);
    expect(empty[0]).toMatchObject({
      index: 0,
      pid: media.workerPids()[0],
      routers: 0,
      departmentRouters: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
      webRtcServer: { transports: 0, iceUsernameFragments: 0, tupleHashes: 0 },
    });

    const router = await media.getRouter('d1');
    const ingest = await router.router.createPlainTransport({
      listenInfo: router.plainListenInfo('127.0.0.1'),
      rtcpMux: true,
      comedia: true,
    });
    const producer = await ingest.produce({
      kind: 'video',
      rtpParameters: plainIngestRtpParameters('video', 'vp8', 2222),
    });
    const viewer = await router.createWebRtcTransport({ appData: {} });
    const consumer = await viewer.consume({
      producerId: producer.id,
      rtpCapabilities: media.rtpCapabilities,
      paused: true,
    });
    expect((await media.objects()).workers[0]).toMatchObject({
      routers: 1,
      departmentRouters: 1,
      transports: 2,
      producers: 1,
      consumers: 1,
      webRtcServer: { transports: 1, iceUsernameFragments: 1 },
    });

    consumer.close();
    expect((await media.objects()).workers[0]).toMatchObject({ transports: 2, consumers: 0 });
    viewer.close();
    ingest.close();
    expect((await media.objects()).workers[0]).toMatchObject({
      routers: 1,
      transports: 0,
      producers: 0,
      consumers: 0,
      webRtcServer: { transports: 0, iceUsernameFragments: 0 },
    });
  });
});
