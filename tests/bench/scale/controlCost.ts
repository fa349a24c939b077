/**
 * Part 2: the control process's CPU per 1,000 counters. One control process and two media nodes
 * (recording off: the nodes' cost is part 1's), C counters from the load publisher. Read on the
 * control process (node.js + its idle mediasoup worker): at rest with the nodes linked and nothing
 * publishing; while the C counters say hello (each hello authenticated, placed compare-and-set in
 * PostgreSQL and redirected, then their tracks and first status heard over the node links); and
 * steady with all publishing (agent health and stats of every counter relayed by the nodes onto
 * its status board). No console is connected: what consoles cost is bench:wall's.
 */
import { ScaleCluster, cpuReading, descendants, log, measureCpu, pct, sleep } from './cluster.js';
import { table } from '../stats.js';

export interface ControlResult {
  counters: number;
  online: number;
  placedAfterS: number | null;
  idle: number;
  /** CPU seconds the control spent above idle while the counters were placed, per counter. */
  helloMs: number;
  steady: number;
  steadyNode: number;
  steadyWorker: number;
  /** Cores per 1,000 counters, steady, above idle. */
  per1000: number;
}

export async function controlCost(counters: number, windowMs: number): Promise<ControlResult> {
  log(`\n== 2. Control CPU: one control process, two media nodes, ${counters} counters ==`);
  const cluster = await ScaleCluster.create('control', counters);
  try {
    await cluster.startNode(0, { CW_RECORDING: 'false' });
    await cluster.startNode(1, { CW_RECORDING: 'false' });
    // The control process links to a node it reads alive (it polls the list every second).
    for (let i = 0; i < 30 && !(cluster.nodeAlive('m1') && cluster.nodeAlive('m2')); i++) await sleep(1_000);
    await sleep(5_000);
    const pid = cluster.stack.server.pid!;
    const groups = () => ({ node: [pid], worker: descendants(pid) });
    const idle = await measureCpu(groups(), windowMs);
    const idleCores = idle.cores.node + idle.cores.worker;
    log(`  at rest, two nodes linked: ${pct(idleCores)} of a core`);

    const placing = cpuReading(groups());
    await cluster.stack.startLoadPublisher(cluster.counterIds);
    const placedAfterS = await cluster.waitOnline('control', counters, 300_000);
    const placed = placing.end();
    const helloSeconds = (placed.cores.node + placed.cores.worker - idleCores) * placed.seconds;
    const helloMs = (1000 * helloSeconds) / counters;
    log(
      `  ${counters} counters placed in ${placed.seconds.toFixed(0)} s` +
        `${placedAfterS === null ? ' (not all online at the limit)' : ''}: ` +
        `${helloSeconds.toFixed(2)} CPU s above rest, ${helloMs.toFixed(1)} ms per counter`,
    );
    await sleep(10_000);
    const steady = await measureCpu(groups(), windowMs);
    const online = (await cluster.onlineAt('control')).size;
    const [m1, m2] = [(await cluster.onlineAt('m1')).size, (await cluster.onlineAt('m2')).size];
    const steadyCores = steady.cores.node + steady.cores.worker;
    const per1000 = ((steadyCores - idleCores) / Math.max(1, online)) * 1000;
    log(
      `  steady, ${online} online (m1 ${m1}, m2 ${m2}): ${pct(steadyCores)} of a core ` +
        `(node.js ${pct(steady.cores.node)}, worker ${pct(steady.cores.worker)})`,
    );
    const result: ControlResult = {
      counters,
      online,
      placedAfterS,
      idle: idleCores,
      helloMs,
      steady: steadyCores,
      steadyNode: steady.cores.node,
      steadyWorker: steady.cores.worker,
      per1000,
    };
    log('\nThe control process (node.js + its mediasoup worker), % of one core:');
    log(
      table([
        ['phase', 'control CPU', 'derived'],
        ['at rest, nodes linked, nothing publishing', pct(idleCores), ''],
        [
          `placing ${counters} hellos (auth, placement, redirect, first news)`,
          pct(placed.cores.node + placed.cores.worker),
          `${helloMs.toFixed(1)} ms CPU per hello above rest`,
        ],
        [
          `steady, following ${online} counters' status and stats`,
          pct(steadyCores),
          `${pct(steadyCores - idleCores)} above rest`,
        ],
      ]),
    );
    log(
      `per 1,000 counters: steady ${pct(per1000)} of a core ((steady − rest) / ${online} × 1,000; ` +
        `at most ${pct((steadyCores / Math.max(1, online)) * 1000)}, counting all of it); ` +
        `placing 1,000 at once (a province reconnecting) ${helloMs.toFixed(0)} s of CPU (${helloMs.toFixed(1)} ms × 1,000)`,
    );
    return result;
  } finally {
    await cluster.stop();
  }
}
