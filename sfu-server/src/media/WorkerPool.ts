import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { Backoff, TypedEmitter } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import { DEFAULT_UDP_BUFFER_BYTES, grantedUdpBuffers, kernelUdpLimits } from './udpBuffers.js';

export interface WorkerPoolOptions {
  size: number;
  listenIp: string;
  announcedIp: string;
  /** WebRtcServer port of worker 0; worker i listens on port + i. */
  webRtcPort: number;
  webRtcTcp: boolean;
  rtcMinPort: number;
  rtcMaxPort: number;
  /** SO_RCVBUF/SO_SNDBUF of every worker UDP socket (see udpBuffers.ts); default DEFAULT_UDP_BUFFER_BYTES. */
  udpBufferBytes?: number;
  logger: Logger;
}

/** A live worker and the one WebRtcServer every viewer transport on it goes through. */
export interface WorkerSlot {
  readonly index: number;
  readonly worker: types.Worker;
  readonly webRtcServer: types.WebRtcServer;
  /** This worker's share of the RTP port range, for its plain transports. */
  readonly portRange: types.TransportPortRange;
  /** The kernel buffers each of this worker's UDP sockets asks for, bytes. */
  readonly udpBuffers: { readonly receive: number; readonly send: number };
}

export type WorkerPoolEvents = {
  /** A worker process died; its routers are already closed. */
  workerDied: [index: number];
  /** A replacement worker is up in the same slot (same ports). */
  workerReplaced: [slot: WorkerSlot];
  closed: [];
};

/**
 * mediasoup workers, one per core by default. A worker that dies is
 * replaced in the same slot with capped backoff, so the ports it served
 * come back without anyone doing anything.
 */
export class WorkerPool extends TypedEmitter<WorkerPoolEvents> {
  readonly #options: WorkerPoolOptions;
  readonly #logger: Logger;
  readonly #slots: (WorkerSlot | undefined)[];
  readonly #waiters = new Map<number, ((slot: WorkerSlot) => void)[]>();
  readonly #udpBuffers: WorkerSlot['udpBuffers'];
  #closed = false;

  private constructor(options: WorkerPoolOptions, udpBuffers: WorkerSlot['udpBuffers']) {
    super();
    this.#options = options;
    this.#udpBuffers = udpBuffers;
    this.#logger = options.logger.child({ module: 'worker-pool' });
    this.#slots = new Array<WorkerSlot | undefined>(options.size).fill(undefined);
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const requested = options.udpBufferBytes ?? DEFAULT_UDP_BUFFER_BYTES;
    const limits = await kernelUdpLimits();
    const granted = grantedUdpBuffers(requested, limits);
    if (granted.capped)
      options.logger
        .child({ module: 'worker-pool' })
        .warn(
          { requested, ...limits, receive: granted.receive, send: granted.send },
          'kernel caps media UDP buffers: raise net.core.rmem_max and net.core.wmem_max',
        );
    const pool = new WorkerPool(options, { receive: granted.receive, send: granted.send });
    try {
      for (let i = 0; i < options.size; i++) {
        pool.#install(await pool.#spawn(i));
      }
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.#slots.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The slot's live worker, or undefined while it is being replaced. */
  slot(index: number): WorkerSlot | undefined {
    return this.#slots[index];
  }

  /** Resolves with the slot's worker once it is up (at once if it is). */
  ready(index: number): Promise<WorkerSlot> {
    const slot = this.#slots[index];
    if (slot) return Promise.resolve(slot);
    if (this.#closed) return Promise.reject(new Error('worker pool closed'));
    return new Promise((resolve) => {
      const list = this.#waiters.get(index) ?? [];
      list.push(resolve);
      this.#waiters.set(index, list);
    });
  }

  /** Process ids, for tests and operations (`kill -9` drills). */
  pids(): (number | undefined)[] {
    return this.#slots.map((s) => s?.worker.pid);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) slot?.worker.close(); // closes its routers, transports and WebRtcServer
    this.#slots.fill(undefined);
    this.emit('closed');
  }

  async #spawn(index: number): Promise<WorkerSlot> {
    const o = this.#options;
    // Split the RTP port range so workers never race for the same port.
    const span = Math.floor((o.rtcMaxPort - o.rtcMinPort + 1) / o.size);
    const portRange = { min: o.rtcMinPort + index * span, max: o.rtcMinPort + (index + 1) * span - 1 };
    const worker = await mediasoup.createWorker({ logLevel: 'warn', appData: { index } });
    try {
      const port = o.webRtcPort + index;
      const listenInfos: types.TransportListenInfo[] = [
        {
          protocol: 'udp',
          ip: o.listenIp,
          announcedAddress: o.announcedIp,
          port,
          recvBufferSize: this.#udpBuffers.receive,
          sendBufferSize: this.#udpBuffers.send,
        },
      ];
      if (o.webRtcTcp)
        listenInfos.push({ protocol: 'tcp', ip: o.listenIp, announcedAddress: o.announcedIp, port });
      const webRtcServer = await worker.createWebRtcServer({ listenInfos });
      this.#logger.info({ index, pid: worker.pid, port, portRange }, 'worker started');
      return { index, worker, webRtcServer, portRange, udpBuffers: this.#udpBuffers };
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  #install(slot: WorkerSlot): void {
    this.#slots[slot.index] = slot;
    slot.worker.on('died', (error) => this.#onDied(slot, error));
    const waiters = this.#waiters.get(slot.index) ?? [];
    this.#waiters.delete(slot.index);
    for (const resolve of waiters) resolve(slot);
  }

  #onDied(slot: WorkerSlot, error: Error): void {
    if (this.#slots[slot.index] !== slot) return;
    this.#slots[slot.index] = undefined;
    this.#logger.error({ index: slot.index, pid: slot.worker.pid, err: error }, 'worker died');
    this.emit('workerDied', slot.index);
    void this.#replace(slot.index);
  }

  async #replace(index: number): Promise<void> {
    const backoff = new Backoff({ initialMs: 100, maxMs: 10_000 });
    while (!this.#closed) {
      try {
        const slot = await this.#spawn(index);
        if (this.closed) {
          slot.worker.close();
          return;
        }
        this.#install(slot);
        this.#logger.info({ index, pid: slot.worker.pid }, 'worker replaced');
        this.emit('workerReplaced', slot);
        return;
      } catch (error) {
        const delay = backoff.next();
        this.#logger.error({ index, err: error, retryInMs: delay }, 'worker replacement failed');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
