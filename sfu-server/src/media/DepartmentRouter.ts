import type { types } from 'mediasoup';
import { TypedEmitter } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import { ROUTER_MEDIA_CODECS } from './codecs.js';
import type { WorkerSlot } from './WorkerPool.js';

export type RouterCloseReason = 'worker_died' | 'shutdown';

export type DepartmentRouterEvents = {
  closed: [reason: RouterCloseReason];
};

/**
 * The mediasoup router of one department, on one worker. All of the
 * department's ingest and viewer transports live on it, so a worker death
 * takes down whole departments, never half of one.
 */
export class DepartmentRouter extends TypedEmitter<DepartmentRouterEvents> {
  readonly departmentId: string;
  readonly workerIndex: number;
  readonly #router: types.Router;
  readonly #webRtcServer: types.WebRtcServer;
  readonly #portRange: types.TransportPortRange;
  readonly #udpBuffers: WorkerSlot['udpBuffers'];
  readonly #logger: Logger;
  #closed = false;

  private constructor(departmentId: string, slot: WorkerSlot, router: types.Router, logger: Logger) {
    super();
    this.departmentId = departmentId;
    this.workerIndex = slot.index;
    this.#router = router;
    this.#webRtcServer = slot.webRtcServer;
    this.#portRange = slot.portRange;
    this.#udpBuffers = slot.udpBuffers;
    this.#logger = logger;
    router.on('workerclose', () => this.#close('worker_died'));
  }

  static async create({
    slot,
    departmentId,
    logger,
  }: {
    slot: WorkerSlot;
    departmentId: string;
    logger: Logger;
  }): Promise<DepartmentRouter> {
    const router = await slot.worker.createRouter({
      mediaCodecs: ROUTER_MEDIA_CODECS,
      appData: { departmentId },
    });
    const child = logger.child({ departmentId, workerIndex: slot.index });
    child.info({ routerId: router.id }, 'department router created');
    return new DepartmentRouter(departmentId, slot, router, child);
  }

  get router(): types.Router {
    return this.#router;
  }

  get webRtcServer(): types.WebRtcServer {
    return this.#webRtcServer;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Where a plain or pipe (RTP/SRTP over UDP) transport listens: on `ip`, on a
   * port of this worker's range, with the worker's socket buffers.
   */
  plainListenInfo(ip: string, announcedAddress?: string): types.TransportListenInfo {
    return {
      protocol: 'udp',
      ip,
      announcedAddress,
      portRange: this.#portRange,
      recvBufferSize: this.#udpBuffers.receive,
      sendBufferSize: this.#udpBuffers.send,
    };
  }

  /** A WebRTC transport through the worker's single WebRtcServer port. */
  createWebRtcTransport(options: {
    appData: Record<string, unknown>;
    maxIncomingBitrate?: number;
  }): Promise<types.WebRtcTransport> {
    return this.#router
      .createWebRtcTransport({
        webRtcServer: this.#webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: 2_000_000,
        appData: options.appData,
      })
      .then(async (transport) => {
        if (options.maxIncomingBitrate) await transport.setMaxIncomingBitrate(options.maxIncomingBitrate);
        return transport;
      });
  }

  close(): void {
    this.#close('shutdown');
  }

  #close(reason: RouterCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    if (reason === 'shutdown') this.#router.close();
    this.#logger.info({ reason }, 'department router closed');
    this.emit('closed', reason);
  }
}
