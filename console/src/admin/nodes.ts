import type { MediaNodeInfo, MediaNodes } from '@counterwatch/shared';

/** What the IT officer reads first about a node: it reports, it stopped reporting, or it is being emptied. */
export type NodeState = 'alive' | 'silent' | 'draining';

/** Silent wins over draining: a silent node serves nobody, drained or not (the drain chip still shows). */
export function nodeState(node: Pick<MediaNodeInfo, 'alive' | 'draining'>): NodeState {
  if (!node.alive) return 'silent';
  return node.draining ? 'draining' : 'alive';
}

/** Agents publishing as a share of capacity, 0–1 and beyond when over (null: no capacity to compare). */
export function loadShare(node: Pick<MediaNodeInfo, 'load' | 'capacity'>): number | null {
  return node.capacity > 0 ? node.load / node.capacity : null;
}

/** How full the bar looks: fine, getting full (≥ 80 %), or full. */
export function loadLevel(share: number | null): 'ok' | 'high' | 'full' {
  if (share === null || share < 0.8) return 'ok';
  return share < 1 ? 'high' : 'full';
}

export type AgeUnit = 's' | 'min' | 'h' | 'd';

/** How long ago a heartbeat was, counted on the server's clock (`at`), in the largest whole unit. */
export function heartbeatAge(at: number, heartbeatAt: number): { unit: AgeUnit; value: number } {
  const seconds = Math.max(0, Math.floor((at - heartbeatAt) / 1000));
  if (seconds < 60) return { unit: 's', value: seconds };
  if (seconds < 3600) return { unit: 'min', value: Math.floor(seconds / 60) };
  if (seconds < 86_400) return { unit: 'h', value: Math.floor(seconds / 3600) };
  return { unit: 'd', value: Math.floor(seconds / 86_400) };
}

/** A counter as the nodes section lists it. */
export interface PlacedCounter {
  id: string;
  name: string;
  /** '' when the directory does not know the counter (its name is then its id). */
  departmentId: string;
}

/**
 * The counters placed on each node, by name, in name order; also those placed on a node no longer
 * listed (it stopped reporting long ago and was forgotten), so none goes missing from the page.
 */
export function countersByNode(
  data: Pick<MediaNodes, 'nodes' | 'placements'>,
  counters: readonly PlacedCounter[],
): { byNode: Map<string, PlacedCounter[]>; elsewhere: { node: string; counter: PlacedCounter }[] } {
  const known = new Map(counters.map((c) => [c.id, c]));
  const byNode = new Map<string, PlacedCounter[]>(data.nodes.map((n) => [n.name, []]));
  const elsewhere: { node: string; counter: PlacedCounter }[] = [];
  for (const [id, node] of Object.entries(data.placements)) {
    const counter = known.get(id) ?? { id, name: id, departmentId: '' };
    const list = byNode.get(node);
    if (list) list.push(counter);
    else elsewhere.push({ node, counter });
  }
  const byName = (a: PlacedCounter, b: PlacedCounter) =>
    a.name.localeCompare(b.name, 'vi', { numeric: true });
  for (const list of byNode.values()) list.sort(byName);
  elsewhere.sort((a, b) => a.node.localeCompare(b.node) || byName(a.counter, b.counter));
  return { byNode, elsewhere };
}

/**
 * A node's counters by department (placement keeps a department together, so this is how the IT
 * officer thinks of them), departments in name order; counter names repeat across departments.
 */
export function groupByDepartment(
  counters: readonly PlacedCounter[],
  departments: readonly { id: string; name: string }[],
): { id: string; name: string; counters: PlacedCounter[] }[] {
  const names = new Map(departments.map((d) => [d.id, d.name]));
  const groups = new Map<string, PlacedCounter[]>();
  for (const c of counters) {
    const list = groups.get(c.departmentId);
    if (list) list.push(c);
    else groups.set(c.departmentId, [c]);
  }
  return [...groups]
    .map(([id, list]) => ({ id, name: names.get(id) ?? id, counters: list }))
    .sort((a, b) => a.name.localeCompare(b.name, 'vi', { numeric: true }));
}
