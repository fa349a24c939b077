import { AppError, type Clock, type Counter } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { NodeStore } from '../storage/Storage.js';
import { NODE_ALIVE_MS } from './NodeRegistry.js';
import { chooseNode, type NodeHolding } from './placement.js';

/** Where an agent publishes: here (`null`), or the node to say hello to instead. */
export type PlacementAnswer = { node: string; url: string } | null;

/** Rows of nodes silent this long are deleted (their counters were placed elsewhere long before). */
const FORGET_AFTER_MS = 10 * 60_000;

/**
 * Places counters on media nodes (the rules: `chooseNode`) and writes the placement compare-and-set,
 * so processes placing at once agree. Runs in every process that takes agents' hellos: a control
 * process redirects every agent; a media node keeps those placed on it and redirects the rest.
 */
export class PlacementService {
  readonly #store: NodeStore;
  readonly #departmentOf: (counterId: string) => string | undefined;
  /** This process's node name when it is a media node. */
  readonly #self: string | null;
  readonly #now: Clock;
  readonly #logger: Logger;
  #prunedAt = 0;
  /** Placements made here, one at a time. */
  #turn: Promise<unknown> = Promise.resolve();

  constructor(options: {
    store: NodeStore;
    departmentOf: (counterId: string) => string | undefined;
    self: string | null;
    now: Clock;
    logger: Logger;
  }) {
    this.#store = options.store;
    this.#departmentOf = options.departmentOf;
    this.#self = options.self;
    this.#now = options.now;
    this.#logger = options.logger.child({ module: 'placement' });
  }

  /**
   * One at a time in this process: agents of a drained node come back together, and a counter placed
   * on what the one before it had not written yet would leave its department split across nodes.
   */
  place(counter: Counter, avoid: readonly string[]): Promise<PlacementAnswer> {
    const placed = this.#turn.then(() => this.#place(counter, avoid));
    this.#turn = placed.catch(() => undefined);
    return placed;
  }

  async #place(counter: Counter, avoid: readonly string[]): Promise<PlacementAnswer> {
    const now = this.#now();
    if (now - this.#prunedAt > 60_000) {
      this.#prunedAt = now;
      await this.#store.prune(now - FORGET_AFTER_MS);
    }
    const avoided = new Set(avoid.filter((name) => name !== this.#self));
    // A lost race means another process placed (or moved) it meanwhile: decide again on what it wrote.
    for (let attempt = 0; attempt < 3; attempt++) {
      const [nodes, placements] = await Promise.all([this.#store.list(), this.#store.placements()]);
      const alive = nodes.filter((n) => n.heartbeatAt >= now - NODE_ALIVE_MS);
      const current = placements.find((p) => p.counterId === counter.id)?.node;
      const holdings = new Map<string, NodeHolding>();
      for (const p of placements) {
        if (p.counterId === counter.id) continue;
        const held = holdings.get(p.node) ?? { total: 0, department: 0 };
        held.total += 1;
        if (this.#departmentOf(p.counterId) === counter.departmentId) held.department += 1;
        holdings.set(p.node, held);
      }
      const chosen = chooseNode({ current, alive, holdings, avoid: avoided });
      if (!chosen) throw new AppError('unavailable', 'no media node can take this counter now');
      if (chosen.name !== current) {
        if (!(await this.#store.place(counter.id, chosen.name, current ?? null, now))) continue;
        this.#logger.info(
          { counterId: counter.id, node: chosen.name, from: current ?? null },
          'counter placed',
        );
      }
      return chosen.name === this.#self ? null : { node: chosen.name, url: chosen.url };
    }
    throw new AppError('unavailable', 'placement kept changing; try again');
  }
}
