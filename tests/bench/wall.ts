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
import dgram from 'node:dgram';
import { randomBytes, randomUUID } from 'node:crypto';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { ALL_DAY, Stack } from '@counterwatch/demo';
import { RtpFanout, loadEncoderArgs, type FanoutTarget, type FanoutTrack } from '@counterwatch/agent/load';
import { CounterIngest, DepartmentRouter, WorkerPool, parseSnmpUdp } from '@counterwatch/sfu-server/media';
import type { RenditionSpec } from '@counterwatch/shared';
import { launchChromium, login } from '../support/browser.js';
import { loginCookie } from '../support/http.js';
import { overview, postEvents } from '../support/queue.js';
import { commOf, cpuOf, descendants, machineTicks, percentile, table } from './stats.js';
import { WALL_PAGE_PROBE, sampleWall, takeServingChanges, type WallSample } from './wallPage.js';

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

const FANOUT_SHARD = fileURLToPath(new URL('./fanoutShard.js', import.meta.url));

/** Child processes of `pid` whose command name starts with `name`. */
function childPids(pid: number, name: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && comm.startsWith(name)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The machine's UDP counters (/proc/net/snmp), read as the server's metrics read them. */
function udpCounters(): { in: number; rcvbufErrors: number } {
  const counters = parseSnmpUdp(fs.readFileSync('/proc/net/snmp', 'utf8'));
  return { in: counters?.inDatagrams ?? 0, rcvbufErrors: counters?.receiveBufferErrors ?? 0 };
}

/**
 * The load publisher's 10-second reports (its log, one JSON line each, from
 * every process) since `since`: the worst event loop delay, and the packets
 * sent per second summed over processes (each process's mean).
 */
function relayReports(
  file: string,
  since: number,
): { loopP99Ms: number; loopMaxMs: number; packetsPerS: number } {
  const byPid = new Map<number, number[]>();
  let loopP99Ms = 0;
  let loopMaxMs = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"msg":"relay')) continue;
    try {
      const r = JSON.parse(line) as {
        time: number;
        pid: number;
        loopDelayP99Ms: number;
        loopDelayMaxMs: number;
        packetsOutPerSecond: number;
      };
      if (r.time < since) continue;
      loopP99Ms = Math.max(loopP99Ms, r.loopDelayP99Ms);
      loopMaxMs = Math.max(loopMaxMs, r.loopDelayMaxMs);
      byPid.set(r.pid, [...(byPid.get(r.pid) ?? []), r.packetsOutPerSecond]);
    } catch {
      // a line cut short
    }
  }
  let packetsPerS = 0;
  for (const rates of byPid.values()) packetsPerS += rates.reduce((a, b) => a + b, 0) / rates.length;
  return { loopP99Ms, loopMaxMs, packetsPerS };
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

/**
 * Bare mediasoup, in this process: one worker, one router per department as
 * the server has, the same SRTP plain ingest per counter fed by a second
 * copy of the load publisher's encoder and relay, and `consumers` grid
 * consumers on SRTP plain transports to a sink (what the wall's tiles take).
 */
async function bareForwarding(departments: { id: string; counters: string[] }[]): Promise<{
  workerPid: number;
  relayPids: number[];
  addConsumers: (count: number) => Promise<void>;
  close: () => Promise<void>;
}> {
  const logger = pino({ level: 'warn' });
  const base = 50000 + Math.floor(Math.random() * 5000);
  const pool = await WorkerPool.create({
    size: 1,
    listenIp: '127.0.0.1',
    announcedIp: '127.0.0.1',
    webRtcPort: base,
    webRtcTcp: false,
    rtcMinPort: base + 10,
    rtcMaxPort: base + 8000,
    logger,
  });
  const slot = pool.slot(0)!;
  const fanout = await RtpFanout.create();
  const ingests: CounterIngest[] = [];
  const routers: DepartmentRouter[] = [];
  const sink = dgram.createSocket('udp4');
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  sink.on('message', () => undefined);
  const targets: { counterId: string; track: FanoutTrack; target: FanoutTarget }[][] = [];
  for (const department of departments) {
    const router = await DepartmentRouter.create({ slot, departmentId: department.id, logger });
    routers.push(router);
    for (const counterId of department.counters) {
      const key = () => randomBytes(30).toString('base64');
      const keys = { grid: key(), focus: key(), audio: key() };
      const { ingest, targets: ports } = await CounterIngest.createPlain({
        router,
        counterId,
        videoCodec: 'vp8',
        keys,
        listenIp: '127.0.0.1',
        announcedIp: '127.0.0.1',
        ingestHost: '127.0.0.1',
        logger,
      });
      ingests.push(ingest);
      const mine: (typeof targets)[number] = [];
      for (const track of ['grid', 'focus', 'audio'] as const) {
        const t = ports[track];
        if (!t) continue;
        mine.push({
          counterId,
          track,
          target: {
            host: '127.0.0.1',
            port: t.port,
            ssrc: t.ssrc,
            payloadType: t.payloadType,
            key: keys[track],
          },
        });
      }
      targets.push(mine);
    }
  }
  // The relay split over processes as the load publisher's is (one per 150 counters, at a lower
  // priority): past one share, forked shares protect and send, fed unprotected by this process.
  const shares = PUBLISHERS ?? Math.ceil(targets.length / 150);
  const size = Math.ceil(targets.length / Math.max(1, shares));
  const shards: ChildProcess[] = [];
  for (let i = 0; i < targets.length; i += size) {
    const share = targets.slice(i, i + size).flat();
    if (shares <= 1) {
      for (const t of share) fanout.set(t.counterId, t.track, t.target);
      continue;
    }
    const child = fork(FANOUT_SHARD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    shards.push(child);
    const ports = await new Promise<Record<FanoutTrack, number>>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Record<FanoutTrack, number>));
      child.once('exit', () => reject(new Error('a bare relay shard exited')));
      child.send({ type: 'targets', targets: share });
    });
    fanout.addRelay(ports);
  }
  const ffmpeg: ChildProcess = spawn(
    'ffmpeg',
    loadEncoderArgs({
      renditions: { grid: GRID, focus: FOCUS },
      keyframeIntervalSeconds: 1,
      ports: {
        grid: fanout.inputPort('grid'),
        focus: fanout.inputPort('focus'),
        audio: fanout.inputPort('audio'),
      },
      audioBitrateKbps: 32,
    }),
    { stdio: 'ignore' },
  );
  return {
    workerPid: slot.worker.pid,
    relayPids: [process.pid, ...shards.flatMap((c) => (c.pid ? [c.pid] : []))],
    async addConsumers(count) {
      for (const ingest of ingests.slice(0, count)) {
        const router = routers.find((r) => r.departmentId === ingest.departmentId)!;
        const t = await router.router.createPlainTransport({
          listenInfo: router.plainListenInfo('127.0.0.1'),
          rtcpMux: true,
          comedia: false,
          enableSrtp: true,
        });
        await t.connect({
          ip: '127.0.0.1',
          port: sink.address().port,
          srtpParameters: {
            cryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
            keyBase64: randomBytes(30).toString('base64'),
          },
        });
        await t.consume({
          producerId: ingest.producer('grid')!.id,
          rtpCapabilities: router.router.rtpCapabilities,
        });
      }
    },
    async close() {
      ffmpeg.kill('SIGTERM');
      fanout.close();
      for (const child of shards) child.kill('SIGTERM');
      for (const i of ingests) i.close('shutdown');
      sink.close();
      await pool.close();
    },
  };
}

interface Row {
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
    const machineBefore = machineTicks();
    const udpBefore = udpCounters();
    const before = await sampleWall(page);
    const taskBefore = await taskDuration();
    const { posted, sentAt } = await postAtPeak(stack, n, WINDOW_MS);
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
    bare = await bareForwarding(bareDepartments);
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
    const row = summarise(n, before, after, seconds, {
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
      udpInPerS: (udpAfter.in - udpBefore.in) / seconds,
      udpDropsPerS: (udpAfter.rcvbufErrors - udpBefore.rcvbufErrors) / seconds,
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
    });
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

function summarise(
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
    if (frames / seconds >= 0.9 * GRID.fps) fullRate += 1;
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

/**
 * Posts ticket.issued + ticket.called pairs for counters across the province
 * at its peak rate for `ms`; returns how many events went and when each
 * ticket number was posted (wall clock, as the page stamps its changes).
 */
async function postAtPeak(
  stack: Stack,
  n: number,
  ms: number,
): Promise<{ posted: number; sentAt: Map<string, number> }> {
  const eventsPerSecond = (n * PEAK_EVENTS_PER_COUNTER_PER_MINUTE) / 60;
  const pairsPerTick = eventsPerSecond / 2 / 10; // ten ticks a second
  const sentAt = new Map<string, number>();
  const counters = stack.provisioned.counters;
  const departments = new Map(stack.provisioned.departments.map((d) => [d.id, d]));
  let posted = 0;
  let seq = 0;
  let owed = 0;
  let next = 0;
  const end = Date.now() + ms;
  const inFlight: Promise<unknown>[] = [];
  while (Date.now() < end) {
    owed += pairsPerTick;
    const batches = new Map<string, unknown[]>();
    while (owed >= 1) {
      owed -= 1;
      const counter = counters[next % counters.length]!;
      next += 1;
      const number = `B${seq}`;
      const ticketId = randomUUID();
      const at = Date.now();
      const base = { departmentId: counter.departmentId, occurredAt: at };
      const events = batches.get(counter.departmentId) ?? [];
      events.push(
        {
          ...base,
          id: randomUUID(),
          source: { id: 'bench', seq: seq * 2 },
          type: 'ticket.issued',
          ticketId,
          ticketNumber: number,
          serviceCode: counter.services[0],
        },
        {
          ...base,
          id: randomUUID(),
          source: { id: 'bench', seq: seq * 2 + 1 },
          type: 'ticket.called',
          ticketId,
          counterId: counter.id,
        },
      );
      batches.set(counter.departmentId, events);
      sentAt.set(number, at);
      seq += 1;
    }
    for (const [departmentId, events] of batches) {
      posted += events.length;
      inFlight.push(
        postEvents(stack.url, departments.get(departmentId)!.apiKey, events).catch(() => undefined),
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all(inFlight);
  return { posted, sentAt };
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
        `at full rate (≥${0.9 * GRID.fps} fps)`,
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
    `\nEvent to tile (POST → the tile's serving number changes in the page), at ${PEAK_EVENTS_PER_COUNTER_PER_MINUTE} events per counter per minute:`,
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

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
