/**
 * npm run bench:scale — media nodes (issue 11), measured on this machine, in four parts
 * (BENCH_SCALE_PARTS=1,2,3,4 to choose), each on its own control process, media nodes and
 * private PostgreSQL, every counter published by the load publisher at bench:wall's renditions:
 *   1. counters per media node: CPU of a node's processes (node.js, mediasoup workers, recorder
 *      ffmpegs) per counter at BENCH_SCALE_COUNTERS counters, recording on → counters at 85 % of
 *      2 cores (forwarding added from part 4's cost of a piped stream on the node);
 *   2. control CPU per 1,000 counters (BENCH_SCALE_CONTROL_COUNTERS placed on two nodes);
 *   3. failover: kill -9 of the node holding BENCH_SCALE_FAILOVER_COUNTERS counters,
 *      BENCH_SCALE_ROUNDS times → p50 / p95 / max until each publishes on the other node;
 *   4. viewing across nodes: a wall through the pipe into the control vs on the node's own
 *      transport (BENCH_SCALE_VIEW_COUNTERS tiles): CPU per viewed stream, time to first picture.
 * Figures, never assertions. Run it alone: `flock /tmp/cw-bench.lock npm run bench:scale`.
 */
import os from 'node:os';
import { controlCost, type ControlResult } from './scale/controlCost.js';
import { failover, type FailoverResult } from './scale/failover.js';
import { log, pct } from './scale/cluster.js';
import { nodeCapacity, type CapacityResult } from './scale/nodeCapacity.js';
import { viewing, type ViewingResult } from './scale/viewing.js';
import { percentile, table } from './stats.js';

const PARTS = new Set((process.env.BENCH_SCALE_PARTS ?? '1,2,3,4').split(',').map(Number));
const STEPS = (process.env.BENCH_SCALE_COUNTERS ?? '20,40,60,80').split(',').map(Number);
const CONTROL_COUNTERS = Number(process.env.BENCH_SCALE_CONTROL_COUNTERS ?? 150);
const FAILOVER_COUNTERS = Number(process.env.BENCH_SCALE_FAILOVER_COUNTERS ?? 20);
const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 5);
const VIEW_COUNTERS = Number(process.env.BENCH_SCALE_VIEW_COUNTERS ?? 24);
const WINDOW_MS = Number(process.env.BENCH_SCALE_WINDOW_S ?? 20) * 1000;
/** The deployment the port count is told for: a province's nodes and their workers. */
const NODES = Number(process.env.BENCH_SCALE_NODES ?? 5);
const NODE_WORKERS = Number(process.env.BENCH_SCALE_NODE_WORKERS ?? 4);
/** A node is full at this share of its cores. */
const TARGET = 0.85;
const NODE_CORES = 2;

async function part<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    log(`  ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return undefined;
  }
}

function summary(
  capacity: CapacityResult | undefined,
  control: ControlResult | undefined,
  fail: FailoverResult | undefined,
  view: ViewingResult | undefined,
): void {
  const rows: string[][] = [['figure', 'measured', 'how']];
  if (capacity) {
    // The line's fixed part and slope are noisy over few steps (a fixed cost below zero is noise):
    // the larger of the slope and the largest step's mean per counter, and no negative fixed cost.
    const largest = capacity.rows.reduce((a, r) => (r.online > a.online ? r : a), capacity.rows[0]!);
    const perCounter = Math.max(capacity.perCounter, largest.total / Math.max(1, largest.online));
    const budget = TARGET * NODE_CORES - Math.max(0, capacity.fixed);
    const carried = Math.floor(budget / perCounter);
    rows.push([
      'media node: CPU per counter (ingest + recording)',
      `${pct(capacity.perCounter)} of a core (+ ${pct(capacity.fixed)} fixed)`,
      `line through ${capacity.rows.map((r) => r.online).join(', ')} online counters`,
    ]);
    rows.push([
      `counters per 2-core node at ${TARGET * 100} % (ingest + recording)`,
      String(carried),
      `(${TARGET} × ${NODE_CORES} − fixed) / ${pct(perCounter)} (the larger of the line's slope and the mean at ${largest.online})`,
    ]);
    if (view) {
      // A cost below the window's noise can come out negative: counted as nothing, never as a gain.
      const withPipe = Math.floor(budget / (perCounter + Math.max(0, view.pipeNode)));
      rows.push([
        `counters per 2-core node at ${TARGET * 100} %, every grid piped once`,
        String(withPipe),
        `per counter + ${pct(view.pipeNode, 2)} node-side cost of a piped stream (part 4)`,
      ]);
    }
  }
  if (control) {
    rows.push([
      'control CPU per 1,000 counters (steady)',
      `${pct(control.per1000)} of a core`,
      `(${pct(control.steady)} − ${pct(control.idle)} at rest) / ${control.online} × 1,000`,
    ]);
    rows.push([
      'control CPU per 1,000 counters, upper bound',
      `${pct((control.steady / Math.max(1, control.online)) * 1000)} of a core`,
      `all of its ${pct(control.steady)} counted as the counters' (rest included)`,
    ]);
    rows.push([
      'control CPU to place 1,000 hellos',
      `${control.helloMs.toFixed(0)} CPU s`,
      `${control.helloMs.toFixed(1)} ms per hello above rest, ${control.counters} placed`,
    ]);
  }
  if (fail) {
    const max = fail.onNode.length > 0 ? Math.max(...fail.onNode) : Number.NaN;
    rows.push([
      'failover: kill -9 → publishing on the other node',
      `p50 ${Math.round(percentile(fail.onNode, 50))} / p95 ${Math.round(percentile(fail.onNode, 95))} / max ${max} ms`,
      `${fail.counters} counters × ${fail.rounds} rounds; ${fail.missing} not back in 60 s`,
    ]);
    rows.push([
      "failover: as the control's overview shows it",
      `p50 ${Math.round(percentile(fail.onControl, 50))} / p95 ${Math.round(percentile(fail.onControl, 95))} ms`,
      'back online there while publishing on the other node',
    ]);
  }
  if (view) {
    rows.push([
      'viewing, pipe: CPU per viewed grid stream',
      `${pct(view.pipeControl + view.pipeNode, 2)} (control ${pct(view.pipeControl, 2)}, node ${pct(view.pipeNode, 2)})`,
      `${view.streams} tiles, against no viewer (rests differ by ${pct(view.restNoise)} in all)`,
    ]);
    rows.push([
      'viewing, transport per node: CPU per stream',
      pct(view.directNode, 2),
      'the same wall opened on the node itself',
    ]);
    const ms = (v: number[]) => `${Math.round(percentile(v, 50))} / ${Math.round(percentile(v, 95))} ms`;
    rows.push([
      'first picture p50 / p95: pipe made on demand',
      ms(view.firstPipeCold),
      'attach → first frame',
    ]);
    rows.push(['first picture p50 / p95: pipe already there', ms(view.firstPipeWarm), 'page reloaded']);
    rows.push(['first picture p50 / p95: direct on the node', ms(view.firstDirect), 'its own transport']);
  }
  log('\n== Summary ==');
  log(table(rows));
  log(
    `\nPorts, for a province of ${NODES} media nodes × ${NODE_WORKERS} workers:` +
      `\n  pipe (what CounterWatch does): consoles reach the control hosts only — HTTPS + ${NODE_WORKERS} WebRTC ports` +
      ` (UDP/TCP) per control host; media nodes accept their RTC range from the control hosts only.` +
      `\n  transport per node: every console reaches every node — ${NODES} more HTTPS endpoints and` +
      ` ${NODES * NODE_WORKERS} more WebRTC ports (UDP/TCP), opened from every office with a console; a transport` +
      ` (ICE + DTLS) per node per console, and a stream watched by k consoles leaves its node k times.` +
      '\nCounterWatch pipes: one place for authorisation and audit, consoles need reach only the centre, and a' +
      ' watched stream crosses between hosts once; the price is the control hop measured above.',
  );
}

async function main(): Promise<void> {
  log(
    `CounterWatch scale benchmark — ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
  );
  log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; window ${WINDOW_MS / 1000} s; parts ${[...PARTS].join(',')}`,
  );
  const capacity = PARTS.has(1) ? await part('part 1', () => nodeCapacity(STEPS, WINDOW_MS)) : undefined;
  const control = PARTS.has(2)
    ? await part('part 2', () => controlCost(CONTROL_COUNTERS, WINDOW_MS))
    : undefined;
  const fail = PARTS.has(3) ? await part('part 3', () => failover(FAILOVER_COUNTERS, ROUNDS)) : undefined;
  const view = PARTS.has(4) ? await part('part 4', () => viewing(VIEW_COUNTERS, WINDOW_MS)) : undefined;
  log(
    `\nload average at end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  summary(capacity, control, fail, view);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
