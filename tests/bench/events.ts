/**
 * npm run bench:events — prints, measured on this machine:
 *   1. sustained ingest rate of queue events into the database (POST /api/v1/events,
 *      metrics recomputed as they arrive), for a province of ~150 counters;
 *   2. event-to-console latency (p50/p99) under the province's peak load:
 *      from the POST of a "ticket called" to the console receiving the tile patch.
 * Figures, not assertions. `BENCH_DB=postgres` runs it on PostgreSQL (a private
 * cluster with durable commits: fsync and synchronous_commit on); the default is SQLite.
 * `BENCH_PROCESSES=2` (PostgreSQL) spreads the sites over two server processes and times
 * until both show the same metrics; `BENCH_DEPARTMENTS`, `BENCH_SENDERS` size the load.
 * A warm-up round (`BENCH_WARMUP_DEPARTMENTS` more departments' days, posted and folded first,
 * not timed) lets the server's JIT settle, so the figure is a sustained rate, not a start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DepartmentDay, Stack, type SimCounter } from '@counterwatch/demo';
import { EventBatchResultSchema, OverviewSchema, type EventBatchResult } from '@counterwatch/shared';
import { RawSocket } from '../support/agentSocket.js';
import { loginCookie } from '../support/http.js';
import { startPostgres, type PgCluster } from '../support/postgres.js';
import { commOf, cpuReading, cpuSeconds, percentile, table } from './stats.js';

const DEPARTMENTS = Number(process.env.BENCH_DEPARTMENTS ?? 30);
const COUNTERS = Number(process.env.BENCH_COUNTERS ?? 5);
const WARMUP_DEPARTMENTS = Number(process.env.BENCH_WARMUP_DEPARTMENTS ?? 5);
const log = (line: string): void => void process.stdout.write(`${line}\n`);

const SENDERS = Number(process.env.BENCH_SENDERS ?? 8);
/** Control processes sharing the database (PostgreSQL only). */
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 1);

/** Posts a batch, already serialised (a queue system's outbox holds its batches ready to send). */
async function postBody(url: string, key: string, body: string): Promise<EventBatchResult> {
  const res = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  if (!res.ok) throw new Error(`POST /events ${res.status}: ${await res.text()}`);
  const result = EventBatchResultSchema.parse(await res.json());
  const rejected = result.results.find((r) => r.status === 'rejected');
  if (rejected) throw new Error(`event ${rejected.id} rejected: ${rejected.reason ?? ''}`);
  return result;
}

const post = (url: string, key: string, events: unknown[]): Promise<EventBatchResult> =>
  postBody(url, key, JSON.stringify({ events }));

async function main(): Promise<void> {
  log(`CounterWatch events benchmark — ${os.cpus().length} cores, Node ${process.version}`);
  log(`Province: ${DEPARTMENTS} departments × ${COUNTERS} counters = ${DEPARTMENTS * COUNTERS} counters`);
  log(`Senders: ${SENDERS} posting batches of up to 500 events at once, to ${PROCESSES} server process(es)`);
  const backend = process.env.BENCH_DB ?? 'sqlite';
  if (backend !== 'sqlite' && backend !== 'postgres') throw new Error('BENCH_DB must be sqlite or postgres');
  if (PROCESSES > 1 && backend !== 'postgres') throw new Error('BENCH_PROCESSES > 1 needs BENCH_DB=postgres');
  log(
    `Database: ${backend === 'postgres' ? 'PostgreSQL (private cluster, durable commits)' : 'SQLite (WAL)'}`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-events-'));
  const cluster: PgCluster | undefined =
    backend === 'postgres' ? await startPostgres({ durable: true }) : undefined;
  const databaseUrl = (await cluster?.createDatabase('counterwatch')) ?? '';
  const stack = await Stack.create({
    dir,
    departments: WARMUP_DEPARTMENTS + DEPARTMENTS,
    countersPerDepartment: COUNTERS,
    logLevel: 'warn',
    serverEnv: {
      CW_RECORDING: 'false',
      CW_DATABASE_URL: databaseUrl,
      // A profiler or inspector for the server, when measuring where its time goes.
      NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS ?? '',
    },
  });
  try {
    const password = stack.createUser('bench', ['director']);
    const cookie = await loginCookie(stack.url, 'bench', password);

    // 1. A whole simulated day for every department, squeezed into today's business day so far
    //    (Asia/Ho_Chi_Minh, from 04:00), posted as fast as it goes.
    log('\n== 1. Sustained ingest ==');
    const now = Date.now();
    const HOUR = 3_600_000;
    const dayStart = Math.floor((now + 3 * HOUR) / (24 * HOUR)) * 24 * HOUR - 3 * HOUR; // 04:00 at UTC+7
    const windowStart = dayStart + 60_000;
    const windowMs = now - 60_000 - windowStart;
    const simDayMs = 12 * HOUR;
    const days = stack.provisioned.departments.map((d, i) => {
      const counters: SimCounter[] = d.counters.map((c) => ({ id: c.id, services: c.services }));
      const day = new DepartmentDay({
        departmentId: d.id,
        counters,
        seed: 1000 + i,
        dailyCitizens: 60 * COUNTERS,
        stamp: (simMs) => Math.round(windowStart + (Math.min(simMs, simDayMs) / simDayMs) * windowMs),
      });
      return { key: d.apiKey, events: day.runToEnd() };
    });
    const batchesOf = (group: typeof days): { key: string; body: string }[] =>
      group.flatMap((d) =>
        Array.from({ length: Math.ceil(d.events.length / 500) }, (_, i) => ({
          key: d.key,
          body: JSON.stringify({ events: d.events.slice(i * 500, i * 500 + 500) }),
        })),
      );
    const servedIn = (group: typeof days): number =>
      group.reduce((n, d) => n + d.events.filter((e) => e.type === 'service.finished').length, 0);
    const warmDays = days.slice(0, WARMUP_DEPARTMENTS);
    const measuredDays = days.slice(WARMUP_DEPARTMENTS);
    const total = measuredDays.reduce((n, d) => n + d.events.length, 0);
    // Several control processes on the one database (PROCESSES > 1): each site posts to one of them,
    // as a reverse proxy with per-site affinity sends it.
    const urls = [stack.url];
    for (let p = 2; p <= PROCESSES; p++) urls.push((await stack.startPeer(`p${p}`)).url);
    const servers = [stack.server.pid ?? 0, ...[...stack.peers.values()].map((p) => p.server.pid ?? 0)];
    const urlOf = new Map(stack.provisioned.departments.map((d, i) => [d.apiKey, urls[i % urls.length]!]));
    // Several sites send at once, as a province's queue systems do; each its own batches in order.
    const postAll = async (batches: { key: string; body: string }[]): Promise<number> => {
      let accepted = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: SENDERS }, async () => {
          while (next < batches.length) {
            const batch = batches[next++]!;
            const result = await postBody(urlOf.get(batch.key)!, batch.key, batch.body);
            accepted += result.accepted;
          }
        }),
      );
      return accepted;
    };
    const served = async (url: string): Promise<number> =>
      OverviewSchema.parse(
        await (await fetch(`${url}/api/v1/overview`, { headers: { cookie } })).json(),
      ).departments.reduce((n, d) => n + d.metrics.servedToday, 0);
    /** Polls every process's overview until each counts `expected` services served, or `limitMs` passes. */
    const awaitServed = async (expected: number, limitMs: number): Promise<number[]> => {
      const until = performance.now() + limitMs;
      let counts = await Promise.all(urls.map(served));
      while (counts.some((n) => n !== expected) && performance.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        counts = await Promise.all(urls.map(served));
      }
      return counts;
    };
    if (warmDays.length > 0) {
      const warmBatches = batchesOf(warmDays);
      const warmStarted = performance.now();
      await postAll(warmBatches);
      await awaitServed(servedIn(warmDays), 60_000);
      log(
        `warm-up: ${warmDays.length} departments, ${warmBatches.length} batches posted and folded in ${Math.round(performance.now() - warmStarted)} ms (not timed below)`,
      );
    }
    const batches = batchesOf(measuredDays);
    const cpu = cpuReading({ server: servers, client: [process.pid] });
    const database = databaseCpu(backend);
    const started = performance.now();
    const accepted = await postAll(batches);
    const seconds = (performance.now() - started) / 1000;
    const used = cpu.end();
    const databaseSeconds = database.end();
    const servedSimulated = servedIn(measuredDays);
    const servedAll = servedIn(days);
    // Metrics current: how long after the last answer every process shows every service served.
    const counts = await awaitServed(servedAll, 60_000);
    const currentAfter = performance.now() - started - seconds * 1000;
    const current = counts.every((n) => n === servedAll);
    log(
      table([
        ['events', 'accepted', 'seconds', 'events/s', 'served (server)', 'served (simulated)'],
        [
          total,
          accepted,
          seconds.toFixed(1),
          Math.round(total / seconds),
          counts.map((n) => n - (servedAll - servedSimulated)).join(' / '),
          servedSimulated,
        ],
      ]),
    );
    log(
      current
        ? `metrics current: yes, on ${urls.length === 1 ? 'the server' : `all ${urls.length} processes`} ${Math.round(currentAfter)} ms after the last answer (served counts agree)`
        : 'metrics current: NO (served counts still differ a minute later)',
    );
    // Where the CPU went, per event: the server, the database (PostgreSQL's processes; SQLite runs
    // inside the server) and this client (building nothing: it only sends the prepared batches).
    const perEvent = (cores: number): string => ((cores * used.seconds * 1e6) / total).toFixed(0);
    log(
      table([
        ['CPU per event (µs)', 'server', 'database', 'client', 'machine busy (cores)'],
        [
          '',
          perEvent(used.cores.server),
          backend === 'postgres' ? ((databaseSeconds * 1e6) / total).toFixed(0) : 'in server',
          perEvent(used.cores.client),
          used.machineCores.toFixed(2),
        ],
      ]),
    );
    const peakPerSecond = (DEPARTMENTS * COUNTERS * 60 * 5 * 0.15) / 3600;
    log(
      `a province's peak hour is about ${peakPerSecond.toFixed(1)} events/s: headroom ${Math.round(total / seconds / peakPerSecond)}×`,
    );

    // 2. Latency from POST to the console's patch, with the province's peak load (×4 for margin) running beside it.
    log('\n== 2. Event-to-console latency ==');
    const socket = new RawSocket(`${stack.url.replace('http', 'ws')}/ws/console`, {
      cookie,
      origin: stack.url,
    });
    await socket.opened;
    socket.request(1, 'hello', { protocolVersion: 1 });
    const hello = await socket.response(1, 10_000);
    if (hello.ok !== true) throw new Error(`console hello refused: ${JSON.stringify(hello).slice(0, 300)}`);
    const loadRate = Math.max(2, peakPerSecond * 4);
    let loadSeq = 0;
    const loadFailures: string[] = [];
    const load = setInterval(() => {
      const d = stack.provisioned.departments[loadSeq % DEPARTMENTS]!;
      const id = `load-${loadSeq++}`;
      void post(stack.url, d.apiKey, [
        {
          id,
          type: 'ticket.issued',
          departmentId: d.id,
          occurredAt: Date.now(),
          source: { id: 'load', seq: loadSeq },
          ticketId: id,
          ticketNumber: `L${loadSeq % 1000}`,
          serviceCode: d.counters[0]!.services[0]!,
        },
      ]).catch((error: unknown) => {
        // Counted and named, not fatal: the probes measure on.
        loadFailures.push(error instanceof Error ? error.message : String(error));
      });
    }, 1000 / loadRate);

    const samples: number[] = [];
    const probes = Number(process.env.BENCH_PROBES ?? 200);
    for (let i = 0; i < probes; i++) {
      const d = stack.provisioned.departments[i % DEPARTMENTS]!;
      const c = d.counters[i % COUNTERS]!;
      const ticketId = `probe-${i}`;
      const number = `P${String(i).padStart(3, '0')}`;
      const base = { departmentId: d.id, source: { id: `probe-${c.id}`, seq: 0 } };
      const seq = () => ({ ...base.source, seq: ++probeSeq[c.id]! });
      probeSeq[c.id] ??= 0;
      await post(stack.url, d.apiKey, [
        {
          id: `${ticketId}-i`,
          type: 'ticket.issued',
          departmentId: d.id,
          occurredAt: Date.now(),
          source: seq(),
          ticketId,
          ticketNumber: number,
          serviceCode: c.services[0]!,
        },
      ]);
      const t0 = performance.now();
      await post(stack.url, d.apiKey, [
        {
          id: `${ticketId}-c`,
          type: 'ticket.called',
          departmentId: d.id,
          occurredAt: Date.now(),
          source: seq(),
          ticketId,
          counterId: c.id,
        },
      ]);
      await socket.next(
        (f) =>
          f.kind === 'notification' &&
          f.name === 'countersPatch' &&
          JSON.stringify(f.data).includes(`"number":"${number}"`),
        10_000,
      );
      samples.push(performance.now() - t0);
      socket.frames.length = 0;
      await post(stack.url, d.apiKey, [
        {
          id: `${ticketId}-n`,
          type: 'ticket.no_show',
          departmentId: d.id,
          occurredAt: Date.now(),
          source: seq(),
          ticketId,
          counterId: c.id,
        },
      ]);
    }
    clearInterval(load);
    socket.close();
    if (loadFailures.length > 0)
      log(`background posts that failed: ${loadFailures.length} (first: ${loadFailures[0] ?? ''})`);
    log(
      table([
        ['probes', 'background load (events/s)', 'p50 ms', 'p99 ms', 'max ms'],
        [
          samples.length,
          loadRate.toFixed(1),
          Math.round(percentile(samples, 50)),
          Math.round(percentile(samples, 99)),
          Math.round(Math.max(...samples)),
        ],
      ]),
    );
  } finally {
    await stack.stop();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const probeSeq: Record<string, number> = {};

/**
 * CPU seconds PostgreSQL's processes on this machine (the private cluster's postmaster and
 * backends) use from now to `end()`; backends started meanwhile count from their start.
 */
function databaseCpu(backend: string): { end: () => number } {
  const read = (): Map<number, number> => {
    const used = new Map<number, number>();
    if (backend !== 'postgres') return used;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || commOf(Number(entry)) !== 'postgres') continue;
      try {
        used.set(Number(entry), cpuSeconds(Number(entry)));
      } catch {
        // gone meanwhile
      }
    }
    return used;
  };
  const before = read();
  return {
    end: () => [...read()].reduce((sum, [pid, seconds]) => sum + seconds - (before.get(pid) ?? 0), 0),
  };
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
