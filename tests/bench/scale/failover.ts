/**
 * Part 3: failover. One control process, two media nodes (recording on, as nodes run), K counters
 * all on one node (the other is started once they are placed). Each round: kill -9 the node
 * holding them, and per counter the time until it is online again on the other node (that node's
 * overview) and on the control process's overview; then the killed node is started again (empty:
 * it takes nothing back), so the next round kills the other one.
 */
import { ScaleCluster, log, sleep } from './cluster.js';
import { percentile, table } from '../stats.js';

export interface FailoverResult {
  counters: number;
  rounds: number;
  /** ms from the kill until each counter publishes on the other node; one entry per counter and round. */
  onNode: number[];
  onControl: number[];
  /** Counters that were not back within the limit, over all rounds. */
  missing: number;
}

const LIMIT_MS = 60_000;

export async function failover(counters: number, rounds: number): Promise<FailoverResult> {
  log(`\n== 3. Failover: kill -9 of the node holding ${counters} counters, ${rounds} rounds ==`);
  const cluster = await ScaleCluster.create('failover', counters);
  const onNode: number[] = [];
  const onControl: number[] = [];
  let missing = 0;
  const perRound: (string | number)[][] = [];
  try {
    await cluster.startNode(0, { CW_RECORDING: 'true' });
    await cluster.stack.startLoadPublisher(cluster.counterIds);
    await cluster.waitOnline('m1', counters, 180_000);
    await cluster.startNode(1, { CW_RECORDING: 'true' });
    for (let i = 0; i < 30 && !cluster.nodeAlive('m2'); i++) await sleep(1_000);
    let holder = 'm1';
    for (let round = 1; round <= rounds; round++) {
      const other = holder === 'm1' ? 'm2' : 'm1';
      await cluster.waitOnline('control', counters, 60_000);
      await sleep(3_000);
      const killedAt = Date.now();
      cluster.node(holder).server.child.kill('SIGKILL');
      const node = new Map<string, number>();
      const control = new Map<string, number>();
      const wentDown = new Set<string>();
      // Polled every 100 ms, both views at once: a time is when the poll first saw it.
      let nodeDoneAt = Infinity;
      while (
        Date.now() - killedAt < LIMIT_MS &&
        (node.size < counters || (control.size < counters && Date.now() - nodeDoneAt < 10_000))
      ) {
        const [a, b] = await Promise.all([
          cluster.onlineAt(other).catch(() => new Set<string>()),
          cluster.onlineAt('control').catch(() => new Set<string>()),
        ]);
        const now = Date.now() - killedAt;
        for (const id of a) if (!node.has(id)) node.set(id, now);
        // The control shows it reconnecting once the dead node's link closes; back when it is online there
        // again while publishing on the other node (so never earlier than the node's own time).
        for (const id of cluster.counterIds) if (!b.has(id)) wentDown.add(id);
        for (const id of b) if (!control.has(id) && node.has(id) && wentDown.has(id)) control.set(id, now);
        if (node.size === counters && nodeDoneAt === Infinity) nodeDoneAt = Date.now();
        await sleep(100);
      }
      missing += counters - node.size;
      onNode.push(...node.values());
      onControl.push(...control.values());
      const times = [...node.values()];
      perRound.push([
        round,
        `${holder} → ${other}`,
        `${node.size}/${counters}`,
        Math.round(percentile(times, 50)),
        Math.round(percentile(times, 95)),
        times.length > 0 ? Math.max(...times) : 'n/a',
        Math.round(percentile([...control.values()], 95)),
        `${wentDown.size}/${counters}`,
      ]);
      log(
        `  round ${round}: ${holder} killed; ${node.size}/${counters} on ${other}, p50 ${Math.round(percentile(times, 50))} ms, ` +
          `max ${times.length > 0 ? Math.max(...times) : 'n/a'} ms`,
      );
      // Back, empty: it must take nothing back; the next round kills the node that now holds them.
      await cluster.startNode(holder === 'm1' ? 0 : 1);
      for (let i = 0; i < 30 && !cluster.nodeAlive(holder); i++) await sleep(1_000);
      holder = other;
    }
  } finally {
    await cluster.stop();
  }
  log('\nPer round, ms from kill -9 until publishing on the other node (its overview):');
  log(
    table([
      [
        'round',
        'killed → took over',
        'back',
        'p50 ms',
        'p95 ms',
        'max ms',
        'control overview p95 ms',
        'seen reconnecting on control',
      ],
      ...perRound,
    ]),
  );
  log(
    `all rounds (${onNode.length} recoveries): on the node p50 ${Math.round(percentile(onNode, 50))} / ` +
      `p95 ${Math.round(percentile(onNode, 95))} / max ${onNode.length > 0 ? Math.max(...onNode) : 'n/a'} ms; ` +
      `on the control's overview p50 ${Math.round(percentile(onControl, 50))} / p95 ${Math.round(percentile(onControl, 95))} / ` +
      `max ${onControl.length > 0 ? Math.max(...onControl) : 'n/a'} ms; not back in ${LIMIT_MS / 1000} s: ${missing}`,
  );
  return { counters, rounds, onNode, onControl, missing };
}
