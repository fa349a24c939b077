import { AppError, type Clock } from '@counterwatch/shared';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import type { MediaNodeRow, NodeStore } from '../storage/Storage.js';
import { NODE_ALIVE_MS } from './NodeRegistry.js';

/** A media node as an IT officer sees it. */
export interface MediaNodeStatus extends MediaNodeRow {
  alive: boolean;
  /** Counters placed on it (their agents publish there while it lives). */
  placed: number;
}

/**
 * The IT officer's view of the media nodes and the one thing done to them by hand: draining a node
 * for maintenance (its agents move to other nodes; it takes no new ones) and putting it back. Each
 * change is on the audit trail before it happens; the node notices at its next heartbeat.
 */
export class NodeAdmin {
  readonly #store: NodeStore;
  readonly #audit: AuditLog;
  readonly #now: Clock;

  constructor(options: { store: NodeStore; audit: AuditLog; now: Clock }) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#now = options.now;
  }

  async list(): Promise<MediaNodeStatus[]> {
    return (await this.overview()).nodes;
  }

  /** The nodes, and where each counter is placed (one read of each, so the counts match the map). */
  async overview(): Promise<{ nodes: MediaNodeStatus[]; placements: Map<string, string> }> {
    const [nodes, rows] = await Promise.all([this.#store.list(), this.#store.placements()]);
    const now = this.#now();
    const placements = new Map(rows.map((p) => [p.counterId, p.node]));
    const placed = new Map<string, number>();
    for (const node of placements.values()) placed.set(node, (placed.get(node) ?? 0) + 1);
    return {
      nodes: nodes.map((n) => ({
        ...n,
        alive: n.heartbeatAt >= now - NODE_ALIVE_MS,
        placed: placed.get(n.name) ?? 0,
      })),
      placements,
    };
  }

  /** Drains (or undrains) the node, on the audit trail with `actor`; the node as it now is. */
  async setDraining(actor: Actor, name: string, draining: boolean): Promise<MediaNodeStatus> {
    if (!(await this.#store.list()).some((n) => n.name === name))
      throw new AppError('not_found', `no media node ${name}`);
    await this.#audit.record({
      action: draining ? 'node.drain' : 'node.undrain',
      actor,
      objectType: 'node',
      objectId: name,
    });
    if (!(await this.#store.setDraining(name, draining)))
      throw new AppError('not_found', `media node ${name} is gone`);
    const node = (await this.list()).find((n) => n.name === name);
    if (!node) throw new AppError('not_found', `media node ${name} is gone`);
    return node;
  }
}
