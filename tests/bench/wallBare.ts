import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { RtpFanout, loadEncoderArgs, type FanoutTarget, type FanoutTrack } from '@counterwatch/agent/load';
import { DepartmentRouter, type CounterIngest } from '@counterwatch/sfu-server/media';
import type { RenditionSpec } from '@counterwatch/shared';
import { oneWorker, plainIngest, srtpSinkTransport, udpSink } from './bareMediasoup.js';

const FANOUT_SHARD = fileURLToPath(new URL('./fanoutShard.js', import.meta.url));

/**
 * Bare mediasoup, in this process: one worker, one router per department as
 * the server has, the same SRTP plain ingest per counter fed by a second
 * copy of the load publisher's encoder and relay, and `consumers` grid
 * consumers on SRTP plain transports to a sink (what the wall's tiles take).
 */
export async function bareForwarding(
  departments: { id: string; counters: string[] }[],
  options: { publishers: number | undefined; renditions: { grid: RenditionSpec; focus: RenditionSpec } },
): Promise<{
  workerPid: number;
  relayPids: number[];
  addConsumers: (count: number) => Promise<void>;
  close: () => Promise<void>;
}> {
  const logger = pino({ level: 'warn' });
  const { pool, slot } = await oneWorker(logger, { lowest: 50000, rtcSpan: 8000 });
  const fanout = await RtpFanout.create();
  const ingests: CounterIngest[] = [];
  const routers: DepartmentRouter[] = [];
  const sink = await udpSink();
  const targets: { counterId: string; track: FanoutTrack; target: FanoutTarget }[][] = [];
  for (const department of departments) {
    const router = await DepartmentRouter.create({ slot, departmentId: department.id, logger });
    routers.push(router);
    for (const counterId of department.counters) {
      const { ingest, targets: ports } = await plainIngest(router, counterId, { audio: true, logger });
      ingests.push(ingest);
      const mine: (typeof targets)[number] = [];
      for (const track of ['grid', 'focus', 'audio'] as const) {
        const t = ports[track];
        if (!t) continue;
        mine.push({
          counterId,
          track,
          // Only what the relay needs: the same fields go over IPC to a shard.
          target: { host: t.host, port: t.port, ssrc: t.ssrc, payloadType: t.payloadType, key: t.key },
        });
      }
      targets.push(mine);
    }
  }
  // The relay split over processes as the load publisher's is (one per 150 counters, at a lower
  // priority): past one share, forked shares protect and send, fed unprotected by this process.
  const shares = options.publishers ?? Math.ceil(targets.length / 150);
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
      renditions: options.renditions,
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
        const t = await srtpSinkTransport(router, sink.address().port);
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
