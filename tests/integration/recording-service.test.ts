import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { z } from 'zod';
import { buildFfmpegArgs, parseVideoSource } from '@counterwatch/agent/media';
import { CounterIngest, DepartmentRouter, WorkerPool } from '@counterwatch/sfu-server/media';
import { systemClock, type RenditionSpec, type VideoCodec } from '@counterwatch/shared';
import { ClipService, RecordingService } from '@counterwatch/sfu-server/recording';
import type { SegmentRecord, Storage } from '@counterwatch/sfu-server/storage';
import { alive } from '../support/processes.js';
import { openTestStorage } from '../support/stack.js';

const run = promisify(execFile);
const logger = pino({ level: process.env.CW_TEST_LOG ?? 'warn' });
const GRID: RenditionSpec = { name: 'grid', width: 320, height: 180, fps: 15, bitrateKbps: 150 };
const FOCUS: RenditionSpec = { name: 'focus', width: 640, height: 360, fps: 20, bitrateKbps: 500 };
const SEGMENT_SECONDS = 2;
const RECORD_MS = 10_000;
const DAY = 86_400_000;

const ProbeSchema = z.object({
  streams: z.array(z.object({ codec_name: z.string(), nb_read_frames: z.string().optional() })),
  format: z.object({ duration: z.string() }),
});

async function probe(
  file: string,
): Promise<{ codecs: string[]; duration: number; frames: Map<string, number> }> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration:stream=codec_name,nb_read_frames',
    '-count_frames',
    '-of',
    'json',
    file,
  ]);
  const parsed = ProbeSchema.parse(JSON.parse(stdout));
  return {
    codecs: parsed.streams.map((s) => s.codec_name).sort(),
    duration: Number(parsed.format.duration),
    frames: new Map(parsed.streams.map((s) => [s.codec_name, Number(s.nb_read_frames ?? 0)])),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const key = () => randomBytes(30).toString('base64');

describe('recording service: real mediasoup, ffmpeg publishers and recorders, the test backend’s storage', () => {
  let dir: string;
  let pool: WorkerPool;
  let router: DepartmentRouter;
  let storage: Storage;
  let closeStorage: (() => Promise<void>) | undefined;
  const publishers: ChildProcess[] = [];
  const ingests: CounterIngest[] = [];

  async function publish(
    counterId: string,
    codec: VideoCodec,
  ): Promise<{ ingest: CounterIngest; ffmpeg: ChildProcess }> {
    const keys = { grid: key(), focus: key(), audio: key() };
    const { ingest, targets } = await CounterIngest.createPlain({
      router,
      counterId,
      videoCodec: codec,
      keys,
      listenIp: '127.0.0.1',
      announcedIp: '127.0.0.1',
      ingestHost: '127.0.0.1',
      logger,
    });
    ingests.push(ingest);
    if (!targets.audio) throw new Error('no audio target');
    const args = buildFfmpegArgs({
      video: parseVideoSource('test'),
      audio: { kind: 'test' },
      codec,
      renditions: { grid: GRID, focus: FOCUS },
      audioBitrateKbps: 32,
      keyframeIntervalSeconds: 1,
      targets: {
        grid: { ...targets.grid, host: '127.0.0.1', key: keys.grid },
        focus: { ...targets.focus, host: '127.0.0.1', key: keys.focus },
        audio: { ...targets.audio, host: '127.0.0.1', key: keys.audio },
      },
      captionFile: null,
    });
    const ffmpeg = spawn('ffmpeg', args, { stdio: 'ignore' });
    publishers.push(ffmpeg);
    return { ingest, ffmpeg };
  }

  /** Polls until `check` holds. */
  async function until(label: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
      await sleep(50);
    }
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-recording-'));
    ({ storage, close: closeStorage } = await openTestStorage(path.join(dir, 'data'), logger));
    const base = 30000 + Math.floor(Math.random() * 5000);
    pool = await WorkerPool.create({
      size: 1,
      listenIp: '127.0.0.1',
      announcedIp: '127.0.0.1',
      webRtcPort: base,
      webRtcTcp: false,
      rtcMinPort: base + 10,
      rtcMaxPort: base + 1000,
      logger,
    });
    router = await DepartmentRouter.create({ slot: pool.slot(0)!, departmentId: 'rec', logger });
  });

  afterAll(async () => {
    for (const p of publishers) p.kill('SIGTERM');
    for (const i of ingests) i.close('shutdown');
    await pool?.close();
    await closeStorage?.();
    if (!process.env.KEEP_TEST_DIRS) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('recording live counters', () => {
    const recordingsDir = () => path.join(dir, 'recordings');
    const clipsDir = () => path.join(dir, 'clips');
    const rows: Record<'vp8' | 'h264', SegmentRecord[]> = { vp8: [], h264: [] };
    let trackedAt = 0;
    let closedAt = 0;

    beforeAll(async () => {
      const { ingest: vp8, ffmpeg: vp8Publisher } = await publish('rec-vp8', 'vp8');
      const { ingest: h264, ffmpeg: h264Publisher } = await publish('rec-h264', 'h264');
      await sleep(1_500); // the publishers' first keyframes are on their way

      const service = await RecordingService.create({
        store: storage.recordings,
        now: systemClock,
        heldSpans: async () => [],
        recordingsDir: recordingsDir(),
        segmentSeconds: SEGMENT_SECONDS,
        retentionDays: 30,
        quotaBytes: null,
        logger,
      });
      const health: string[] = [];
      const events: SegmentRecord[] = [];
      service.on('health', (counterId, h) => {
        if (counterId === 'rec-vp8') health.push(h);
      });
      service.on('segment', (s) => events.push(s));
      trackedAt = Date.now();
      for (const [id, ingest] of [
        ['rec-vp8', vp8],
        ['rec-h264', h264],
      ] as const) {
        service.track(
          { id, departmentId: 'rec' },
          { epoch: 1, router, video: ingest.producer('focus')!, audio: ingest.producer('audio')! },
        );
      }
      service.start();
      await sleep(RECORD_MS);
      expect(service.health('rec-vp8')).toBe('recording');
      expect(service.health('rec-h264')).toBe('recording');
      const pid = service.pid('rec-vp8');
      expect(pid).toBeDefined();
      closedAt = Date.now();
      await service.close();
      expect(alive(pid!)).toBe(false);
      expect(health).toEqual(['recording', 'off']);
      // Frees the CPU for what follows.
      vp8Publisher.kill('SIGTERM');
      h264Publisher.kill('SIGTERM');
      for (const codec of ['vp8', 'h264'] as const) {
        rows[codec] = await storage.recordings.segmentsOverlapping(
          `rec-${codec}`,
          0,
          Number.MAX_SAFE_INTEGER,
        );
      }
      expect(events.length).toBe(rows.vp8.length + rows.h264.length);
      // Only the ingest's three transports per counter are left: the recorders closed theirs.
      const dump = await router.router.dump();
      expect(dump.transportIds.length).toBe(6);
    });

    it('writes WebM segments that tile the recording period, on disk and in the store', async () => {
      const segments = rows.vp8;
      expect(segments.length).toBeGreaterThanOrEqual(RECORD_MS / 1000 / SEGMENT_SECONDS - 1);
      const first = segments[0]!;
      const last = segments.at(-1)!;
      expect(first.startedAt).toBeGreaterThanOrEqual(trackedAt);
      expect(first.startedAt - trackedAt).toBeLessThan(2_000);
      expect(Math.abs(last.endedAt - closedAt)).toBeLessThan(1_500);
      for (const [i, s] of segments.entries()) {
        expect(s.container).toBe('webm');
        expect(s.departmentId).toBe('rec');
        expect(s.path).toMatch(/^rec-vp8\/\d{4}-\d{2}-\d{2}\/\d{6}-e1-[0-9a-f]+-\d{6}\.webm$/);
        expect(s.endedAt).toBeGreaterThan(s.startedAt);
        const file = path.join(recordingsDir(), s.path);
        expect(fs.statSync(file).size).toBe(s.bytes);
        const previous = segments[i - 1];
        if (previous) {
          expect(s.startedAt).toBeGreaterThanOrEqual(previous.endedAt); // no overlap
          expect(s.startedAt - previous.endedAt).toBeLessThan(100); // no gap
        }
      }
      // Nothing is left in the staging folders.
      expect(fs.readdirSync(path.join(recordingsDir(), 'rec-vp8'))).not.toContain('.incoming');
    });

    it('segments are VP8 + Opus of the segment length, with a plausible frame count', async () => {
      const segments = rows.vp8;
      for (const [i, s] of segments.slice(0, -1).entries()) {
        const info = await probe(path.join(recordingsDir(), s.path));
        // The first segment opens with the audio; the video joins at the publisher's next keyframe (≤ 1 s).
        // It ends at the first wall-clock boundary, so it may be short.
        const videoSeconds = i === 0 ? info.duration - 1 : info.duration;
        expect(info.codecs).toEqual(['opus', 'vp8']);
        const stored = (s.endedAt - s.startedAt) / 1000;
        expect(Math.abs(info.duration - stored)).toBeLessThan(0.25);
        // Cuts fall on the first keyframe after each wall-clock boundary: ± one keyframe interval (1 s).
        if (i > 0) expect(info.duration).toBeGreaterThan(SEGMENT_SECONDS - 1.2);
        expect(info.duration).toBeLessThan(SEGMENT_SECONDS + (i === 0 ? 2 : 1.2));
        const frames = info.frames.get('vp8') ?? 0;
        if (process.env.CW_TEST_LOG)
          logger.info({ i, duration: info.duration, frames, stored }, 'segment probed');
        expect(frames).toBeGreaterThan(FOCUS.fps * videoSeconds * 0.8);
        expect(frames).toBeLessThan(FOCUS.fps * info.duration * 1.2 + 2);
        // Opus frames are 20 ms.
        expect(info.frames.get('opus') ?? 0).toBeGreaterThan(50 * info.duration * 0.8 - 1);
      }
      // The last one, flushed on shutdown, is whole too.
      const tail = await probe(path.join(recordingsDir(), segments.at(-1)!.path));
      expect(tail.codecs).toEqual(['opus', 'vp8']);
    });

    it('H.264 is recorded into Matroska without re-encoding', async () => {
      const segments = rows.h264;
      expect(segments.length).toBeGreaterThanOrEqual(RECORD_MS / 1000 / SEGMENT_SECONDS - 1);
      for (const s of segments) {
        expect(s.container).toBe('mkv');
        expect(s.path).toMatch(/\.mkv$/);
      }
      const info = await probe(path.join(recordingsDir(), segments[1]!.path));
      expect(info.codecs).toEqual(['h264', 'opus']);
      expect(info.frames.get('h264') ?? 0).toBeGreaterThan(FOCUS.fps * info.duration * 0.8);
    });

    it('cuts a clip of a span inside the recording that plays, and reuses it', async () => {
      // A fresh service over the same folders, as after a server restart.
      const service = await ClipService.create({
        store: storage.recordings,
        node: '',
        recordingsDir: recordingsDir(),
        clipsDir: clipsDir(),
        remote: null,
        logger,
      });
      try {
        const start = rows.vp8[0]!.startedAt;
        const from = start + 2_500;
        const to = start + 6_500;
        const clip = await service.clip('rec-vp8', from, to);
        expect(clip.container).toBe('webm');
        // The clip says what it covers: the span, less any sliver of a gap between segments at its ends.
        const coveredFrom = Math.max(from, rows.vp8.find((r) => r.endedAt > from)!.startedAt);
        const coveredTo = Math.min(to, rows.vp8.findLast((r) => r.startedAt < to)!.endedAt);
        expect(clip.from).toBe(coveredFrom);
        expect(clip.to).toBe(coveredTo);
        expect(clip.from - from).toBeLessThan(100);
        expect(to - clip.to).toBeLessThan(100);
        expect(clip.segments).toBeGreaterThanOrEqual(2);
        expect(path.dirname(clip.path)).toBe(path.resolve(clipsDir()));
        const info = await probe(clip.path);
        expect(info.codecs).toEqual(['opus', 'vp8']);
        expect(Math.abs(info.duration - 4)).toBeLessThan(1.5);
        expect(info.frames.get('vp8') ?? 0).toBeGreaterThan(FOCUS.fps * 2);

        // Reused, not rebuilt: a rebuild renames a new file into place (a new inode).
        const inode = fs.statSync(clip.path).ino;
        const again = await service.clip('rec-vp8', from, to);
        expect(again.path).toBe(clip.path);
        expect(fs.statSync(again.path).ino).toBe(inode);

        const h264 = await service.clip(
          'rec-h264',
          rows.h264[0]!.startedAt + 1_000,
          rows.h264[0]!.startedAt + 4_000,
        );
        expect(h264.container).toBe('mkv');
        expect((await probe(h264.path)).codecs).toEqual(['h264', 'opus']);

        await expect(service.clip('rec-vp8', start - 10 * DAY, start - 9 * DAY)).rejects.toMatchObject({
          code: 'not_found',
        });
        await expect(service.clip('nobody', from, to)).rejects.toMatchObject({ code: 'not_found' });
      } finally {
        await service.close();
      }
    });
  });

  describe('supervision', () => {
    it('restarts a killed recorder (salvaging its partial segment), follows a new epoch, stops when the producer goes', async () => {
      const { ingest } = await publish('rec-sup', 'vp8');
      await sleep(1_500);
      const service = await RecordingService.create({
        store: storage.recordings,
        now: systemClock,
        heldSpans: async () => [],
        recordingsDir: path.join(dir, 'recordings'),
        segmentSeconds: SEGMENT_SECONDS,
        logger,
      });
      const health: string[] = [];
      const segments: SegmentRecord[] = [];
      service.on('health', (counterId, h) => {
        if (counterId === 'rec-sup') health.push(h);
      });
      service.on('segment', (s) => segments.push(s));
      const counter = { id: 'rec-sup', departmentId: 'rec' };
      const media = (epoch: number) => ({
        epoch,
        router,
        video: ingest.producer('focus')!,
        audio: ingest.producer('audio')!,
      });
      const runOf = (s: SegmentRecord) => /-(e\d+-[0-9a-f]+)-\d{6}\./.exec(s.path)?.[1];
      try {
        service.track(counter, media(1));
        service.start();
        await until('a first segment', () => segments.length >= 1);
        const firstRun = runOf(segments[0]!);
        const killed = service.pid('rec-sup')!;
        // Kill mid-segment, with some of it on disk: just after a boundary, wait until the
        // segment in progress has a cluster written (a fixed sleep raced the boundaries).
        const boundary = segments.length;
        await until('a segment boundary', () => segments.length > boundary);
        const staging = path.join(dir, 'recordings', 'rec-sup', '.incoming');
        const inProgress = (): number => {
          let bytes = 0;
          for (const run of fs.readdirSync(staging)) {
            for (const f of fs.readdirSync(path.join(staging, run))) {
              const seq = /^seg-(\d{6})\./.exec(f)?.[1];
              if (seq !== undefined && Number(seq) >= segments.length)
                bytes = Math.max(bytes, fs.statSync(path.join(staging, run, f)).size);
            }
          }
          return bytes;
        };
        await until('a cluster of the segment in progress on disk', () => inProgress() > 2_000);
        const before = segments.length;
        process.kill(killed, 'SIGKILL');
        await until('health error', () => health.includes('error'));
        // The partial segment of the killed run is filed, not lost.
        await until('the salvaged segment', () => segments.length > before);
        expect(runOf(segments[before]!)).toBe(firstRun);
        await until(
          'recording again',
          () => health.at(-1) === 'recording' && service.pid('rec-sup') !== undefined,
        );
        expect(service.pid('rec-sup')).not.toBe(killed);
        await until('a segment of the restarted run', () => segments.some((s) => runOf(s) !== firstRun));

        // Republished: a new epoch replaces the recorder.
        const restartedPid = service.pid('rec-sup');
        service.track(counter, media(2));
        await until('a segment of epoch 2', () => segments.some((s) => runOf(s)?.startsWith('e2-') ?? false));
        expect(service.pid('rec-sup')).not.toBe(restartedPid);
        expect(service.health('rec-sup')).toBe('recording');

        // The producer goes: the recorder flushes its last segment and stops.
        const recorderPid = service.pid('rec-sup')!;
        const count = segments.length;
        await sleep(1_500);
        ingest.close('unpublished');
        await until('health off', () => service.health('rec-sup') === 'off');
        await until('the recorder ffmpeg to exit', () => !alive(recorderPid));
        await until('the last segment', () => segments.length > count);
        expect(health).toEqual(['recording', 'error', 'recording', 'off']);

        const rows = await storage.recordings.segmentsOverlapping('rec-sup', 0, Number.MAX_SAFE_INTEGER);
        expect(rows.length).toBe(segments.length);
        for (const [i, row] of rows.entries()) {
          const previous = rows[i - 1];
          if (previous) expect(row.startedAt).toBeGreaterThanOrEqual(previous.endedAt);
          expect(fs.statSync(path.join(dir, 'recordings', row.path)).size).toBe(row.bytes);
        }
        expect(fs.readdirSync(path.join(dir, 'recordings', 'rec-sup'))).not.toContain('.incoming');
      } finally {
        await service.close();
      }
    });

    it('the worker dying under a recorder: health error, the recorder stops cleanly', async () => {
      const { ingest } = await publish('rec-worker', 'vp8');
      await sleep(1_500);
      const service = await RecordingService.create({
        store: storage.recordings,
        now: systemClock,
        heldSpans: async () => [],
        recordingsDir: path.join(dir, 'recordings'),
        segmentSeconds: SEGMENT_SECONDS,
        logger,
      });
      const segments: SegmentRecord[] = [];
      service.on('segment', (s) => segments.push(s));
      const counter = { id: 'rec-worker', departmentId: 'rec' };
      try {
        service.track(counter, {
          epoch: 1,
          router,
          video: ingest.producer('focus')!,
          audio: ingest.producer('audio')!,
        });
        await until('a first segment', () => segments.length >= 1);
        const recorderPid = service.pid('rec-worker')!;
        const count = segments.length;
        await sleep(1_500);
        process.kill(pool.pids()[0]!, 'SIGKILL');
        await until('health error', () => service.health('rec-worker') === 'error');
        await until('the recorder ffmpeg to exit', () => !alive(recorderPid));
        await until('the last segment', () => segments.length > count);
        // The server untracks the counter when its ingest closes.
        service.track(counter, null);
        expect(service.health('rec-worker')).toBe('off');
      } finally {
        await service.close();
      }
    });
  });

  describe('retention', () => {
    let root: string;
    let outside: string;
    let store: Storage;
    let closeStore: (() => Promise<void>) | undefined;
    const now = Date.now();
    const HOUR = 3_600_000;

    /** A fake segment: a file of `bytes` bytes and its row. */
    async function fake(counterId: string, startedAt: number, bytes: number, relative?: string) {
      const day = new Date(startedAt).toISOString().slice(0, 10);
      const rel = relative ?? `${counterId}/${day}/${startedAt}.webm`;
      const file = path.resolve(root, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, randomBytes(bytes));
      return store.recordings.insertSegment({
        counterId,
        departmentId: 'rec',
        path: rel,
        startedAt,
        endedAt: startedAt + 10_000,
        bytes,
        container: 'webm',
        node: '',
      });
    }
    const exists = (s: SegmentRecord) => fs.existsSync(path.resolve(root, s.path));
    const inStore = async (s: SegmentRecord) => (await store.recordings.getSegment(s.id)) !== undefined;

    beforeAll(async () => {
      const base = path.join(dir, 'retention');
      root = path.join(base, 'recordings');
      outside = path.join(base, 'outside');
      fs.mkdirSync(root, { recursive: true });
      fs.mkdirSync(outside, { recursive: true });
      ({ storage: store, close: closeStore } = await openTestStorage(path.join(base, 'data'), logger));
    });

    afterAll(async () => {
      await closeStore?.();
    });

    it('deletes old unheld segments, keeps held ones, never touches files outside the root', async () => {
      const old1 = await fake('old-a', now - 40 * DAY, 1000);
      const old2 = await fake('old-a', now - 38 * DAY, 1000);
      const held = await fake('old-a', now - 36 * DAY, 1000);
      const heldOtherCounter = await fake('old-b', now - 36 * DAY, 1000);
      const young = await fake('old-a', now - 29 * DAY, 1000);
      // Corrupt rows: a relative escape, an absolute path, and a day folder that is a symlink out.
      fs.writeFileSync(path.join(outside, 'victim.webm'), 'not ours');
      const escape = await store.recordings.insertSegment({
        counterId: 'old-a',
        departmentId: 'rec',
        path: '../outside/victim.webm',
        startedAt: now - 45 * DAY,
        endedAt: now - 45 * DAY + 10_000,
        bytes: 8,
        container: 'webm',
        node: '',
      });
      const absolute = await store.recordings.insertSegment({
        counterId: 'old-a',
        departmentId: 'rec',
        path: path.join(outside, 'victim.webm'),
        startedAt: now - 44 * DAY,
        endedAt: now - 44 * DAY + 10_000,
        bytes: 8,
        container: 'webm',
        node: '',
      });
      fs.mkdirSync(path.join(root, 'old-c'), { recursive: true });
      fs.symlinkSync(outside, path.join(root, 'old-c', '2020-01-01'));
      const viaSymlink = await store.recordings.insertSegment({
        counterId: 'old-c',
        departmentId: 'rec',
        path: 'old-c/2020-01-01/victim.webm',
        startedAt: now - 43 * DAY,
        endedAt: now - 43 * DAY + 10_000,
        bytes: 8,
        container: 'webm',
        node: '',
      });

      // Another media node's segment, 40 days old: that node's retention decides, not this one's.
      const elsewhere = await store.recordings.insertSegment({
        counterId: 'old-a',
        departmentId: 'rec',
        path: 'old-a/elsewhere.webm',
        startedAt: now - 40 * DAY,
        endedAt: now - 40 * DAY + 10_000,
        bytes: 5,
        container: 'webm',
        node: 'media-9',
      });

      // Clips are a cache: one unused for two days goes, a fresh one stays.
      const clips = path.join(dir, 'retention', 'clips');
      fs.mkdirSync(clips, { recursive: true });
      fs.writeFileSync(path.join(clips, 'stale.webm'), 'x');
      fs.utimesSync(path.join(clips, 'stale.webm'), new Date(now - 2 * DAY), new Date(now - 2 * DAY));
      fs.writeFileSync(path.join(clips, 'fresh.webm'), 'x');

      const service = await RecordingService.create({
        store: store.recordings,
        now: systemClock,
        // The hold covers only the end of `held` (overlap is enough); `old-b`'s is not held.
        heldSpans: async () => [{ counterId: 'old-a', from: held.endedAt - 1_000, to: held.endedAt + HOUR }],
        recordingsDir: root,
        retentionDays: 30,
        quotaBytes: null,
        logger,
      });
      try {
        const result = await service.runRetention();
        expect(result.full).toBe(false);
        for (const gone of [old1, old2, heldOtherCounter]) {
          expect(exists(gone)).toBe(false);
          expect(await inStore(gone)).toBe(false);
        }
        for (const kept of [held, young]) {
          expect(exists(kept)).toBe(true);
          expect(await inStore(kept)).toBe(true);
        }
        // The corrupt rows are dropped; the file they name is untouched.
        for (const row of [escape, absolute, viaSymlink]) expect(await inStore(row)).toBe(false);
        expect(fs.readFileSync(path.join(outside, 'victim.webm'), 'utf8')).toBe('not ours');
        expect(result.deleted).toBe(6);
        expect(result.freedBytes).toBe(3000);
        // Emptied day folders are gone; the one still holding a segment stays.
        expect(fs.existsSync(path.dirname(path.resolve(root, old1.path)))).toBe(false);
        expect(fs.existsSync(path.dirname(path.resolve(root, held.path)))).toBe(true);
        expect(fs.existsSync(path.join(root, 'old-c', '2020-01-01'))).toBe(true);
        expect(await inStore(elsewhere)).toBe(true);
        expect(await store.recordings.totalBytes('media-9')).toBe(5);
      } finally {
        await service.close();
      }
      await store.recordings.deleteSegment(elsewhere.id);
      const clipService = await ClipService.create({
        store: store.recordings,
        node: '',
        recordingsDir: root,
        clipsDir: clips,
        remote: null,
        logger,
      });
      await clipService.prune();
      await clipService.close();
      expect(fs.readdirSync(clips).filter((f) => !f.startsWith('.'))).toEqual(['fresh.webm']);
      await store.recordings.deleteSegment(held.id);
      await store.recordings.deleteSegment(young.id);
    });

    it('evicts the oldest unheld segments over quota, then reports storage full once, then ok', async () => {
      const r1 = await fake('quota', now - 4 * HOUR, 1000);
      const r2 = await fake('quota', now - 3 * HOUR, 1000);
      const r3 = await fake('quota', now - 2 * HOUR, 1000);
      const r4 = await fake('quota', now - 1 * HOUR, 1000);
      const r5 = await fake('quota', now - 0.5 * HOUR, 1000);
      let holds = [{ counterId: 'quota', from: r2.startedAt, to: r2.endedAt }];
      const options = {
        store: store.recordings,
        now: systemClock,
        heldSpans: async () => holds,
        recordingsDir: root,
        logger,
      };

      const roomy = await RecordingService.create({ ...options, quotaBytes: 3_500 });
      try {
        const result = await roomy.runRetention();
        expect(result).toMatchObject({ deleted: 2, freedBytes: 2000, usedBytes: 3000, full: false });
        expect([r1, r2, r3, r4, r5].map(exists)).toEqual([false, true, false, true, true]);
      } finally {
        await roomy.close();
      }

      holds = [
        { counterId: 'quota', from: r2.startedAt, to: r2.endedAt },
        { counterId: 'quota', from: r5.startedAt, to: r5.endedAt },
      ];
      const tight = await RecordingService.create({ ...options, quotaBytes: 1_500 });
      const full: { usedBytes: number; quotaBytes: number }[] = [];
      let ok = 0;
      tight.on('storageFull', (info) => full.push(info));
      tight.on('storageOk', () => (ok += 1));
      try {
        const first = await tight.runRetention();
        expect(first).toMatchObject({ deleted: 1, usedBytes: 2000, full: true });
        expect([r2, r4, r5].map(exists)).toEqual([true, false, true]);
        expect(full).toEqual([{ usedBytes: 2000, quotaBytes: 1500 }]);
        await tight.runRetention();
        expect(full.length).toBe(1); // once, not on every pass
        expect(ok).toBe(0);

        holds = [{ counterId: 'quota', from: r5.startedAt, to: r5.endedAt }]; // r2's review closed
        const last = await tight.runRetention();
        expect(last).toMatchObject({ deleted: 1, usedBytes: 1000, full: false });
        expect([r2, r5].map(exists)).toEqual([false, true]);
        expect(ok).toBe(1);
      } finally {
        await tight.close();
      }
    });
  });
});
