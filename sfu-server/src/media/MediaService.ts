import type { types } from 'mediasoup';
import { TypedEmitter, type MediaObjects, type MediaWorkerObjects } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import { ROUTER_MEDIA_CODECS } from './codecs.js';
import { DepartmentRouter, type RouterCloseReason } from './DepartmentRouter.js';
import { WorkerPool, type WorkerPoolOptions, type WorkerSlot } from './WorkerPool.js';

const EMPTY_WORKER_OBJECTS: MediaWorkerObjects = {
  index: 0,
  pid: null,
  routers: 0,
  departmentRouters: 0,
  transports: 0,
  producers: 0,
  consumers: 0,
  dataProducers: 0,
  dataConsumers: 0,
  rtpObservers: 0,
  webRtcServer: { transports: 0, iceUsernameFragments: 0, tupleHashes: 0 },
};

export type MediaServiceEvents = {
  /** The department's router is gone (its worker died): its transports, producers and consumers too. */
  routerLost: [departmentId: string];
  /** A new router serves the department again: publishers should republish. */
  routerRestored: [departmentId: string];
};

/**
 * Owns the worker pool and one router per department, placing departments
 * on the least loaded worker and rebuilding their routers after a worker dies.
 */
export class MediaService extends TypedEmitter<MediaServiceEvents> {
  readonly #pool: WorkerPool;
  readonly #logger: Logger;
  readonly #routers = new Map<string, Promise<DepartmentRouter>>();
  /** Sticky placement: a department stays on its slot, across worker restarts. */
  readonly #placement = new Map<string, number>();
  readonly #rtpCapabilities: types.RtpCapabilities;
  #closed = false;

  private constructor(pool: WorkerPool, rtpCapabilities: types.RtpCapabilities, logger: Logger) {
    super();
    this.#pool = pool;
    this.#rtpCapabilities = rtpCapabilities;
    this.#logger = logger;
  }

  static async create(options: WorkerPoolOptions): Promise<MediaService> {
    const logger = options.logger.child({ module: 'media' });
    const pool = await WorkerPool.create(options);
    // Every router uses the same codec list, so any router's capabilities describe all.
    const probe = await pool.ready(0);
    const router = await probe.worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS });
    const rtpCapabilities = router.rtpCapabilities;
    router.close();
    const service = new MediaService(pool, rtpCapabilities, logger);
    pool.on('workerReplaced', (slot) => service.#restoreRoutersOn(slot.index));
    return service;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.#rtpCapabilities;
  }

  /** The department's router, created on first use; waits while its worker is being replaced. */
  getRouter(departmentId: string): Promise<DepartmentRouter> {
    if (this.#closed) return Promise.reject(new Error('media service closed'));
    let pending = this.#routers.get(departmentId);
    if (!pending) {
      pending = this.#createRouter(departmentId);
      this.#routers.set(departmentId, pending);
      pending.catch(() => this.#routers.delete(departmentId));
    }
    return pending;
  }

  /** Worker process ids by slot, for operations and fault drills. */
  workerPids(): (number | undefined)[] {
    return this.#pool.pids();
  }

  /** Worker slots with a live worker now, of how many. */
  liveWorkers(): { live: number; size: number } {
    let live = 0;
    for (let index = 0; index < this.#pool.size; index++) if (this.#pool.slot(index)) live += 1;
    return { live, size: this.#pool.size };
  }

  /** CPU and peak memory of each live worker (mediasoup's getrusage of the worker process). */
  async workerUsage(): Promise<
    { index: number; pid: number; userMs: number; systemMs: number; maxRssKb: number }[]
  > {
    const out = [];
    for (let index = 0; index < this.#pool.size; index++) {
      const slot = this.#pool.slot(index);
      if (!slot) continue;
      // A worker dying while asked is left out of this scrape.
      const usage = await slot.worker.getResourceUsage().catch(() => undefined);
      if (!usage) continue;
      out.push({
        index,
        pid: slot.worker.pid,
        userMs: usage.ru_utime,
        systemMs: usage.ru_stime,
        maxRssKb: usage.ru_maxrss,
      });
    }
    return out;
  }

  /** Which slot serves a department, if it has a router. */
  workerIndexOf(departmentId: string): number | undefined {
    return this.#placement.get(departmentId);
  }

  /**
   * What each worker holds, counted by the worker (its dumps, not our maps),
   * so an object the server lost track of is counted too.
   */
  async objects(): Promise<MediaObjects> {
    const workers: MediaWorkerObjects[] = [];
    for (let index = 0; index < this.#pool.size; index++) {
      const slot = this.#pool.slot(index);
      const stats = slot ? await this.#workerObjects(slot).catch(() => undefined) : undefined;
      // A slot being replaced, or a worker that died while we asked: nothing is held there.
      workers.push(stats ?? { ...EMPTY_WORKER_OBJECTS, index });
    }
    return { workers };
  }

  async #workerObjects(slot: WorkerSlot): Promise<MediaWorkerObjects> {
    const [worker, webRtcServer] = await Promise.all([slot.worker.dump(), slot.webRtcServer.dump()]);
    const routers: DepartmentRouter[] = [];
    for (const [departmentId, pending] of this.#routers) {
      if (this.#placement.get(departmentId) !== slot.index) continue;
      const router = await pending.catch(() => undefined);
      if (router && !router.closed) routers.push(router);
    }
    const stats: MediaWorkerObjects = {
      ...EMPTY_WORKER_OBJECTS,
      index: slot.index,
      pid: slot.worker.pid,
      routers: worker.routerIds.length,
      departmentRouters: routers.length,
      webRtcServer: {
        transports: webRtcServer.webRtcTransportIds.length,
        iceUsernameFragments: webRtcServer.localIceUsernameFragments.length,
        tupleHashes: webRtcServer.tupleHashes.length,
      },
    };
    for (const router of routers) {
      const dump = await router.router.dump();
      stats.transports += dump.transportIds.length;
      stats.producers += dump.mapProducerIdConsumerIds.length;
      stats.consumers += dump.mapConsumerIdProducerId.length;
      stats.dataProducers += dump.mapDataProducerIdDataConsumerIds.length;
      stats.dataConsumers += dump.mapDataConsumerIdDataProducerId.length;
      stats.rtpObservers += dump.rtpObserverIds.length;
    }
    return stats;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const pending of this.#routers.values()) {
      try {
        (await pending).close();
      } catch (error) {
        this.#logger.warn({ err: error }, 'router was not created, nothing to close');
      }
    }
    this.#routers.clear();
    await this.#pool.close();
  }

  async #createRouter(departmentId: string): Promise<DepartmentRouter> {
    const index = this.#placement.get(departmentId) ?? this.#leastLoadedSlot();
    this.#placement.set(departmentId, index);
    const slot = await this.#pool.ready(index);
    const router = await DepartmentRouter.create({ slot, departmentId, logger: this.#logger });
    router.on('closed', (reason) => this.#onRouterClosed(router, reason));
    return router;
  }

  #leastLoadedSlot(): number {
    const load = new Array<number>(this.#pool.size).fill(0);
    for (const index of this.#placement.values()) load[index] = (load[index] ?? 0) + 1;
    let best = 0;
    for (let i = 1; i < load.length; i++) if ((load[i] ?? 0) < (load[best] ?? 0)) best = i;
    return best;
  }

  #onRouterClosed(router: DepartmentRouter, reason: RouterCloseReason): void {
    if (reason !== 'worker_died' || this.#closed) return;
    this.#routers.delete(router.departmentId);
    this.#logger.warn(
      { departmentId: router.departmentId, workerIndex: router.workerIndex },
      'department router lost',
    );
    this.emit('routerLost', router.departmentId);
  }

  /** After a worker is replaced, rebuild the routers of the departments placed on it. */
  #restoreRoutersOn(index: number): void {
    for (const [departmentId, placed] of this.#placement) {
      if (placed !== index || this.#routers.has(departmentId)) continue;
      this.getRouter(departmentId).then(
        () => this.emit('routerRestored', departmentId),
        (error: unknown) => this.#logger.error({ departmentId, err: error }, 'router restore failed'),
      );
    }
  }
}
