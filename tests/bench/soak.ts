/**
 * npm run bench:soak — a compressed soak: a whole busy business day played
 * in SOAK_MINUTES against a real stack (server, mediasoup, ffmpeg agents,
 * SQLite, recording), with agents killed and restarted, consoles opening,
 * consuming and dropping in every way, queue systems losing their link and
 * catching up. Prints over time the server's RSS and descriptors, its
 * mediasoup workers' RSS, descriptors and objects, and the SQLite size;
 * then the drift once warm (second third against last third of the run),
 * the mediasoup objects at rest before and after, and whether every tile is
 * still live at the end (Chromium decoding each counter). Figures, not
 * assertions: the exit code is 0 unless the soak could not run.
 *
 * SOAK_MINUTES (8), SOAK_DEPARTMENTS (3), SOAK_COUNTERS (3 per department),
 * SOAK_CONSOLES (4 console sockets churning), SOAK_BROWSER (1: a Chromium
 * console glances at the wall now and then; 0: only at the end),
 * SOAK_CITIZENS (100 per counter per day), SOAK_SAMPLE_S (10), SOAK_SEED.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ALL_DAY, DAY_MINUTES, Random, Stack } from '@counterwatch/demo';
import { eventually, launchChromium } from '../support/browser.js';
import { clockAt } from '../support/clock.js';
import { loginCookie } from '../support/http.js';
import { ConsoleLane, Watcher, sleep } from './soak/consoles.js';
import {
  ProbeWindow,
  fetchMediaObjects,
  serverSample,
  storeSample,
  tableBytes,
  agentRunFolders,
  implausibleSegments,
  type MediaTotals,
} from './soak/probe.js';
import { QueueLane } from './soak/queueLanes.js';
import { COLUMNS, line, report, rowCells, type Row } from './soak/report.js';
import { checkWall, peekWall } from './soak/wall.js';

const env = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
};
const MINUTES = env('SOAK_MINUTES', 8);
const DEPARTMENTS = Math.max(1, Math.round(env('SOAK_DEPARTMENTS', 3)));
const COUNTERS = Math.max(1, Math.round(env('SOAK_COUNTERS', 3)));
const CONSOLES = Math.round(env('SOAK_CONSOLES', 4));
const BROWSER_PEEKS = env('SOAK_BROWSER', 1) > 0;
const CITIZENS = env('SOAK_CITIZENS', 100);
const SAMPLE_MS = Math.max(1, Math.round(env('SOAK_SAMPLE_S', 10))) * 1000;
const SEED = Math.round(env('SOAK_SEED', 7));

const log = (text: string): void => void process.stdout.write(`${text}\n`);

/** The media objects once nothing moves: two readings 3 s apart that agree. */
async function objectsAtRest(url: string, cookie: string): Promise<MediaTotals> {
  let last = await fetchMediaObjects(url, cookie);
  return eventually(
    'mediasoup objects at rest',
    async () => {
      await sleep(3_000);
      const now = await fetchMediaObjects(url, cookie);
      const same = JSON.stringify(now) === JSON.stringify(last);
      last = now;
      return same ? now : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 0 },
  );
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  log(
    `CounterWatch soak — ${cpus.length} cores, ${cpus[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
  );
  const speed = DAY_MINUTES / MINUTES;
  log(
    `${DEPARTMENTS} departments × ${COUNTERS} counters, ${CITIZENS * COUNTERS} citizens per department; ` +
      `a ${(DAY_MINUTES / 60).toFixed(1)} h business day in ${MINUTES} min (×${speed.toFixed(0)}), ` +
      `${CONSOLES} churning console sockets${BROWSER_PEEKS ? ' + a Chromium console now and then' : ''}, sample every ${SAMPLE_MS / 1000} s`,
  );
  // The server's clock reads 08:00 Vietnam time at start, whatever the hour here: the whole run is one business day.
  const clock = clockAt('08:00');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-soak-'));
  const stack = await Stack.create({
    dir,
    departments: DEPARTMENTS,
    countersPerDepartment: COUNTERS,
    openingHours: ALL_DAY,
    logLevel: 'warn',
    clockOffsetMs: clock.offsetMs,
  });
  let browser: Browser | undefined;
  const timers: ReturnType<typeof setInterval>[] = [];
  try {
    const users = {
      admin: { username: 'soak-admin', password: stack.createUser('soak-admin', ['admin']) },
      watcher: { username: 'soak-watch', password: stack.createUser('soak-watch', ['director']) },
      wall: { username: 'soak-wall', password: stack.createUser('soak-wall', ['director']) },
    };
    const consoleUsers = Array.from({ length: Math.min(CONSOLES, 3) }, (_, i) => {
      const username = `soak-console-${i + 1}`;
      // One of them heads the first department only: scoped snapshots and consumes too.
      const head = i === 2;
      const password = head
        ? stack.createUser(username, ['head'], [stack.provisioned.departments[0]!.id])
        : stack.createUser(username, ['director']);
      return { username, password };
    });
    const adminCookie = await loginCookie(stack.url, users.admin.username, users.admin.password);
    const counterIds = stack.provisioned.counters.map((c) => c.id);

    log('\nStarting agents…');
    await stack.startAgents();
    const watcher = new Watcher(
      stack.url,
      await loginCookie(stack.url, users.watcher.username, users.watcher.password),
    );
    await watcher.connect();
    await eventually(
      'every counter online',
      async () => (watcher.online().length === counterIds.length ? true : undefined),
      {
        timeoutMs: 120_000,
      },
    );
    const restStart = await objectsAtRest(stack.url, adminCookie);
    log(`All ${counterIds.length} counters online; mediasoup objects at rest: ${JSON.stringify(restStart)}`);
    if (BROWSER_PEEKS) browser = await launchChromium();

    // The business day, compressed: event times on the stack's clock, spread over the run.
    const dayStart = clock.now();
    const stamp = (simMs: number): number => Math.round(dayStart + simMs / speed);
    const lanes = stack.provisioned.departments.map(
      (d, i) =>
        new QueueLane({
          departmentId: d.id,
          counters: d.counters.map((c) => ({ id: c.id, services: c.services })),
          seed: SEED * 1000 + i,
          dailyCitizens: CITIZENS * d.counters.length,
          stamp,
          url: stack.url,
          apiKey: d.apiKey,
          now: clock.now,
        }),
    );
    const runMs = MINUTES * 60_000;
    const startedAt = Date.now();
    const elapsed = (): number => Date.now() - startedAt;
    let stopping = false;
    const stopped = (): boolean => stopping || elapsed() >= runMs;
    timers.push(
      setInterval(() => {
        const simMs = Math.min(elapsed(), runMs) * speed;
        for (const lane of lanes) void lane.tick(simMs);
      }, 500),
    );

    const random = new Random(SEED);
    // Twelve rounds of churn a run: each round one queue system drops, one agent dies.
    const cycleMs = Math.max(15_000, runMs / 12);
    const churn = { sigkill: 0, sigterm: 0, restarts: 0, laneOutages: 0 };
    const laneChurn = (async () => {
      for (let i = 0; !stopped(); i++) {
        await sleep(cycleMs * (0.5 + random.next() * 0.5));
        if (stopped()) break;
        const lane = lanes[i % lanes.length]!;
        lane.drop();
        churn.laneOutages += 1;
        await sleep(cycleMs * 0.4);
        lane.restore();
      }
    })();
    const agentChurn = (async () => {
      const order = [...counterIds].sort(() => random.next() - 0.5);
      for (let i = 0; !stopped(); i++) {
        await sleep(cycleMs * (0.5 + random.next() * 0.5));
        if (stopped()) break;
        const id = order[i % order.length]!;
        const agent = stack.agents.get(id);
        if (!agent) continue;
        if (i % 2 === 0) {
          agent.kill('SIGKILL');
          await agent.exited;
          churn.sigkill += 1;
        } else {
          await agent.stop();
          churn.sigterm += 1;
        }
        await sleep(3_000 + random.next() * 7_000);
        await stack.startAgent(id);
        churn.restarts += 1;
      }
    })();
    const consoleLanes = Array.from({ length: CONSOLES }, (_, i) => {
      const user = consoleUsers[i % consoleUsers.length]!;
      return new ConsoleLane({ url: stack.url, ...user, random: () => random.next(), offset: i });
    });
    const consoleRuns = consoleLanes.map(async (lane, i) => {
      await sleep(i * 1_500);
      await lane.run(stopped);
    });
    const peeks: { at: number; decoding: number; online: number; error?: string }[] = [];
    const browserChurn = (async () => {
      if (!browser) return;
      // Six glances, two in each third of the run, so no third carries more of them.
      const every = runMs / 6;
      for (let next = every / 2; ; next += every) {
        while (elapsed() < next && !stopped()) await sleep(500);
        if (stopped()) break;
        const at = elapsed();
        try {
          peeks.push({
            at,
            ...(await peekWall(
              browser,
              stack.url,
              users.wall,
              () => watcher.online(),
              Math.min(15_000, every / 2),
            )),
          });
        } catch (error) {
          peeks.push({
            at,
            decoding: 0,
            online: 0,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
    })();

    const rows: Row[] = [];
    const workerPidsSeen = new Set<number>();
    log(
      `\nSamples every ${SAMPLE_MS / 1000} s, process and media figures averaged over readings every second ` +
        '(srv = server process, wrk = its mediasoup worker, rec = recorder ffmpegs):',
    );
    log(line(COLUMNS));
    const window = new ProbeWindow();
    const read = async (): Promise<void> => {
      const proc = serverSample(stack.server.pid!);
      if (!proc) throw new Error('the server process is gone');
      for (const pid of proc.workerPids) workerPidsSeen.add(pid);
      window.add({
        server: proc.server,
        worker: proc.worker,
        media: await fetchMediaObjects(stack.url, adminCookie),
        gauges: {
          recorders: proc.recorders,
          consoles: consoleLanes.filter((l) => l.connected).length,
          online: watcher.online().length,
        },
      });
    };
    const sample = (): void => {
      const averaged = window.take();
      const row: Row = {
        t: elapsed(),
        simMinutes: (Math.min(elapsed(), runMs) * speed) / 60_000,
        server: averaged.server,
        worker: averaged.worker,
        media: averaged.media,
        ...averaged.gauges,
        store: storeSample(stack.dataDir),
        agents: [...stack.agents.values()].filter((a) => a.running).length,
        backlog: lanes.reduce((n, l) => n + l.backlog, 0),
      };
      rows.push(row);
      log(line(rowCells(row)));
    };
    for (let tick = 1; !stopped(); tick++) {
      const next = startedAt + tick * 1_000;
      while (Date.now() < next && !stopped()) await sleep(Math.min(250, next - Date.now()));
      if (stopped()) break;
      await read();
      if ((tick * 1_000) % SAMPLE_MS === 0) sample();
    }
    stopping = true;

    log('\nRun over: consoles drop, the last agent comes back, the queue systems deliver the rest…');
    await Promise.all([...consoleRuns, agentChurn, laneChurn, browserChurn]);
    for (const lane of lanes) if (lane.down) lane.restore();
    await eventually(
      'every queue system delivered its day',
      async () => {
        for (const lane of lanes) await lane.tick(Number.POSITIVE_INFINITY);
        return lanes.every((l) => l.done) ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
    for (const t of timers) clearInterval(t);
    for (const id of counterIds) if (!stack.agents.get(id)?.running) await stack.startAgent(id);
    await eventually(
      'every counter online again',
      async () => (watcher.online().length === counterIds.length ? true : undefined),
      {
        timeoutMs: 120_000,
      },
    );
    const restEnd = await objectsAtRest(stack.url, adminCookie);
    const snapshot = await watcher.snapshot();
    browser ??= await launchChromium();
    const wall = await checkWall(browser, stack.url, users.wall, counterIds);
    const restAfterWall = await objectsAtRest(stack.url, adminCookie);
    const store = storeSample(stack.dataDir);
    const segments = implausibleSegments(stack.dataDir, 60_000);
    const runFolders = agentRunFolders(counterIds.map((id) => path.join(stack.dir, 'agents', id)));
    const tables = tableBytes(stack.dataDir, [
      'queue_events',
      'audit_log',
      'interactions',
      'segments',
      'metrics_history',
      'alerts',
      'sessions',
    ]);
    watcher.close();

    report({
      rows,
      lanes,
      consoleLanes,
      churn,
      peeks,
      restStart,
      restEnd,
      restAfterWall,
      snapshotOnline: snapshot.counters.filter((c) => c.media.status === 'online').length,
      counters: counterIds.length,
      wall,
      store,
      tables,
      segments,
      runFolders,
      workerPids: workerPidsSeen.size,
      watcherReconnects: watcher.reconnects,
      serverLog: path.join(dir, 'logs', 'server.log'),
    });
  } finally {
    for (const t of timers) clearInterval(t);
    await browser?.close();
    await stack.stop();
    if (!process.env.KEEP_TEST_DIRS) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
