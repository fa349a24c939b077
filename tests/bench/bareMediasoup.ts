/**
 * Bare mediasoup for the benches (live, record, wall's bare run): the
 * server's own pieces on loopback, without the server — one worker, SRTP
 * plain ingests as an agent gets them (and the ffmpeg that stands in for the
 * agent), and SRTP plain consumers to a UDP sink.
 */
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { RenditionSpec } from '@counterwatch/shared';
import { buildFfmpegArgs, parseVideoSource, type SendTarget } from '@counterwatch/agent/media';
import {
  CounterIngest,
  WorkerPool,
  type DepartmentRouter,
  type WorkerSlot,
} from '@counterwatch/sfu-server/media';

const LOOPBACK = '127.0.0.1';

type PlainTargets = { grid: SendTarget; focus: SendTarget; audio: SendTarget | null };

/** A random SRTP master key + salt (30 bytes, base64), as an agent makes one per stream. */
const srtpKey = (): string => randomBytes(30).toString('base64');

/**
 * A pool of one worker on loopback, its WebRTC port at a random base in
 * [lowest, lowest + 5000) and its RTC range base + 10 … base + rtcSpan:
 * each bench keeps its own range (record's recorders take the ports below 30000).
 */
export async function oneWorker(
  logger: Logger,
  ports: { lowest: number; rtcSpan: number },
): Promise<{ pool: WorkerPool; slot: WorkerSlot }> {
  const base = ports.lowest + Math.floor(Math.random() * 5000);
  const pool = await WorkerPool.create({
    size: 1,
    listenIp: LOOPBACK,
    announcedIp: LOOPBACK,
    webRtcPort: base,
    webRtcTcp: false,
    rtcMinPort: base + 10,
    rtcMaxPort: base + ports.rtcSpan,
    logger,
  });
  return { pool, slot: pool.slot(0)! };
}

/**
 * A counter's SRTP plain ingest (VP8 grid + focus, audio if asked) with fresh
 * keys, and where a publisher sends each stream with its key: ready for
 * testPublisherArgs or a relay.
 */
export async function plainIngest(
  router: DepartmentRouter,
  counterId: string,
  options: { audio: boolean; logger: Logger },
): Promise<{ ingest: CounterIngest; targets: PlainTargets }> {
  const keys = { grid: srtpKey(), focus: srtpKey(), audio: options.audio ? srtpKey() : null };
  const { ingest, targets } = await CounterIngest.createPlain({
    router,
    counterId,
    videoCodec: 'vp8',
    keys,
    listenIp: LOOPBACK,
    announcedIp: LOOPBACK,
    ingestHost: LOOPBACK,
    logger: options.logger,
  });
  return {
    ingest,
    targets: {
      grid: { ...targets.grid, host: LOOPBACK, key: keys.grid },
      focus: { ...targets.focus, host: LOOPBACK, key: keys.focus },
      audio: targets.audio && keys.audio ? { ...targets.audio, host: LOOPBACK, key: keys.audio } : null,
    },
  };
}

/**
 * ffmpeg's arguments for a stand-in counter PC, as the agent's ffmpeg
 * publisher sends: the test picture in VP8 at both renditions, 1 s keyframes,
 * and a test tone where the ingest takes audio.
 */
export function testPublisherArgs(
  targets: PlainTargets,
  renditions: { grid: RenditionSpec; focus: RenditionSpec },
  captionFile: string | null,
): string[] {
  return buildFfmpegArgs({
    video: parseVideoSource('test'),
    audio: targets.audio ? { kind: 'test' } : { kind: 'none' },
    codec: 'vp8',
    renditions,
    audioBitrateKbps: 32,
    keyframeIntervalSeconds: 1,
    targets,
    captionFile,
  });
}

/** A UDP socket on loopback that takes what consumers send; `onMessage` may count it, else it is dropped. */
export async function udpSink(onMessage: (msg: Buffer) => void = () => undefined): Promise<dgram.Socket> {
  const sink = dgram.createSocket('udp4');
  sink.on('message', onMessage);
  await new Promise<void>((r) => sink.bind(0, LOOPBACK, () => r()));
  return sink;
}

/**
 * An SRTP plain transport sending to the sink, as a viewer's transport sends
 * to its browser; the caller consumes on it (one consumer or many).
 */
export async function srtpSinkTransport(
  router: DepartmentRouter,
  sinkPort: number,
): Promise<types.PlainTransport> {
  const transport = await router.router.createPlainTransport({
    listenInfo: router.plainListenInfo(LOOPBACK),
    rtcpMux: true,
    comedia: false,
    enableSrtp: true,
  });
  await transport.connect({
    ip: LOOPBACK,
    port: sinkPort,
    srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: srtpKey() },
  });
  return transport;
}
