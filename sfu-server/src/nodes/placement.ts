import type { MediaNodeRow } from '../storage/Storage.js';

/** What one node holds now, counted from the placements table. */
export interface NodeHolding {
  total: number;
  /** Counters of the department being placed. */
  department: number;
}

/**
 * Which node a counter's agent publishes to. Pure, so the rules are tested without a database:
 *  1. its current node while that node is alive, not draining and reachable by the agent: a node
 *     that comes back after a failover does not take its counters back mid-view;
 *  2. a node already holding the department's counters, below capacity: a department's router,
 *     its recordings and a console's pipe for it stay on one node;
 *  3. the node with the lowest share of its capacity in use (then by name, so every process agrees);
 *  4. when every node is full, still the least loaded one: a counter unseen is worse than a node
 *     above its nominal capacity (the operators see it in the node list).
 */
export function chooseNode(input: {
  current: string | undefined;
  /** Nodes alive now (recent heartbeat). */
  alive: readonly MediaNodeRow[];
  holdings: ReadonlyMap<string, NodeHolding>;
  /** Nodes the agent says it cannot reach. */
  avoid: ReadonlySet<string>;
}): MediaNodeRow | undefined {
  const usable = input.alive.filter((n) => !n.draining && !input.avoid.has(n.name));
  const current = usable.find((n) => n.name === input.current);
  if (current) return current;
  const held = (n: MediaNodeRow): NodeHolding => input.holdings.get(n.name) ?? { total: 0, department: 0 };
  const open = usable.filter((n) => held(n).total < n.capacity);
  const share = (n: MediaNodeRow): number => held(n).total / Math.max(1, n.capacity);
  const byShare = (a: MediaNodeRow, b: MediaNodeRow): number =>
    share(a) - share(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const affine = open.filter((n) => held(n).department > 0);
  if (affine.length > 0)
    return [...affine].sort((a, b) => held(b).department - held(a).department || byShare(a, b))[0];
  return [...(open.length > 0 ? open : usable)].sort(byShare)[0];
}
