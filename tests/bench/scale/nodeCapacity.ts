/**
 * Part 1: counters per media node. One media node (2 mediasoup workers, recording on) takes N
 * counters from the load publisher (bench:wall's thin renditions); over a window, the CPU of the
 * node's processes — node, workers, recorder ffmpegs — per counter, at each N. A line through the
 * steps gives the node's fixed cost and the cost of one more counter, hence the counters a 2-core
 * node carries at 85 %.
 */
import os from 'node:os';
import { ScaleCluster, descendants, log, measureCpu, pct, processTree, sleep } from './cluster.js';
import { table } from '../stats.js';

export interface CapacityRow {
  counters: number;
  online: number;
  recorders: number;
  node: number;
  workers: number;
  ffmpeg: number;
  total: number;
  control: number;
  publisher: number;
  machine: number;
}

export interface CapacityResult {
  rows: CapacityRow[];
  /** Cores = fixed + perCounter × counters (least squares over the rows). */
  fixed: number;
  perCounter: number;
}

/** Least-squares line through (x, y); a single point is a line through the origin. */
export function fitLine(points: [number, number][]): { fixed: number; slope: number } {
  if (points.length === 1) {
    const [x, y] = points[0]!;
    return { fixed: 0, slope: y / Math.max(1, x) };
  }
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const slope = sxx === 0 ? my / Math.max(1, mx) : sxy / sxx;
  return { fixed: my - slope * mx, slope };
}

export async function nodeCapacity(steps: number[], windowMs: number): Promise<CapacityResult> {
  const max = Math.max(...steps);
  log(`\n== 1. Counters per media node (2 workers, recording on): ${steps.join(', ')} counters ==`);
  const cluster = await ScaleCluster.create('node', max);
  const rows: CapacityRow[] = [];
  try {
    const node = await cluster.startNode(0, { CW_WORKERS: '2', CW_RECORDING: 'true' });
    for (const n of steps) {
      const publisher = await cluster.stack.startLoadPublisher(cluster.counterIds.slice(0, n));
      const after = await cluster.waitOnline('m1', n, 240_000);
      log(
        `  ${n} counters: ${after === null ? 'not all online in 240 s' : `all online after ${after.toFixed(0)} s`}`,
      );
      // Each counter's recorder is an ffmpeg below the node; wait for them, then let them settle.
      for (let i = 0; i < 60 && processTree(node.server.pid!).ffmpeg.length < n; i++) await sleep(1_000);
      await sleep(10_000);
      const tree = processTree(node.server.pid!);
      const control = cluster.stack.server.pid!;
      const m = await measureCpu(
        {
          node: tree.node,
          workers: tree.workers,
          ffmpeg: tree.ffmpeg,
          control: [control, ...descendants(control)],
          publisher: [publisher.pid!, ...descendants(publisher.pid!)],
        },
        windowMs,
      );
      const online = (await cluster.onlineAt('m1')).size;
      const row: CapacityRow = {
        counters: n,
        online,
        recorders: tree.ffmpeg.length,
        node: m.cores.node,
        workers: m.cores.workers,
        ffmpeg: m.cores.ffmpeg,
        total: m.cores.node + m.cores.workers + m.cores.ffmpeg,
        control: m.cores.control,
        publisher: m.cores.publisher,
        machine: m.machineCores,
      };
      rows.push(row);
      log(
        `  ${n} counters (${online} online, ${row.recorders} recorders): node's processes ${pct(row.total)} of a core, ` +
          `${pct(row.total / Math.max(1, online))} per counter; machine ${row.machine.toFixed(2)} of ${os.cpus().length} cores`,
      );
    }
  } finally {
    await cluster.stop();
  }
  const line = fitLine(rows.map((r) => [r.online, r.total]));
  log('\nThe media node, CPU in % of one core over the window (recorders = ffmpeg copying focus + audio):');
  log(
    table([
      [
        'counters',
        'online',
        'recorders',
        'node.js',
        'workers',
        'recorder ffmpegs',
        'node total',
        'per counter',
        'control',
        'load publisher',
        'machine cores busy',
      ],
      ...rows.map((r) => [
        r.counters,
        r.online,
        r.recorders,
        pct(r.node),
        pct(r.workers),
        pct(r.ffmpeg),
        pct(r.total),
        pct(r.total / Math.max(1, r.online)),
        pct(r.control),
        pct(r.publisher),
        r.machine.toFixed(2),
      ]),
    ]),
  );
  log(
    `line through the steps: ${pct(line.fixed)} fixed + ${pct(line.slope)} per counter (ingest 3 streams + recording)`,
  );
  return { rows, fixed: line.fixed, perCounter: line.slope };
}
