/**
 * npm run bench:record — prints, measured on this machine in one run:
 *   1. what recording one counter costs at the demo's renditions (focus
 *      640x360@20 500 kbit/s VP8 + Opus 32 kbit/s): CPU of its recorder
 *      ffmpeg and of the mediasoup worker, disk bytes/s and MB/hour;
 *   2. how many counters this machine records while serving the live wall:
 *      recorded counters are added in steps until the server side leaves
 *      less than ~1 core for the viewer's browser.
 * Figures, not assertions.
 *
 * The ffmpeg publishers stand in for the counter PCs: their CPU is measured
 * and left out of the server's budget. A few of them feed every recorder
 * (each recorder still has its own transports, consumers and ffmpeg, as in
 * production); the worker's ingest of the counters that have no publisher
 * here is added from the ingest cost measured per publisher.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { types } from 'mediasoup';
import { pino } from 'pino';
import { DepartmentRouter, type CounterIngest } from '@counterwatch/sfu-server/media';
import { systemClock, type RenditionSpec } from '@counterwatch/shared';
import { RecordingService } from '@counterwatch/sfu-server/recording';
import { SqliteStorage, type SegmentRecord } from '@counterwatch/sfu-server/storage';
import { oneWorker, plainIngest, srtpSinkTransport, testPublisherArgs, udpSink } from './bareMediasoup.js';
import { cpuSeconds, machineTicks, table } from './stats.js';

const GRID: RenditionSpec = { name: 'grid', width: 320, height: 180, fps: 15, bitrateKbps: 150 };
const FOCUS: RenditionSpec = { name: 'focus', width: 640, height: 360, fps: 20, bitrateKbps: 500 };
const PUBLISHERS = Number(process.env.BENCH_PUBLISHERS ?? 2);
const SEGMENT_SECONDS = Number(process.env.BENCH_SEGMENT_SECONDS ?? 10);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 8_000);
const STEPS = (process.env.BENCH_STEPS ?? '2,4,8,12,16,24,32,48,64,80,96,112,128,160,192,256')
  .split(',')
  .map(Number);
/** Left for the viewer's browser (the wall) on this machine. */
const RESERVE_CORES = 1;
const CORES = os.cpus().length;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (cores: number) => cores.toFixed(2);
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

/** Proportional memory of a process in MB (shared libraries split between their users), from /proc. */
function pssMb(pid: number): number {
  const match = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

/** CPU (in cores) of groups of processes, the machine and this process over `ms`. */
async function measure(
  groups: Record<string, number[]>,
  ms: number,
): Promise<{ groups: Record<string, number>; machine: number; node: number }> {
  const safe = (pid: number) => {
    try {
      return cpuSeconds(pid);
    } catch {
      return Number.NaN; // the process is gone (a recorder restarting): counted as missing
    }
  };
  const before = Object.fromEntries(Object.entries(groups).map(([k, pids]) => [k, pids.map(safe)]));
  const ticks = machineTicks();
  const node = process.cpuUsage();
  const started = Date.now();
  await sleep(ms);
  const seconds = (Date.now() - started) / 1000;
  const after = machineTicks();
  const nodeUsed = process.cpuUsage(node);
  const result: Record<string, number> = {};
  for (const [name, pids] of Object.entries(groups)) {
    let used = 0;
    pids.forEach((pid, i) => {
      const delta = safe(pid) - (before[name]?.[i] ?? Number.NaN);
      if (Number.isFinite(delta)) used += delta;
    });
    result[name] = used / seconds;
  }
  return {
    groups: result,
    machine: ((after.busy - ticks.busy) / Math.max(1, after.total - ticks.total)) * CORES,
    node: (nodeUsed.user + nodeUsed.system) / 1e6 / seconds,
  };
}

async function main(): Promise<void> {
  log(
    `CounterWatch recording benchmark — ${CORES} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
  );
  log(
    `focus ${FOCUS.width}x${FOCUS.height}@${FOCUS.fps} ${FOCUS.bitrateKbps} kbit/s VP8 + Opus 32 kbit/s, ` +
      `${SEGMENT_SECONDS} s segments, ${PUBLISHERS} ffmpeg publishers`,
  );
  const logger = pino({ level: process.env.BENCH_LOG ?? 'warn' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-record-'));
  const { pool, slot } = await oneWorker(logger, { lowest: 30000, rtcSpan: 3000 });
  const workerPid = slot.worker.pid;
  const router = await DepartmentRouter.create({ slot, departmentId: 'bench', logger });
  const storage = await SqliteStorage.create({ dataDir: path.join(dir, 'data'), logger, now: systemClock });
  const service = await RecordingService.create({
    store: storage.recordings,
    now: systemClock,
    heldSpans: async () => [],
    recordingsDir: path.join(dir, 'recordings'),
    segmentSeconds: SEGMENT_SECONDS,
    // Below the kernel's ephemeral ports and the worker's range: no lost port races.
    ffmpegPorts: { min: 20000, max: 29999 },
    logger,
  });
  const segments: SegmentRecord[] = [];
  service.on('segment', (s) => segments.push(s));
  const sink = await udpSink();
  const publishers: ChildProcess[] = [];
  const ingests: CounterIngest[] = [];
  try {
    // Publishers: like agents (grid + focus + audio over SRTP), killed with us (setpriv) if we die.
    for (let i = 0; i < PUBLISHERS; i++) {
      const { ingest, targets } = await plainIngest(router, `pub-${i}`, { audio: true, logger });
      ingests.push(ingest);
      const args = testPublisherArgs(targets, { grid: GRID, focus: FOCUS }, null);
      publishers.push(
        spawn('/usr/bin/setpriv', ['--pdeathsig', 'KILL', '--', 'ffmpeg', ...args], { stdio: 'ignore' }),
      );
    }
    await sleep(4_000);
    const publisherPids = publishers.map((p) => p.pid!);

    // ---- 1. One recorded counter.
    log('\n== 1. Recording one counter ==');
    const idle = await measure({ worker: [workerPid], publishers: publisherPids }, WINDOW_MS);
    const ingestPerCounter = (idle.groups.worker ?? 0) / PUBLISHERS;
    const media = (i: number) => {
      const ingest = ingests[i % PUBLISHERS]!;
      return { epoch: 1, router, video: ingest.producer('focus')!, audio: ingest.producer('audio')! };
    };
    service.track({ id: 'rec-0', departmentId: 'bench' }, media(0));
    while (segments.length < 1) await sleep(200); // past ffmpeg's start-up
    const soloWindow = Math.max(WINDOW_MS, 2 * SEGMENT_SECONDS * 1000 + 1_000);
    const from = segments.length;
    const recorderPid = service.pid('rec-0')!;
    const solo = await measure({ worker: [workerPid], recorder: [recorderPid] }, soloWindow);
    const written = segments.slice(from);
    const bytes = written.reduce((a, s) => a + s.bytes, 0);
    const seconds = written.reduce((a, s) => a + (s.endedAt - s.startedAt), 0) / 1000;
    const bytesPerSecond = bytes / Math.max(1, seconds);
    const workerForRecording = (solo.groups.worker ?? 0) - (idle.groups.worker ?? 0);
    log(
      table([
        ['per recorded counter', 'value'],
        ['recorder ffmpeg CPU', pct(solo.groups.recorder ?? 0) + ' of a core'],
        ['mediasoup worker CPU (its consumers)', pct(workerForRecording) + ' of a core'],
        ['recorder ffmpeg memory (PSS)', `${pssMb(recorderPid).toFixed(1)} MB`],
        ['disk write', `${(bytesPerSecond / 1000).toFixed(1)} kB/s`],
        ['disk per hour', `${((bytesPerSecond * 3600) / 1e6).toFixed(0)} MB/hour`],
        ['disk per 8-hour day, 30 days', `${((bytesPerSecond * 3600 * 8 * 30) / 1e9).toFixed(1)} GB`],
        ['segments measured', `${written.length} (${seconds.toFixed(1)} s)`],
      ]),
    );
    log(
      `(for reference: the worker's ingest of one publishing counter, grid + focus + audio: ${pct(ingestPerCounter)} of a core; ` +
        `one ffmpeg publisher encoding both renditions: ${pct((idle.groups.publishers ?? 0) / PUBLISHERS)} of a core)`,
    );

    // ---- 2. How many recorded counters, wall included.
    log(
      `\n== 2. Recorded counters this machine sustains, with the live wall (one viewer consuming every grid), ` +
        `keeping ${RESERVE_CORES} core for the viewer's browser ==`,
    );
    const wall = await srtpSinkTransport(router, sink.address().port);
    const wallConsumers: types.Consumer[] = [];
    const rows: (string | number)[][] = [
      [
        'counters',
        'machine',
        'publishers',
        'other',
        'recorders',
        'worker',
        'node',
        '+ingest',
        'server',
        'headroom',
        'recorders/server',
        'recorders MB',
        'recording',
      ],
    ];
    let best: { counters: number; headroom: number } | null = null;
    let recorded = 1;
    for (const target of STEPS) {
      for (; recorded < target; recorded++)
        service.track({ id: `rec-${recorded}`, departmentId: 'bench' }, media(recorded));
      while (wallConsumers.length < target) {
        const ingest = ingests[wallConsumers.length % PUBLISHERS]!;
        wallConsumers.push(
          await wall.consume({
            producerId: ingest.producer('grid')!.id,
            rtpCapabilities: router.router.rtpCapabilities,
          }),
        );
      }
      await sleep(5_000 + 50 * target); // recorders probe their input, then settle
      const ids = Array.from({ length: target }, (_, i) => `rec-${i}`);
      const recorderPids = ids.map((id) => service.pid(id)).filter((pid): pid is number => pid !== undefined);
      const m = await measure(
        { worker: [workerPid], recorders: recorderPids, publishers: publisherPids },
        WINDOW_MS,
      );
      const recorders = m.groups.recorders ?? 0;
      const worker = m.groups.worker ?? 0;
      const extrapolated = Math.max(0, target - PUBLISHERS) * ingestPerCounter;
      // The server's processes, plus the ingest of the counters that have no publisher here.
      const server = recorders + worker + m.node + extrapolated;
      // Whatever else ran on the machine meanwhile (not ours, not the stand-in counter PCs).
      const other = Math.max(0, m.machine - (m.groups.publishers ?? 0) - (recorders + worker + m.node));
      const headroom = CORES - server;
      const memory = recorderPids.reduce((a, pid) => a + pssMb(pid), 0);
      const healthy = ids.filter((id) => service.health(id) === 'recording').length;
      rows.push([
        target,
        fmt(m.machine),
        fmt(m.groups.publishers ?? 0),
        fmt(other),
        fmt(recorders),
        fmt(worker),
        fmt(m.node),
        fmt(extrapolated),
        fmt(server),
        fmt(headroom),
        pct(recorders / Math.max(0.01, server)),
        memory.toFixed(0),
        `${healthy}/${target}`,
      ]);
      log(`  ${target} counters: server ${fmt(server)} cores, headroom ${fmt(headroom)}`);
      if (headroom < RESERVE_CORES || healthy < target) break;
      best = { counters: target, headroom };
    }
    log(
      '\nCPU in cores (1.00 = one core busy). server = recorder ffmpegs + mediasoup worker + node + the ingest ' +
        'of counters without a publisher here (extrapolated); other = the rest of the machine (not ours); ' +
        'headroom = cores − server:',
    );
    log(table(rows));
    if (best) {
      log(
        `\nrecords ${best.counters} counters with ${((best.headroom / CORES) * 100).toFixed(0)}% CPU left for the wall ` +
          `(${fmt(best.headroom)} of ${CORES} cores)`,
      );
    } else {
      log(`\nrecords fewer than ${STEPS[0]} counters with ${RESERVE_CORES} core left for the wall`);
    }
  } finally {
    await service.close();
    for (const p of publishers) p.kill('SIGTERM');
    for (const i of ingests) i.close('shutdown');
    sink.close();
    await pool.close();
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
