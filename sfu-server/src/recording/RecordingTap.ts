import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import { SRTP_CRYPTO_SUITE, TypedEmitter } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { DepartmentRouter } from '../media/DepartmentRouter.js';
import { buildSdp, containerFor, type SdpStream } from './sdp.js';
import type { Container } from './paths.js';

export type TapLostReason = 'producer_closed' | 'router_closed';

export type RecordingTapEvents = {
  /** The producer or the router went away: this tap delivers nothing more. */
  lost: [reason: TapLostReason];
};

/**
 * The mediasoup side of one recorder run: per stream a PlainTransport
 * (loopback, SRTP, no rtcp-mux, no comedia) connected to the ports ffmpeg
 * listens on, and a paused consumer that is resumed once ffmpeg listens.
 */
export class RecordingTap extends TypedEmitter<RecordingTapEvents> {
  readonly sdp: string;
  readonly container: Container;
  readonly #transports: types.PlainTransport[];
  readonly #consumers: types.Consumer[];
  readonly #logger: Logger;
  #closed = false;
  #lost = false;

  private constructor(options: {
    sdp: string;
    container: Container;
    transports: types.PlainTransport[];
    consumers: types.Consumer[];
    logger: Logger;
  }) {
    super();
    this.sdp = options.sdp;
    this.container = options.container;
    this.#transports = options.transports;
    this.#consumers = options.consumers;
    this.#logger = options.logger;
    for (const transport of this.#transports) transport.on('routerclose', () => this.#lose('router_closed'));
    for (const consumer of this.#consumers) consumer.on('producerclose', () => this.#lose('producer_closed'));
  }

  /**
   * `reservePort` gives the port ffmpeg will bind RTP on (RTCP on port + 1).
   * It is called once each transport exists: the transport's own ports are
   * bound by then, so the two can never be handed the same port.
   */
  static async open(options: {
    router: DepartmentRouter;
    counterId: string;
    video: types.Producer;
    audio: types.Producer | null;
    reservePort: () => Promise<number>;
    logger: Logger;
  }): Promise<RecordingTap> {
    const transports: types.PlainTransport[] = [];
    const consumers: types.Consumer[] = [];
    const streams: SdpStream[] = [];
    try {
      for (const producer of options.audio ? [options.video, options.audio] : [options.video]) {
        const transport = await options.router.router.createPlainTransport({
          listenInfo: options.router.plainListenInfo('127.0.0.1'),
          rtcpMux: false,
          comedia: false,
          enableSrtp: true,
          srtpCryptoSuite: SRTP_CRYPTO_SUITE,
          appData: { counterId: options.counterId, purpose: 'recording', kind: producer.kind },
        });
        transports.push(transport);
        const port = await options.reservePort();
        const local = transport.srtpParameters;
        if (!local) throw new Error('recording transport without SRTP parameters');
        await transport.connect({
          ip: '127.0.0.1',
          port,
          rtcpPort: port + 1,
          // ffmpeg sends no SRTP back; mediasoup still needs a key for that direction.
          srtpParameters: { cryptoSuite: SRTP_CRYPTO_SUITE, keyBase64: randomBytes(30).toString('base64') },
        });
        const consumer = await transport.consume({
          producerId: producer.id,
          rtpCapabilities: plainCapabilities(options.router.router.rtpCapabilities, producer.kind),
          paused: true,
          appData: { counterId: options.counterId, purpose: 'recording' },
        });
        consumers.push(consumer);
        streams.push({ kind: producer.kind, port, rtpParameters: consumer.rtpParameters, srtp: local });
      }
      const videoCodec = consumers[0]?.rtpParameters.codecs[0];
      if (!videoCodec) throw new Error('video consumer without a codec');
      return new RecordingTap({
        sdp: buildSdp(`cw-${options.counterId}`, streams),
        container: containerFor(videoCodec.mimeType),
        transports,
        consumers,
        logger: options.logger,
      });
    } catch (error) {
      for (const transport of transports) transport.close();
      throw error;
    }
  }

  /** Starts the media; asks the video's publisher for a keyframe (browsers answer, ffmpeg agents ignore it). */
  async resume(): Promise<void> {
    for (const consumer of this.#consumers) {
      if (consumer.closed) continue;
      await consumer.resume();
      if (consumer.kind === 'video') await consumer.requestKeyFrame();
    }
  }

  async requestKeyFrame(): Promise<void> {
    for (const consumer of this.#consumers) {
      if (consumer.kind === 'video' && !consumer.closed) await consumer.requestKeyFrame();
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of this.#transports) transport.close(); // closes its consumers
  }

  #lose(reason: TapLostReason): void {
    if (this.#closed || this.#lost) return;
    this.#lost = true;
    this.#logger.info({ reason }, 'recording source lost');
    this.emit('lost', reason);
  }
}

/**
 * What ffmpeg can receive: the router's codec of that kind, without RTX
 * (ffmpeg asks for no retransmissions) and without header extensions.
 */
function plainCapabilities(router: types.RtpCapabilities, kind: types.MediaKind): types.RtpCapabilities {
  return {
    codecs: (router.codecs ?? []).filter(
      (c) => c.kind === kind && !c.mimeType.toLowerCase().endsWith('/rtx'),
    ),
    headerExtensions: [],
  };
}
