/**
 * npm run bench:wall — a province on one wall, measured in one run per size
 * (8, 150, 300, 600 counters; BENCH_WALL_COUNTERS=150,300 to choose):
 *   - tiles on screen decoding at the grid's full frame rate, frames dropped;
 *   - the console's main thread busy (CDP TaskDuration, and long tasks);
 *   - React renders per second of the wall's parts under live patches;
 *   - SFU CPU per stream, beside bare mediasoup forwarding the same streams
 *     (same encoder picture, same SRTP ingest, same consumers) in the same run, right after (not beside it: 2 cores);
 *   - event-to-tile latency (POST /api/v1/events → the tile's serving number
 *     changes in the page) at the province's peak event rate.
 * Every counter publishes through the load publisher (one encoder, each
 * counter its own producers and keys; its counters split over processes,
 * BENCH_WALL_PUBLISHERS to choose how many). A size the machine cannot bring
 * online is measured with the counters it did bring online, and says so.
 * Figures, never assertions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ALL_DAY, Stack } from '@counterwatch/demo';
import type { RenditionSpec } from '@counterwatch/shared';
import { launchChromium, login } from '../support/browser.js';
import { loginCookie } from '../support/http.js';
import { overview } from '../support/queue.js';
import { busiestThreads, commOf, cpuOf, descendants, machineTicks, threadCpu } from './stats.js';
import { bareForwarding } from './wallBare.js';
import { childPids, relayReports, udpCounters } from './wallMachine.js';
import { WALL_PAGE_PROBE, sampleWall, takeServingChanges } from './wallPage.js';
import { postAtPeak } from './wallPeak.js';
import { printReport, summarise, type Row } from './wallReport.js';

const SIZES = (process.env.BENCH_WALL_COUNTERS ?? '8,150,300,600').split(',').map(Number);
const WINDOW_MS = Number(process.env.BENCH_WALL_WINDOW_S ?? 15) * 1000;
/** A province's peak: every counter calling a citizen every ~20 s at the morning rush (issue + call = 2 events). */
const PEAK_EVENTS_PER_COUNTER_PER_MINUTE = Number(process.env.BENCH_WALL_PEAK_PER_COUNTER ?? 6);
const VIEWPORT = { width: 1920, height: 1080 };
/** Load publisher processes; unset = the publisher's own choice (one per 150 counters). */
const PUBLISHERS = process.env.BENCH_WALL_PUBLISHERS ? Number(process.env.BENCH_WALL_PUBLISHERS) : undefined;
/** How long the counters may take to come online, and how long without a new high means they will not. */
const ONLINE_LIMIT_MS = Number(process.env.BENCH_WALL_ONLINE_S ?? 300) * 1000;
const PLATEAU_MS = 90_000;
/** Where each size's screenshot of the wall goes. */
const SHOTS_DIR = process.env.BENCH_WALL_SHOTS ?? os.tmpdir();
const GRID: RenditionSpec = { name: 'grid', width: 320, height: 180, fps: 15, bitrateKbps: 150 };
const FOCUS: RenditionSpec = { name: 'focus', width: 640, height: 360, fps: 20, bitrateKbps: 500 };

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

type StatusCounts = Record<'online' | 'reconnecting' | 'offline', number>;

function countStatuses(o: Awaited<ReturnType<typeof overview>>): StatusCounts & { onlineIds: string[] } {
  const counts = { online: 0, reconnecting: 0, offline: 0, onlineIds: [] as string[] };
  for (const c of o.departments.flatMap((d) => d.counters)) {
    counts[c.status] += 1;
    if (c.status === 'online') counts.onlineIds.push(c.id);
  }
  return counts;
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      log(`  (gave up waiting for ${what} after ${Math.round(timeoutMs / 1000)} s)`);
      return undefined;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

async function oneSize(n: number): Promise<Row | null> {
  log(`\n== ${n} counters ==`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-wall-'));
  const stack = await Stack.create({
    dir,
    province: n,
    logLevel: 'warn',
    openingHours: ALL_DAY,
    serverEnv: {
      CW_RECORDING: 'false',
      CW_GRID_RENDITION: '320x180@15:150',
      CW_FOCUS_RENDITION: '640x360@20:500',
    },
  });
  const browser = await launchChromium();
  let bare: Awaited<ReturnType<typeof bareForwarding>> | undefined;
  let stopped = false;
  try {
    const password = stack.createUser('bench', ['director']);
    const cookie = await loginCookie(stack.url, 'bench', password);
    const started = Date.now();
    // Info: its processes log their event loop's delay and packets sent every 10 s (read back below).
    const publisher = await stack.startLoadPublisher(
      stack.provisioned.counters.map((c) => c.id),
      {
        logLevel: 'info',
        ...(PUBLISHERS !== undefined ? { processes: PUBLISHERS } : {}),
      },
    );
    const publisherProcesses = 1 + descendants(publisher.pid!).filter((pid) => commOf(pid) === 'node').length;
    log(`  load publisher: ${publisherProcesses} process(es)`);
    // Online counts over time; stops when all are online, when no new high came for PLATEAU_MS, or at the limit.
    const timeline: string[] = [];
    let peakOnline = 0;
    let peakAt = Date.now();
    let lastLog = 0;
    let allOnlineAfterS: number | null = null;
    for (;;) {
      const counts = await overview(stack.url, cookie)
        .then(countStatuses)
        .catch(() => undefined);
      const elapsed = Date.now() - started;
      if (counts) {
        if (counts.online > peakOnline) {
          peakOnline = counts.online;
          peakAt = Date.now();
        }
        if (counts.online === n) allOnlineAfterS = elapsed / 1000;
        if (elapsed - lastLog >= 15_000 || allOnlineAfterS !== null) {
          lastLog = elapsed;
          const point = `${Math.round(elapsed / 1000)} s: ${counts.online} online, ${counts.reconnecting} reconnecting, ${counts.offline} offline`;
          timeline.push(`${Math.round(elapsed / 1000)}s ${counts.online}/${counts.reconnecting}r`);
          log(`  ${point}`);
        }
      }
      if (allOnlineAfterS !== null) break;
      if (Date.now() - peakAt > PLATEAU_MS || elapsed > ONLINE_LIMIT_MS) {
        log(
          `  not all online: at most ${peakOnline} of ${n} (${Date.now() - peakAt > PLATEAU_MS ? `no new high for ${PLATEAU_MS / 1000} s` : `limit of ${ONLINE_LIMIT_MS / 1000} s`}); measuring those that are`,
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 2_000));
    }

    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.addInitScript(WALL_PAGE_PROBE);
    await login(page, stack.url, 'bench', password).catch(() =>
      page.waitForSelector('.app-header [data-connection="connected"]', { timeout: 120_000 }),
    );
    // Every online tile on screen has a picture (or 60 s passed), then a few seconds to settle.
    // Offline and reconnecting tiles have none by design (the worst-first wall may show them first).
    await waitFor(
      'pictures on every online tile on screen',
      async () => {
        const s = await sampleWall(page);
        const online = s.statusOnScreen.online ?? 0;
        return online > 0 && s.videos.filter((v) => v.total > 0).length >= online ? s : undefined;
      },
      60_000,
    );
    await new Promise((r) => setTimeout(r, 3_000));
    const settled = await sampleWall(page);
    const onScreen = settled.tilesOnScreen;
    const shot = path.join(SHOTS_DIR, `cw-bench-wall-${n}.png`);
    await page.screenshot({ path: shot }).catch(() => undefined);
    log(
      `  on screen: ${onScreen} tiles (${Object.entries(settled.statusOnScreen)
        .map(([s, c]) => `${c} ${s}`)
        .join(', ')}), ${settled.videos.length} with a video; screenshot ${shot}`,
    );

    const serverPid = stack.server.pid!;
    const workers = childPids(serverPid, 'mediasoup-work');
    const publisherTree = descendants(publisher.pid!);
    const encoders = publisherTree.filter((pid) => commOf(pid) === 'ffmpeg');
    // The publisher's shards are its node children; its encoder is counted apart.
    const publishers = [publisher.pid!, ...publisherTree.filter((pid) => commOf(pid) === 'node')];
    // Chromium's processes: this process's descendants named chromium (headless shell or full).
    const browserPids = descendants(process.pid).filter((pid) => commOf(pid).startsWith('chrom'));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskDuration = async (): Promise<number> => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
    };

    await takeServingChanges(page);
    const statusStart = countStatuses(await overview(stack.url, cookie));
    const cpuBefore = {
      server: cpuOf([serverPid]),
      workers: cpuOf(workers),
      publisher: cpuOf(publishers),
      encoder: cpuOf(encoders),
      browser: cpuOf(browserPids),
    };
    const threadsBefore = threadCpu(browserPids);
    const machineBefore = machineTicks();
    const udpBefore = udpCounters();
    const before = await sampleWall(page);
    const taskBefore = await taskDuration();
    const { posted, sentAt } = await postAtPeak(stack, n, WINDOW_MS, PEAK_EVENTS_PER_COUNTER_PER_MINUTE);
    const after = await sampleWall(page);
    const taskAfter = await taskDuration();
    const seconds = (after.at - before.at) / 1000;
    const machineAfter = machineTicks();
    const udpAfter = udpCounters();
    const cpu = (pids: number[], was: number) => (100 * (cpuOf(pids) - was)) / seconds;
    const cwWorkerPct = cpu(workers, cpuBefore.workers);
    const cwCpuPct = cwWorkerPct + cpu([serverPid], cpuBefore.server);
    const publisherPct = cpu(publishers, cpuBefore.publisher);
    const encoderPct = cpu(encoders, cpuBefore.encoder);
    const browserPct = cpu(browserPids, cpuBefore.browser);
    // Where the browser's time goes (its software compositor, decoders, WebRTC), and whether drops are
    // spread over every tile (the machine short of CPU) or held by a few (those streams' timing).
    const threads = busiestThreads(threadsBefore, threadCpu(browserPids), seconds);
    log(
      `  Chromium's busiest threads (% of a core): ${threads.map(([t, p]) => `${t} ${p.toFixed(0)}`).join(', ')}`,
    );
    const droppedBefore = new Map(before.videos.map((v) => [v.counterId, v.dropped]));
    const droppedPerTile = after.videos
      .map((v) => v.dropped - (droppedBefore.get(v.counterId) ?? v.dropped))
      .sort((a, b) => b - a);
    log(`  frames dropped per tile, most first: ${droppedPerTile.join(' ')}`);
    const statusEnd = countStatuses(await overview(stack.url, cookie));
    const relay = relayReports(path.join(dir, 'logs', 'load-publisher.log'), Date.now() - seconds * 1000);

    // Stragglers: a change posted at the window's end shows a moment later.
    await new Promise((r) => setTimeout(r, 2_000));
    const latencies: number[] = [];
    for (const [number, at] of await takeServingChanges(page)) {
      const sent = sentAt.get(number);
      if (sent !== undefined) latencies.push(at - sent);
    }
    const consumers = after.videos.length;
    // Bare mediasoup after CounterWatch, not beside it: two copies of a province's streams at once would
    // measure a 2-core machine's contention, not either of them. It forwards the counters that were online.
    await browser.close().catch(() => undefined);
    await stack.stop();
    stopped = true;
    const online = new Set(statusStart.onlineIds);
    const bareDepartments = stack.provisioned.departments
      .map((d) => ({ id: d.id, counters: d.counters.map((c) => c.id).filter((id) => online.has(id)) }))
      .filter((d) => d.counters.length > 0);
    bare = await bareForwarding(bareDepartments, {
      publishers: PUBLISHERS,
      renditions: { grid: GRID, focus: FOCUS },
    });
    await bare.addConsumers(consumers);
    await new Promise((r) => setTimeout(r, 5_000));
    const bareBefore = cpuOf([bare.workerPid]);
    const bareRelayBefore = cpuOf(bare.relayPids);
    const bareMachineBefore = machineTicks();
    const bareStart = Date.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const bareSeconds = (Date.now() - bareStart) / 1000;
    const bareCpuPct = (100 * (cpuOf([bare.workerPid]) - bareBefore)) / bareSeconds;
    // The bench process's share includes its own idle page driver; near enough for "was the relay starved".
    const bareRelayPct = (100 * (cpuOf(bare.relayPids) - bareRelayBefore)) / bareSeconds;
    const bareMachine = machineTicks();
    const bareMachineBusyPct =
      (100 * (bareMachine.busy - bareMachineBefore.busy)) /
      Math.max(1, bareMachine.total - bareMachineBefore.total);
    const row = summarise(
      n,
      before,
      after,
      seconds,
      {
        publisherProcesses,
        onlineStart: statusStart.online,
        onlineEnd: statusEnd.online,
        reconnectingEnd: statusEnd.reconnecting,
        peakOnline: Math.max(peakOnline, statusStart.online, statusEnd.online),
        allOnlineAfterS,
        timeline: timeline.join(', '),
        onlineOnScreen: after.statusOnScreen.online ?? 0,
        shot,
        machineBusyPct:
          (100 * (machineAfter.busy - machineBefore.busy)) /
          Math.max(1, machineAfter.total - machineBefore.total),
        udpInPerS: (udpAfter.inDatagrams - udpBefore.inDatagrams) / seconds,
        udpDropsPerS: (udpAfter.receiveBufferErrors - udpBefore.receiveBufferErrors) / seconds,
        busyPct: (100 * (taskAfter - taskBefore)) / seconds,
        cwCpuPct,
        cwWorkerPct,
        bareCpuPct,
        bareRelayPct,
        bareMachineBusyPct,
        // Ingest: three per online counter (two renditions and sound); out: one grid consumer per tile with a video.
        streams: 3 * statusStart.online + consumers,
        bareStreams: 3 * online.size + Math.min(consumers, online.size),
        publisherPct,
        publisherLoopP99Ms: relay.loopP99Ms,
        publisherLoopMaxMs: relay.loopMaxMs,
        publisherPacketsPerS: relay.packetsPerS,
        encoderPct,
        browserPct,
        eventsPerSecond: posted / seconds,
        latencies,
        posted,
      },
      GRID.fps,
    );
    return row;
  } catch (error) {
    log(`  failed: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  } finally {
    await browser.close().catch(() => undefined);
    await bare?.close().catch(() => undefined);
    if (!stopped) await stack.stop();
    // The server's and the publisher's logs beside the screenshot: why counters went offline is in them.
    fs.cpSync(path.join(dir, 'logs'), path.join(SHOTS_DIR, `cw-bench-wall-${n}-logs`), { recursive: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  log(
    `CounterWatch wall benchmark — ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
  );
  log(
    `load average at start: ${load}; window ${WINDOW_MS / 1000} s; viewport ${VIEWPORT.width}×${VIEWPORT.height}; grid ${GRID.width}x${GRID.height}@${GRID.fps}`,
  );
  const rows: Row[] = [];
  const failed: number[] = [];
  for (const n of SIZES) {
    const row = await oneSize(n);
    if (row) rows.push(row);
    else failed.push(n);
  }
  log(
    `\nload average at end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  printReport(rows, failed, {
    gridFps: GRID.fps,
    peakPerCounterPerMinute: PEAK_EVENTS_PER_COUNTER_PER_MINUTE,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
