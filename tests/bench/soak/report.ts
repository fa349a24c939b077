import fs from 'node:fs';
import { DEFAULT_OPENING_CLOCK_MINUTES } from '@counterwatch/demo';
import { table } from '../stats.js';
import type { ConsoleLane } from './consoles.js';
import { drift, slope, type MediaTotals, type ProcSample, type StoreSample } from './probe.js';
import type { QueueLane } from './queueLanes.js';

/** Tolerated growth once warm, in percent. */
export const DRIFT_LIMIT = 5;

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const mb = (kb: number): string => (kb / 1024).toFixed(1);

/** One sample: process and media figures averaged over its window, the store as it is. */
export interface Row {
  t: number;
  simMinutes: number;
  server: ProcSample;
  worker: ProcSample;
  recorders: number;
  media: MediaTotals;
  store: StoreSample;
  online: number;
  consoles: number;
  agents: number;
  backlog: number;
}

export const COLUMNS = [
  't s',
  'day',
  'srv MB',
  'srv fd',
  'thr',
  'wrk MB',
  'wrk fd',
  'rec',
  'transp',
  'prod',
  'cons',
  'webrtc',
  'tuples',
  'consoles',
  'online',
  'events',
  'backlog',
  'sqlite MB',
  'wal MB',
  'audit',
];

export function rowCells(r: Row): (string | number)[] {
  const clock = DEFAULT_OPENING_CLOCK_MINUTES + r.simMinutes;
  const hhmm = `${String(Math.floor(clock / 60) % 24).padStart(2, '0')}:${String(Math.floor(clock % 60)).padStart(2, '0')}`;
  const avg = (n: number): string => n.toFixed(1);
  return [
    Math.round(r.t / 1000),
    hhmm,
    mb(r.server.rssKb),
    avg(r.server.fds),
    avg(r.server.threads),
    mb(r.worker.rssKb),
    avg(r.worker.fds),
    avg(r.recorders),
    avg(r.media.transports),
    avg(r.media.producers),
    avg(r.media.consumers),
    avg(r.media.webRtc),
    avg(r.media.tuples),
    avg(r.consoles),
    avg(r.online),
    r.store.events,
    r.backlog,
    (r.store.sqliteBytes / 1e6).toFixed(2),
    (r.store.walBytes / 1e6).toFixed(2),
    r.store.auditRows,
  ];
}

/** Fixed-width lines, so rows can be printed as they come. */
export function line(cells: (string | number)[]): string {
  return cells.map((c, i) => String(c).padStart(Math.max(6, COLUMNS[i]!.length))).join(' ');
}

export function report(r: {
  rows: Row[];
  lanes: QueueLane[];
  consoleLanes: ConsoleLane[];
  churn: { sigkill: number; sigterm: number; restarts: number; laneOutages: number };
  peeks: { at: number; decoding: number; online: number; error?: string }[];
  restStart: MediaTotals;
  restEnd: MediaTotals;
  restAfterWall: MediaTotals;
  snapshotOnline: number;
  counters: number;
  wall: Map<string, number>;
  store: StoreSample;
  tables: { table: string; bytes: number; rows: number }[];
  segments: { total: number; implausible: number };
  runFolders: number;
  workerPids: number;
  watcherReconnects: number;
  serverLog: string;
}): void {
  const { rows } = r;
  log("\n== Drift once warm: growth of the last third's mean over the second third's ==");
  const series: [string, (row: Row) => number][] = [
    ['server RSS (MB)', (row) => row.server.rssKb / 1024],
    ['server open fds', (row) => row.server.fds],
    ['server threads', (row) => row.server.threads],
    ['worker RSS (MB)', (row) => row.worker.rssKb / 1024],
    ['worker open fds', (row) => row.worker.fds],
    ['mediasoup transports', (row) => row.media.transports],
    ['mediasoup producers', (row) => row.media.producers],
    ['mediasoup consumers', (row) => row.media.consumers],
    ['WebRtcServer transports', (row) => row.media.webRtc],
  ];
  const driftRows: (string | number)[][] = [
    ['', '2nd third', 'last third', 'drift %', `growth < ${DRIFT_LIMIT} %`, 'trend once warm, per hour'],
  ];
  const warm = rows.slice(Math.floor(rows.length / 3));
  // A slope over a couple of minutes, multiplied up to an hour, says nothing.
  // Means of a handful of samples follow the churn of the moment more than any trend.
  const fewSamples = Math.floor(rows.length / 3) < 10;
  const trendable = warm.length > 1 && warm[warm.length - 1]!.t - warm[0]!.t >= 4 * 60_000;
  for (const [name, of] of series) {
    const d = drift(rows.map(of));
    const perHour = slope(warm.map((row) => [row.t / 3_600_000, of(row)]));
    driftRows.push([
      name,
      d.second.toFixed(1),
      d.last.toFixed(1),
      d.pct.toFixed(1),
      `${d.pct < DRIFT_LIMIT ? 'PASS' : 'FAIL'}${fewSamples ? ' (few samples)' : ''}`,
      trendable ? `${perHour >= 0 ? '+' : ''}${perHour.toFixed(1)}` : '– (run too short)',
    ]);
  }
  log(table(driftRows));
  const third = Math.floor(rows.length / 3);
  const consolesOpen = (from: number, to: number): string =>
    (rows.slice(from, to).reduce((n, row) => n + row.consoles, 0) / Math.max(1, to - from)).toFixed(2);
  log(
    `(load in each third, for context: consoles open on average ${consolesOpen(third, 2 * third)} and ${consolesOpen(2 * third, rows.length)}; ` +
      "object counts follow the churn of the moment, so their drift is noisier than memory's)",
  );

  log(
    '\n== mediasoup objects at rest (all agents up, no console): before the churn, after it, after the final wall ==',
  );
  const keys = Object.keys(r.restStart) as (keyof MediaTotals)[];
  log(
    table([
      ['', ...keys],
      ['before', ...keys.map((k) => r.restStart[k])],
      ['after', ...keys.map((k) => r.restEnd[k])],
      ['after wall', ...keys.map((k) => r.restAfterWall[k])],
    ]),
  );
  const same = (a: MediaTotals): boolean => keys.every((k) => a[k] === r.restStart[k]);
  log(
    `left behind by the churn: ${same(r.restEnd) && same(r.restAfterWall) ? 'nothing (identical)' : 'SOMETHING — see above'}`,
  );

  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const events = r.store.events - first.store.events;
  const grown = r.store.sqliteBytes - first.store.sqliteBytes;
  log('\n== SQLite and disk ==');
  log(
    table([
      ['', 'first sample', 'end'],
      ['queue events stored', first.store.events, r.store.events],
      ['audit rows', first.store.auditRows, r.store.auditRows],
      ['sessions', first.store.sessions, r.store.sessions],
      [
        'db + wal + shm (MB)',
        (first.store.sqliteBytes / 1e6).toFixed(2),
        (r.store.sqliteBytes / 1e6).toFixed(2),
      ],
      ['wal (MB)', (first.store.walBytes / 1e6).toFixed(2), (r.store.walBytes / 1e6).toFixed(2)],
      [
        'recordings (MB)',
        (first.store.recordingBytes / 1e6).toFixed(1),
        (r.store.recordingBytes / 1e6).toFixed(1),
      ],
    ]),
  );
  log(
    `SQLite grew ${(grown / 1e6).toFixed(2)} MB for ${events} events and ${r.store.auditRows - first.store.auditRows} audit rows: ` +
      `${events > 0 ? Math.round(grown / events) : '–'} bytes per event, everything included (it grows with the data, by design)`,
  );
  log(
    table([
      ['table (with its indexes)', 'rows', 'bytes', 'bytes per row'],
      ...r.tables.map((t) => [t.table, t.rows, t.bytes, t.rows > 0 ? Math.round(t.bytes / t.rows) : '–']),
    ]),
  );

  log(
    `recording segments: ${r.segments.total}, of which ${r.segments.implausible} with an impossible span (negative or over a minute)`,
  );

  log('\n== Churn ==');
  const sum = (f: (l: ConsoleLane) => number): number => r.consoleLanes.reduce((n, l) => n + f(l), 0);
  const drops = { clean: 0, abrupt: 0, tidy: 0, logout: 0 };
  const lastFailure = r.consoleLanes.find((l) => l.stats.lastFailure)?.stats.lastFailure;
  const firstRejection = r.lanes.find((l) => l.firstRejection)?.firstRejection;
  for (const l of r.consoleLanes)
    for (const k of Object.keys(drops) as (keyof typeof drops)[]) drops[k] += l.stats.drops[k];
  log(
    `consoles: ${sum((l) => l.stats.connects)} connections, ${sum((l) => l.stats.transports)} transports, ` +
      `${sum((l) => l.stats.consumers)} consumers; dropped ${drops.clean} clean, ${drops.abrupt} cut, ${drops.tidy} after closing their consumers, ` +
      `${drops.logout} by logging out; ${sum((l) => l.stats.refused)} consumes refused (counter just gone), ${sum((l) => l.stats.failures)} failures` +
      (lastFailure ? ` (last: ${lastFailure})` : ''),
  );
  log(
    `agents: ${r.churn.sigkill} SIGKILL, ${r.churn.sigterm} SIGTERM, ${r.churn.restarts} restarts; ` +
      `run folders left: ${r.runFolders} (${r.counters} = one per live agent)`,
  );
  const laneSum = (f: (l: QueueLane) => number): number => r.lanes.reduce((n, l) => n + f(l), 0);
  log(
    `queue systems: ${r.churn.laneOutages} outages (largest backlog ${Math.max(...r.lanes.map((l) => l.largestBacklog))} events); ` +
      `${laneSum((l) => l.produced)} events produced, ${laneSum((l) => l.accepted)} accepted, ${laneSum((l) => l.duplicates)} duplicates (resent after an outage), ` +
      `${laneSum((l) => l.rejected)} rejected${firstRejection ? ` (first: ${firstRejection})` : ''}, ` +
      `${laneSum((l) => l.failures)} failed posts`,
  );
  if (r.peeks.length > 0) {
    log(
      `Chromium console during the churn: ${r.peeks
        .map((p) =>
          p.error
            ? `at ${Math.round(p.at / 1000)} s failed (${p.error.slice(0, 120)})`
            : `at ${Math.round(p.at / 1000)} s ${p.decoding}/${p.online} tiles decoding`,
        )
        .join('; ')}`,
    );
  }
  log(
    `mediasoup worker processes seen: ${r.workerPids} (1 = never died); watcher console reconnects: ${r.watcherReconnects}`,
  );
  const levels = fs
    .readFileSync(r.serverLog, 'utf8')
    .split('\n')
    .map((l) => /"level":(\d+)/.exec(l)?.[1])
    .filter((l): l is string => l !== undefined);
  log(
    `server log: ${levels.filter((l) => l === '40').length} warnings, ${levels.filter((l) => l === '50').length} errors, ` +
      `${levels.filter((l) => l === '60').length} fatal`,
  );

  log('\n== At the end ==');
  const decoding = [...r.wall.values()].filter((n) => n > 5).length;
  log(`snapshot of a console: ${r.snapshotOnline}/${r.counters} counters online`);
  log(
    `Chromium wall: ${decoding}/${r.counters} tiles decoding (frames gained in 2 s: ${[...r.wall.values()].join(', ')})`,
  );
  log(`every tile live: ${decoding === r.counters && r.snapshotOnline === r.counters ? 'yes' : 'NO'}`);
  log(`ran ${Math.round(last.t / 1000)} s, ${rows.length} samples`);
}
