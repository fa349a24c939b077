import { TypedEmitter, type Clock } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { MediaNodeRow, NodeStore } from '../storage/Storage.js';

/** How often a node reports; a node silent for `NODE_ALIVE_MS` is treated as gone. */
export const NODE_HEARTBEAT_MS = 2_000;
export const NODE_ALIVE_MS = 3 * NODE_HEARTBEAT_MS;

export type NodeRegistryEvents = {
  /** An admin drained (true) or restored (false) this node. */
  draining: [draining: boolean];
  closed: [];
};

export interface NodeIdentity {
  name: string;
  url: URL;
  capacity: number;
}

/**
 * This process as a media node in the shared database: registered at start, a heartbeat with its
 * load every two seconds, removed at a clean stop. A database that does not answer a heartbeat is
 * logged and retried on the next beat; placement elsewhere treats the silence as the node's death.
 */
export class NodeRegistry extends TypedEmitter<NodeRegistryEvents> {
  readonly #store: NodeStore;
  readonly #identity: NodeIdentity;
  readonly #load: () => number;
  readonly #now: Clock;
  readonly #logger: Logger;
  readonly #startedAt: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #beating: Promise<void> | undefined;
  #draining = false;
  #closed = false;

  private constructor(options: NodeRegistryOptions) {
    super();
    this.#store = options.store;
    this.#identity = options.identity;
    this.#load = options.load;
    this.#now = options.now;
    this.#logger = options.logger.child({ module: 'node-registry', node: options.identity.name });
    this.#startedAt = options.now();
  }

  /** Registers the node; a database that refuses it fails the start. */
  static async create(options: NodeRegistryOptions): Promise<NodeRegistry> {
    const registry = new NodeRegistry(options);
    await registry.#beat();
    registry.#timer = setInterval(() => {
      registry.#tick();
    }, NODE_HEARTBEAT_MS);
    registry.#timer.unref();
    registry.#logger.info(
      { url: options.identity.url.href, capacity: options.identity.capacity },
      'media node registered',
    );
    return registry;
  }

  get name(): string {
    return this.#identity.name;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Stops the heartbeat and removes the node, so placement moves on at once. Runs once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#beating?.catch(() => undefined);
    try {
      await this.#store.remove(this.#identity.name);
    } catch (error) {
      this.#logger.warn({ reason: (error as Error).message }, 'could not deregister the media node');
    }
    this.emit('closed');
  }

  #tick(): void {
    // One heartbeat in flight at a time: a slow database must not pile them up.
    if (this.#beating || this.#closed) return;
    this.#beating = this.#beat()
      .catch((error: unknown) =>
        this.#logger.warn({ reason: (error as Error).message }, 'media node heartbeat failed'),
      )
      .finally(() => (this.#beating = undefined));
  }

  async #beat(): Promise<void> {
    const node: Pick<MediaNodeRow, 'name' | 'url' | 'capacity' | 'load' | 'startedAt'> = {
      name: this.#identity.name,
      url: this.#identity.url.href,
      capacity: this.#identity.capacity,
      load: this.#load(),
      startedAt: this.#startedAt,
    };
    const { draining } = await this.#store.heartbeat(node, this.#now());
    if (this.#closed || draining === this.#draining) return;
    this.#draining = draining;
    this.#logger.warn(
      { draining },
      draining ? 'media node drained by an admin' : 'media node back in service',
    );
    this.emit('draining', draining);
  }
}

export interface NodeRegistryOptions {
  store: NodeStore;
  identity: NodeIdentity;
  /** Agents publishing here now. */
  load: () => number;
  now: Clock;
  logger: Logger;
}
