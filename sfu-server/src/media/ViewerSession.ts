import type { types } from 'mediasoup';
import {
  AppError,
  TypedEmitter,
  type ConsumeResult,
  type MediaTrack,
  type WebRtcTransportInfo,
} from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { DepartmentRouter } from './DepartmentRouter.js';
import type { LiveTrack } from './LiveMedia.js';

export type ViewerCloseReason =
  'producer_closed' | 'transport_closed' | 'session_ended' | 'worker_died' | 'client_closed';

export type ViewerSessionEvents = {
  consumerOpened: [info: ViewerConsumerInfo];
  consumerClosed: [info: ViewerConsumerInfo, reason: ViewerCloseReason];
  transportClosed: [transportId: string, reason: ViewerCloseReason];
  closed: [];
};

export interface ViewerConsumerInfo {
  consumerId: string;
  counterId: string;
  departmentId: string;
  track: MediaTrack;
}

export interface ViewerSessionOptions {
  getRouter: (departmentId: string) => Promise<DepartmentRouter>;
  /** A counter's producer on this process: found at once, or piped in from its media node first. */
  lookupTrack: (
    counterId: string,
    track: MediaTrack,
  ) => LiveTrack | undefined | Promise<LiveTrack | undefined>;
  logger: Logger;
  /** A wall of a whole province is ~150 counters; leave room for focus and audio. */
  maxConsumers?: number;
  /**
   * The console receives each department over its own transport (a router per
   * department), so a province-wide scope needs one per department: 600 counters
   * are ~290 departments. The per-department cap is what bounds a socket: a
   * console needs one, two while it replaces a failed one.
   */
  maxTransports?: number;
  maxTransportsPerDepartment?: number;
}

interface TransportEntry {
  transport: types.WebRtcTransport;
  departmentId: string;
}

interface ConsumerEntry {
  consumer: types.Consumer;
  transportId: string;
  info: ViewerConsumerInfo;
}

/**
 * What one console connection receives: a receive transport per department
 * it views, and a paused-until-ready consumer per (counter, track) on screen.
 */
export class ViewerSession extends TypedEmitter<ViewerSessionEvents> {
  readonly #options: ViewerSessionOptions;
  readonly #logger: Logger;
  readonly #transports = new Map<string, TransportEntry>();
  readonly #consumers = new Map<string, ConsumerEntry>();
  /** Places taken by requests still awaiting mediasoup: limits count them, so concurrent requests cannot overshoot. */
  #pendingTransports = 0;
  readonly #pendingByDepartment = new Map<string, number>();
  #pendingConsumers = 0;
  #closed = false;

  constructor(options: ViewerSessionOptions) {
    super();
    this.#options = options;
    this.#logger = options.logger;
  }

  get consumerCount(): number {
    return this.#consumers.size;
  }

  consumers(): ViewerConsumerInfo[] {
    return [...this.#consumers.values()].map((c) => c.info);
  }

  async createTransport(departmentId: string): Promise<WebRtcTransportInfo> {
    this.#assertOpen();
    if (this.#transports.size + this.#pendingTransports >= (this.#options.maxTransports ?? 400)) {
      throw new AppError('conflict', 'too many transports on this connection');
    }
    const pendingHere = this.#pendingByDepartment.get(departmentId) ?? 0;
    let openHere = 0;
    for (const entry of this.#transports.values()) if (entry.departmentId === departmentId) openHere += 1;
    if (openHere + pendingHere >= (this.#options.maxTransportsPerDepartment ?? 2)) {
      throw new AppError('conflict', 'too many transports for this department on this connection');
    }
    // Reserved before the first await, given back whatever happens.
    this.#pendingTransports += 1;
    this.#pendingByDepartment.set(departmentId, pendingHere + 1);
    let transport: types.WebRtcTransport;
    try {
      const router = await this.#options.getRouter(departmentId);
      transport = await router.createWebRtcTransport({ appData: { departmentId, direction: 'recv' } });
    } finally {
      this.#pendingTransports -= 1;
      const left = (this.#pendingByDepartment.get(departmentId) ?? 1) - 1;
      if (left > 0) this.#pendingByDepartment.set(departmentId, left);
      else this.#pendingByDepartment.delete(departmentId);
    }
    if (this.#closed) {
      transport.close();
      throw new AppError('closed', 'session closed');
    }
    this.#transports.set(transport.id, { transport, departmentId });
    const lost = (reason: ViewerCloseReason): void => this.#dropTransport(transport.id, reason);
    transport.on('routerclose', () => lost('worker_died'));
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') lost('transport_closed');
    });
    return {
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.#transport(transportId).transport.connect({ dtlsParameters });
  }

  closeTransport(transportId: string): void {
    this.#transport(transportId);
    this.#dropTransport(transportId, 'client_closed');
  }

  async consume(options: {
    transportId: string;
    counterId: string;
    track: MediaTrack;
    rtpCapabilities: types.RtpCapabilities;
  }): Promise<ConsumeResult> {
    this.#assertOpen();
    const entry = this.#transport(options.transportId);
    // Counted before the first await, so concurrent requests cannot all pass the limit.
    if (this.#consumers.size + this.#pendingConsumers >= (this.#options.maxConsumers ?? 600)) {
      throw new AppError('conflict', 'too many consumers on this connection');
    }
    this.#pendingConsumers += 1;
    let consumer: types.Consumer;
    let live: LiveTrack | undefined;
    try {
      live = await this.#options.lookupTrack(options.counterId, options.track);
      if (!live)
        throw new AppError('not_found', `counter ${options.counterId} is not publishing ${options.track}`);
      if (live.departmentId !== entry.departmentId) {
        throw new AppError(
          'invalid_request',
          `counter ${options.counterId} is not in this transport's department`,
        );
      }
      const router = await this.#options.getRouter(entry.departmentId);
      if (
        !router.router.canConsume({ producerId: live.producer.id, rtpCapabilities: options.rtpCapabilities })
      ) {
        throw new AppError('invalid_request', 'these RTP capabilities cannot receive this track');
      }
      consumer = await entry.transport.consume({
        producerId: live.producer.id,
        rtpCapabilities: options.rtpCapabilities,
        paused: true, // resumed once the client has wired the track, so the first keyframe is not wasted
        appData: { counterId: options.counterId, track: options.track },
      });
    } finally {
      this.#pendingConsumers -= 1;
    }
    // The transport (or the whole session) may have gone while mediasoup worked.
    if (this.#closed || !this.#transports.has(options.transportId)) {
      consumer.close();
      throw new AppError('closed', 'the transport closed');
    }
    const info: ViewerConsumerInfo = {
      consumerId: consumer.id,
      counterId: options.counterId,
      departmentId: entry.departmentId,
      track: options.track,
    };
    this.#consumers.set(consumer.id, { consumer, transportId: options.transportId, info });
    consumer.on('producerclose', () => this.#dropConsumer(consumer.id, 'producer_closed'));
    consumer.on('transportclose', () => this.#dropConsumer(consumer.id, 'transport_closed'));
    this.emit('consumerOpened', info);
    return {
      consumerId: consumer.id,
      producerId: live.producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
      track: options.track,
      epoch: live.epoch,
    };
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    const { consumer } = this.#consumer(consumerId);
    await consumer.resume();
    // GStreamer agents and the browser publisher answer it at once; ffmpeg agents ignore it.
    if (consumer.kind === 'video') await consumer.requestKeyFrame();
  }

  async pauseConsumer(consumerId: string): Promise<void> {
    await this.#consumer(consumerId).consumer.pause();
  }

  closeConsumer(consumerId: string): void {
    this.#consumer(consumerId);
    this.#dropConsumer(consumerId, 'client_closed');
  }

  /** Closes every consumer of the given counters (e.g. the user lost access to them). */
  closeConsumersWhere(predicate: (info: ViewerConsumerInfo) => boolean, reason: ViewerCloseReason): void {
    for (const { info } of [...this.#consumers.values()]) {
      if (predicate(info)) this.#dropConsumer(info.consumerId, reason);
    }
  }

  close(reason: ViewerCloseReason = 'session_ended'): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const id of [...this.#consumers.keys()]) this.#dropConsumer(id, reason);
    for (const { transport } of this.#transports.values()) transport.close();
    this.#transports.clear();
    this.emit('closed');
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('closed', 'session closed');
  }

  #transport(transportId: string): TransportEntry {
    const entry = this.#transports.get(transportId);
    if (!entry) throw new AppError('not_found', `no transport ${transportId} on this connection`);
    return entry;
  }

  #consumer(consumerId: string): ConsumerEntry {
    const entry = this.#consumers.get(consumerId);
    if (!entry) throw new AppError('not_found', `no consumer ${consumerId} on this connection`);
    return entry;
  }

  #dropConsumer(consumerId: string, reason: ViewerCloseReason): void {
    const entry = this.#consumers.get(consumerId);
    if (!entry) return;
    this.#consumers.delete(consumerId);
    if (!entry.consumer.closed) entry.consumer.close();
    this.#logger.debug({ consumerId, counterId: entry.info.counterId, reason }, 'consumer closed');
    this.emit('consumerClosed', entry.info, reason);
  }

  #dropTransport(transportId: string, reason: ViewerCloseReason): void {
    const entry = this.#transports.get(transportId);
    if (!entry) return;
    this.#transports.delete(transportId);
    for (const c of [...this.#consumers.values()]) {
      if (c.transportId === transportId) this.#dropConsumer(c.info.consumerId, reason);
    }
    if (!entry.transport.closed) entry.transport.close();
    this.emit('transportClosed', transportId, reason);
  }
}
