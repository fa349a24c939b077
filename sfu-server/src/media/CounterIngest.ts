import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import {
  AppError,
  SRTP_CRYPTO_SUITE,
  TypedEmitter,
  type IngestTarget,
  type MediaStats,
  type MediaTrack,
  type PublisherKind,
  type VideoCodec,
  type WebRtcTransportInfo,
} from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import { INGEST_PAYLOAD_TYPES, KEYFRAME_REQUEST_DELAY_MS, plainIngestRtpParameters } from './codecs.js';
import type { DepartmentRouter } from './DepartmentRouter.js';

export type IngestCloseReason =
  'unpublished' | 'router_closed' | 'agent_gone' | 'superseded' | 'revoked' | 'shutdown';

export type CounterIngestEvents = {
  /** A producer was added (browser publishers add them one by one). */
  producer: [track: MediaTrack];
  closed: [reason: IngestCloseReason];
};

const TRACK_KIND: Record<MediaTrack, 'audio' | 'video'> = { audio: 'audio', grid: 'video', focus: 'video' };

/**
 * One counter's media coming into its department router: three producers
 * (audio, grid video, focus video) over SRTP PlainTransports from ffmpeg, or
 * over one WebRTC transport from the browser agent page.
 */
export class CounterIngest extends TypedEmitter<CounterIngestEvents> {
  readonly counterId: string;
  readonly departmentId: string;
  readonly publisher: PublisherKind;
  readonly #logger: Logger;
  readonly #transports: types.Transport[] = [];
  readonly #producers = new Map<MediaTrack, types.Producer>();
  #webRtcTransport: types.WebRtcTransport | undefined;
  #previous = new Map<MediaTrack, { packets: number; lost: number }>();
  #closed = false;

  private constructor(router: DepartmentRouter, counterId: string, publisher: PublisherKind, logger: Logger) {
    super();
    this.counterId = counterId;
    this.departmentId = router.departmentId;
    this.publisher = publisher;
    this.#logger = logger;
    // Router loss reaches us through each transport's `routerclose`.
  }

  /**
   * Agent (GStreamer or ffmpeg) ingest: one comedia PlainTransport per stream
   * with SRTP keyed by the agent's own fresh keys. Returns where the agent
   * must send each stream, and the key of the SFU's RTCP coming back.
   */
  static async createPlain(options: {
    router: DepartmentRouter;
    counterId: string;
    videoCodec: VideoCodec;
    keys: { grid: string; focus: string; audio: string | null };
    listenIp: string;
    announcedIp: string;
    ingestHost: string | null;
    logger: Logger;
  }): Promise<{
    ingest: CounterIngest;
    targets: Record<'grid' | 'focus', IngestTarget> & { audio: IngestTarget | null };
  }> {
    const logger = options.logger.child({ counterId: options.counterId, publisher: 'ffmpeg' });
    const ingest = new CounterIngest(options.router, options.counterId, 'ffmpeg', logger);
    try {
      const target = async (track: MediaTrack, key: string): Promise<IngestTarget> => {
        const kind = TRACK_KIND[track];
        const transport = await options.router.router
          .createPlainTransport({
            listenInfo: options.router.plainListenInfo(options.listenIp, options.announcedIp),
            // ffmpeg sends RTCP from a separate socket; with rtcp-mux, comedia would lock onto whichever came first.
            rtcpMux: false,
            comedia: true,
            enableSrtp: true,
            srtpCryptoSuite: SRTP_CRYPTO_SUITE,
            appData: { counterId: options.counterId, track },
          })
          .catch((error: unknown) => {
            // The operator's port range (CW_RTC_MIN_PORT…MAX) is full: say so, to the agent and the log.
            if (error instanceof Error && /no more available ports/.test(error.message))
              throw new AppError(
                'unavailable',
                'the media port range is full (CW_RTC_MIN_PORT…CW_RTC_MAX_PORT)',
              );
            throw error;
          });
        ingest.#adopt(transport);
        await transport.connect({ srtpParameters: { cryptoSuite: SRTP_CRYPTO_SUITE, keyBase64: key } });
        // ffmpeg takes the SSRC as a signed 32-bit int: stay below 2^31.
        const ssrc = randomInt(1, 0x7fffffff);
        const producer = await transport.produce({
          kind,
          rtpParameters: plainIngestRtpParameters(kind, options.videoCodec, ssrc),
          ...(kind === 'video' ? { keyFrameRequestDelay: KEYFRAME_REQUEST_DELAY_MS } : {}),
          appData: { counterId: options.counterId, track },
        });
        ingest.#addProducer(track, producer);
        const rtcpPort = transport.rtcpTuple?.localPort;
        if (rtcpPort === undefined) throw new Error('plain transport without an RTCP port');
        // mediasoup's own key, which its RTCP to the agent (keyframe requests) is encrypted with.
        const sfuKey = transport.srtpParameters?.keyBase64;
        if (sfuKey === undefined) throw new Error('plain transport without SRTP parameters');
        return {
          host: options.ingestHost,
          port: transport.tuple.localPort,
          rtcpPort,
          ssrc,
          payloadType:
            kind === 'audio' ? INGEST_PAYLOAD_TYPES.audio : INGEST_PAYLOAD_TYPES[options.videoCodec],
          cryptoSuite: SRTP_CRYPTO_SUITE,
          sfuKey,
        };
      };
      const grid = await target('grid', options.keys.grid);
      const focus = await target('focus', options.keys.focus);
      const audio = options.keys.audio === null ? null : await target('audio', options.keys.audio);
      logger.info({ tracks: ingest.tracks() }, 'plain ingest ready');
      return { ingest, targets: { grid, focus, audio } };
    } catch (error) {
      ingest.close('unpublished');
      throw error;
    }
  }

  /** Browser ingest: one WebRTC send transport; producers come with `produce()`. */
  static async createWebRtc(options: {
    router: DepartmentRouter;
    counterId: string;
    logger: Logger;
  }): Promise<{ ingest: CounterIngest; transport: WebRtcTransportInfo }> {
    const logger = options.logger.child({ counterId: options.counterId, publisher: 'browser' });
    const ingest = new CounterIngest(options.router, options.counterId, 'browser', logger);
    const transport = await options.router.createWebRtcTransport({
      appData: { counterId: options.counterId, direction: 'send' },
      maxIncomingBitrate: 4_000_000,
    });
    ingest.#adopt(transport);
    ingest.#webRtcTransport = transport;
    return {
      ingest,
      transport: {
        transportId: transport.id,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        dtlsParameters: transport.dtlsParameters,
      },
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  async connectWebRtc(dtlsParameters: types.DtlsParameters): Promise<void> {
    if (!this.#webRtcTransport) throw new AppError('conflict', 'this publisher has no WebRTC transport');
    await this.#webRtcTransport.connect({ dtlsParameters });
  }

  async produceWebRtc(
    track: MediaTrack,
    kind: 'audio' | 'video',
    rtpParameters: types.RtpParameters,
  ): Promise<string> {
    const transport = this.#webRtcTransport;
    if (!transport) throw new AppError('conflict', 'this publisher has no WebRTC transport');
    if (TRACK_KIND[track] !== kind)
      throw new AppError('invalid_message', `track ${track} must be ${TRACK_KIND[track]}`);
    if (this.#producers.has(track)) throw new AppError('conflict', `track ${track} is already published`);
    const producer = await transport.produce({
      kind,
      rtpParameters,
      appData: { counterId: this.counterId, track },
    });
    this.#addProducer(track, producer);
    return producer.id;
  }

  producer(track: MediaTrack): types.Producer | undefined {
    return this.#producers.get(track);
  }

  tracks(): MediaTrack[] {
    return [...this.#producers.keys()].sort();
  }

  /** Bitrate and loss from mediasoup's receive stats; fps comes from the agent's heartbeat. */
  async stats(): Promise<Omit<MediaStats, 'fps'>> {
    let bitrate = 0;
    let packetLossPct = 0;
    let score: number | null = null;
    for (const [track, producer] of this.#producers) {
      const stats = await producer.getStats();
      for (const s of stats) bitrate += s.bitrate;
      const main = stats[0];
      if (track === 'focus' && main) {
        score = main.score;
        const prev = this.#previous.get(track);
        if (prev) {
          const packets = main.packetCount - prev.packets;
          const lost = Math.max(0, main.packetsLost - prev.lost);
          packetLossPct = packets + lost > 0 ? (100 * lost) / (packets + lost) : 0;
        }
        this.#previous.set(track, { packets: main.packetCount, lost: main.packetsLost });
      }
    }
    return {
      bitrateKbps: Math.round(bitrate / 1000),
      packetLossPct: Math.round(packetLossPct * 10) / 10,
      score,
    };
  }

  close(reason: IngestCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of this.#transports) transport.close(); // closes its producers
    this.#producers.clear();
    this.#logger.info({ reason }, 'ingest closed');
    this.emit('closed', reason);
  }

  #adopt(transport: types.Transport): void {
    this.#transports.push(transport);
    transport.on('routerclose', () => this.close('router_closed'));
  }

  #addProducer(track: MediaTrack, producer: types.Producer): void {
    this.#producers.set(track, producer);
    this.emit('producer', track);
  }
}
