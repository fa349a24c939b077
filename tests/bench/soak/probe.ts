import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { MediaObjectsSchema, type MediaObjects } from '@counterwatch/shared';
import { childPids } from '../../support/processes.js';

/** One process as /proc sees it. */
export interface ProcSample {
  rssKb: number;
  fds: number;
  threads: number;
}

/** Resident memory, open descriptors and threads of a live process; undefined if it is gone. */
export function procSample(pid: number): ProcSample | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
    return {
      rssKb: field('VmRSS'),
      threads: field('Threads'),
      fds: fs.readdirSync(`/proc/${pid}/fd`).length,
    };
  } catch {
    return undefined;
  }
}

export interface MediaTotals {
  workers: number;
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
  /** Viewer transports through the WebRtcServers, with their ICE fragments and 5-tuples. */
  webRtc: number;
  iceFragments: number;
  tuples: number;
}

export function mediaTotals(objects: MediaObjects): MediaTotals {
  const sum = (f: (w: MediaObjects['workers'][number]) => number): number =>
    objects.workers.reduce((n, w) => n + f(w), 0);
  return {
    workers: objects.workers.filter((w) => w.pid !== null).length,
    routers: sum((w) => w.routers),
    transports: sum((w) => w.transports),
    producers: sum((w) => w.producers),
    consumers: sum((w) => w.consumers),
    webRtc: sum((w) => w.webRtcServer.transports),
    iceFragments: sum((w) => w.webRtcServer.iceUsernameFragments),
    tuples: sum((w) => w.webRtcServer.tupleHashes),
  };
}

/** The server's own count of what its mediasoup workers hold (GET /api/v1/admin/media). */
export async function fetchMediaObjects(url: string, adminCookie: string): Promise<MediaTotals> {
  const res = await fetch(`${url}/api/v1/admin/media`, { headers: { cookie: adminCookie } });
  if (!res.ok) throw new Error(`GET /admin/media: ${res.status} ${await res.text()}`);
  return mediaTotals(MediaObjectsSchema.parse(await res.json()));
}

export interface StoreSample {
  /** counterwatch.db + -wal + -shm. */
  sqliteBytes: number;
  walBytes: number;
  events: number;
  auditRows: number;
  sessions: number;
  recordingBytes: number;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function treeSize(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    total += e.isDirectory() ? treeSize(full) : fileSize(full);
  }
  return total;
}

const Count = z.object({ n: z.number() });

/** Sizes on disk and row counts, read beside the running server (WAL allows a reader). */
export function storeSample(dataDir: string): StoreSample {
  const db = path.join(dataDir, 'counterwatch.db');
  const reader = new BetterSqlite3(db, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string): number =>
      Count.parse(reader.prepare(`SELECT count(*) AS n FROM ${table}`).get()).n;
    return {
      sqliteBytes: fileSize(db) + fileSize(`${db}-wal`) + fileSize(`${db}-shm`),
      walBytes: fileSize(`${db}-wal`),
      events: count('queue_events'),
      auditRows: count('audit_log'),
      sessions: count('sessions'),
      recordingBytes: treeSize(path.join(dataDir, 'recordings')),
    };
  } finally {
    reader.close();
  }
}

/** The server process and its mediasoup workers and recorder ffmpegs. */
export interface ServerSample {
  server: ProcSample;
  workerPids: number[];
  worker: ProcSample;
  recorders: number;
}

export function serverSample(serverPid: number): ServerSample | undefined {
  const server = procSample(serverPid);
  if (!server) return undefined;
  const workerPids = childPids(serverPid, 'mediasoup-worker');
  const worker: ProcSample = { rssKb: 0, fds: 0, threads: 0 };
  for (const pid of workerPids) {
    const s = procSample(pid);
    if (!s) continue;
    worker.rssKb += s.rssKb;
    worker.fds += s.fds;
    worker.threads += s.threads;
  }
  return { server, workerPids, worker, recorders: childPids(serverPid, 'ffmpeg').length };
}

/** Mean of the values in [from, to) of a series (by index). */
export function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Drift once warm: the mean of the last third against the mean of the second
 * third, in percent of the latter (the first third is warm-up).
 */
export function drift(series: number[]): { second: number; last: number; pct: number } {
  const third = Math.floor(series.length / 3);
  const second = mean(series.slice(third, 2 * third));
  const last = mean(series.slice(2 * third));
  const pct = second === 0 ? (last === 0 ? 0 : Number.POSITIVE_INFINITY) : ((last - second) / second) * 100;
  return { second, last, pct };
}

/** Field by field mean of flat numeric records (NaN-free: an empty list gives zeros of `shape`). */
export function averageOf<T extends { [K in keyof T]: number }>(items: T[], shape: T): T {
  const out = { ...shape };
  for (const key of Object.keys(shape) as (keyof T)[]) {
    const total = items.reduce((n, i) => n + i[key], 0);
    out[key] = (items.length === 0 ? 0 : total / items.length) as T[keyof T];
  }
  return out;
}

/** What is read every second between two samples. */
export interface Reading {
  server: ProcSample;
  worker: ProcSample;
  media: MediaTotals;
  gauges: { recorders: number; consoles: number; online: number };
}

/**
 * Readings every second, averaged over a sample's window: a single reading
 * would catch the churn (a console half open, an agent just killed) at a
 * random moment; the mean over the window follows what is held on average.
 */
export class ProbeWindow {
  #readings: Reading[] = [];

  add(reading: Reading): void {
    this.#readings.push(reading);
  }

  get size(): number {
    return this.#readings.length;
  }

  take(): Reading & { readings: number } {
    const r = this.#readings;
    this.#readings = [];
    const proc: ProcSample = { rssKb: 0, fds: 0, threads: 0 };
    const media: MediaTotals = {
      workers: 0,
      routers: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
      webRtc: 0,
      iceFragments: 0,
      tuples: 0,
    };
    return {
      readings: r.length,
      server: averageOf(
        r.map((x) => x.server),
        proc,
      ),
      worker: averageOf(
        r.map((x) => x.worker),
        proc,
      ),
      media: averageOf(
        r.map((x) => x.media),
        media,
      ),
      gauges: averageOf(
        r.map((x) => x.gauges),
        { recorders: 0, consoles: 0, online: 0 },
      ),
    };
  }
}

const TableBytes = z.object({ tbl: z.string(), bytes: z.number() });

/** Bytes on disk per table, its indexes included (SQLite's dbstat), and its rows: the cost of one row. */
export function tableBytes(
  dataDir: string,
  tables: string[],
): { table: string; bytes: number; rows: number }[] {
  const reader = new BetterSqlite3(path.join(dataDir, 'counterwatch.db'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const sizes = z
      .array(TableBytes)
      .parse(
        reader
          .prepare(
            'SELECT s.tbl_name AS tbl, SUM(d.pgsize) AS bytes FROM dbstat d JOIN sqlite_schema s ON s.name = d.name GROUP BY s.tbl_name',
          )
          .all(),
      );
    return tables.map((table) => ({
      table,
      bytes: sizes.find((s) => s.tbl === table)?.bytes ?? 0,
      rows: Count.parse(reader.prepare(`SELECT count(*) AS n FROM ${table}`).get()).n,
    }));
  } finally {
    reader.close();
  }
}

/** Recording segments whose span cannot be right: negative, or longer than `maxSpanMs`. */
export function implausibleSegments(
  dataDir: string,
  maxSpanMs: number,
): { total: number; implausible: number } {
  const reader = new BetterSqlite3(path.join(dataDir, 'counterwatch.db'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const total = Count.parse(reader.prepare('SELECT count(*) AS n FROM segments').get()).n;
    const implausible = Count.parse(
      reader
        .prepare(
          'SELECT count(*) AS n FROM segments WHERE ended_at < started_at OR ended_at - started_at > ?',
        )
        .get(maxSpanMs),
    ).n;
    return { total, implausible };
  } finally {
    reader.close();
  }
}

/** Entries in each agent's run folder (`<state-dir>/run`): one per live agent, none left by killed ones. */
export function agentRunFolders(stateDirs: string[]): number {
  let n = 0;
  for (const dir of stateDirs) {
    try {
      n += fs.readdirSync(path.join(dir, 'run')).length;
    } catch {
      // no run folder: nothing left
    }
  }
  return n;
}

/** Least-squares slope of y over x; 0 with fewer than two distinct x. */
export function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
