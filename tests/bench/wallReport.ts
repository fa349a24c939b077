import os from 'node:os';
import { percentile, table } from './stats.js';
import type { WallSample } from './wallPage.js';

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** One size's figures. */
export interface Row {
  counters: number;
  publisherProcesses: number;
  /** Counters online at the window's start and end, and the most ever online. */
  onlineStart: number;
  onlineEnd: number;
  reconnectingEnd: number;
  peakOnline: number;
  /** Seconds until all were online, or null. */
  allOnlineAfterS: number | null;
  timeline: string;
  onScreen: number;
  onlineOnScreen: number;
  shot: string;
  machineBusyPct: number;
  udpInPerS: number;
  udpDropsPerS: number;
  fullRate: number;
  withPicture: number;
  dropped: number;
  shown: number;
  busyPct: number;
  longTaskPct: number;
  tileRenders: number;
  otherRenders: number;
  cwCpuPct: number;
  cwWorkerPct: number;
  bareCpuPct: number;
  streams: number;
  bareStreams: number;
  bareRelayPct: number;
  bareMachineBusyPct: number;
  publisherPct: number;
  /** The load publisher's event loop delay in the window (worst process), and packets it sent per second. */
  publisherLoopP99Ms: number;
  publisherLoopMaxMs: number;
  publisherPacketsPerS: number;
  encoderPct: number;
  browserPct: number;
  eventsPerSecond: number;
  latencies: number[];
  posted: number;
}

export function summarise(
  n: number,
  before: WallSample,
  after: WallSample,
  seconds: number,
  rest: Omit<
    Row,
    | 'counters'
    | 'onScreen'
    | 'fullRate'
    | 'withPicture'
    | 'dropped'
    | 'shown'
    | 'longTaskPct'
    | 'tileRenders'
    | 'otherRenders'
  >,
  gridFps: number,
): Row {
  let fullRate = 0;
  let withPicture = 0;
  let dropped = 0;
  let shown = 0;
  for (const v of after.videos) {
    const was = before.videos.find((b) => b.counterId === v.counterId);
    if (!was) continue;
    const frames = v.total - was.total;
    if (frames > 0) withPicture += 1;
    if (frames / seconds >= 0.9 * gridFps) fullRate += 1;
    dropped += v.dropped - was.dropped;
    shown += frames;
  }
  const renders = (part: string) => ((after.renders[part] ?? 0) - (before.renders[part] ?? 0)) / seconds;
  const otherRenders = Object.keys(after.renders)
    .filter((p) => p !== 'CounterTile')
    .reduce((sum, p) => sum + renders(p), 0);
  return {
    counters: n,
    onScreen: after.tilesOnScreen,
    fullRate,
    withPicture,
    dropped,
    shown,
    longTaskPct: (100 * (after.longTaskMs - before.longTaskMs)) / 1000 / seconds,
    tileRenders: renders('CounterTile'),
    otherRenders,
    ...rest,
  };
}

/** The tables and the verdict, every size side by side. */
export function printReport(
  rows: Row[],
  failed: number[],
  options: { gridFps: number; peakPerCounterPerMinute: number },
): void {
  log("\nCounters online (the server's overview), and the machine during the window:");
  log(
    table([
      [
        'counters',
        'publisher processes',
        'all online after',
        'most online',
        'online at window start / end',
        'reconnecting at end',
        'machine CPU busy %',
        'UDP datagrams in/s',
        'UDP dropped (full buffer)/s',
      ],
      ...rows.map((r) => [
        r.counters,
        r.publisherProcesses,
        r.allOnlineAfterS === null ? 'never' : `${r.allOnlineAfterS.toFixed(0)} s`,
        r.peakOnline,
        `${r.onlineStart} / ${r.onlineEnd}`,
        r.reconnectingEnd,
        r.machineBusyPct.toFixed(0),
        Math.round(r.udpInPerS),
        Math.round(r.udpDropsPerS),
      ]),
    ]),
  );
  for (const r of rows) log(`  ${r.counters}: ${r.timeline}`);
  log('\nThe wall (one headless Chromium, default "fit the screen" layout, pages when tiles do not fit):');
  log(
    table([
      [
        'counters',
        'tiles on screen',
        'of them online',
        'with picture',
        `at full rate (≥${0.9 * options.gridFps} fps)`,
        'frames dropped',
        'main thread busy %',
        'long tasks %',
        'tile renders/s',
        'other renders/s',
      ],
      ...rows.map((r) => [
        r.counters,
        r.onScreen,
        r.onlineOnScreen,
        r.withPicture,
        r.fullRate,
        `${r.dropped} of ${r.shown}`,
        r.busyPct.toFixed(1),
        r.longTaskPct.toFixed(1),
        r.tileRenders.toFixed(1),
        r.otherRenders.toFixed(1),
      ]),
    ]),
  );
  for (const r of rows) log(`  ${r.counters}: screenshot ${r.shot}`);
  log(
    '\nThe SFU, then bare mediasoup forwarding the same streams right after it (ingest 3 per online counter — two renditions and sound — + one grid consumer per tile with a video):',
  );
  log(
    table([
      [
        'counters',
        'streams',
        'CounterWatch CPU % (worker + node)',
        'of which worker',
        'bare streams',
        'bare mediasoup CPU %',
        'CW % per 100 streams',
        'CW worker % per 100',
        'bare % per 100 streams',
        'bare / CW',
        'load publisher %',
        'its packets/s',
        'its loop delay p99 / max ms',
        'its encoder %',
        'Chromium %',
        'bare run: relay % / machine busy %',
      ],
      ...rows.map((r) => [
        r.counters,
        r.streams,
        r.cwCpuPct.toFixed(1),
        r.cwWorkerPct.toFixed(1),
        r.bareStreams,
        r.bareCpuPct.toFixed(1),
        ((100 * r.cwCpuPct) / r.streams).toFixed(2),
        ((100 * r.cwWorkerPct) / r.streams).toFixed(2),
        ((100 * r.bareCpuPct) / r.bareStreams).toFixed(2),
        ((r.bareCpuPct / r.bareStreams) * (r.streams / Math.max(0.01, r.cwCpuPct))).toFixed(2),
        r.publisherPct.toFixed(1),
        Math.round(r.publisherPacketsPerS),
        `${r.publisherLoopP99Ms} / ${r.publisherLoopMaxMs}`,
        r.encoderPct.toFixed(1),
        r.browserPct.toFixed(0),
        `${r.bareRelayPct.toFixed(0)} / ${r.bareMachineBusyPct.toFixed(0)}`,
      ]),
    ]),
  );
  log(
    `\nEvent to tile (POST → the tile's serving number changes in the page), at ${options.peakPerCounterPerMinute} events per counter per minute:`,
  );
  log(
    table([
      ['counters', 'events/s', 'changes seen on screen', 'p50 ms', 'p95 ms', 'max ms'],
      ...rows.map((r) => [
        r.counters,
        r.eventsPerSecond.toFixed(1),
        r.latencies.length,
        Math.round(percentile(r.latencies, 50)),
        Math.round(percentile(r.latencies, 95)),
        r.latencies.length > 0 ? Math.round(Math.max(...r.latencies)) : 'n/a',
      ]),
    ]),
  );
  log('\nVerdict:');
  for (const r of rows) {
    const cores = os.cpus().length;
    if (r.allOnlineAfterS !== null && r.onlineEnd === r.counters)
      log(
        `  ${r.counters}: all online (${r.allOnlineAfterS.toFixed(0)} s) and stayed; ${r.fullRate} of ${r.onlineOnScreen} online tiles on screen at full rate.`,
      );
    else
      log(
        `  ${r.counters}: NOT reached on this machine (${cores} cores): at most ${r.peakOnline} online, ${r.onlineEnd} at the window's end` +
          ` (machine CPU ${r.machineBusyPct.toFixed(0)} % busy; the load publisher alone ${r.publisherPct.toFixed(0)} % of a core).` +
          ` Figures above are for the counters that were online; the SFU worker cost ${((100 * r.cwWorkerPct) / r.streams).toFixed(2)} % of a core per 100 streams.`,
      );
  }
  for (const n of failed) log(`  ${n}: the run failed (see above); no figures.`);
}
