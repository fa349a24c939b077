import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AgentSource } from '@counterwatch/shared';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFfmpegArgs, type EncodePlan, type SendTarget } from './ffmpegArgs.js';
import { parseProbeOutput } from './probe.js';
import type { AudioSource, VideoSource } from './sources.js';
import { SourceResolver, SourceUnavailableError, adaptToCamera } from './SourceResolver.js';
import { CAMERA_PROBES } from './testing/cameraProbes.js';

const PASSWORD = 'Sup3r:s@cret/pw';
const CAMERA_URL = `rtsp://admin:${encodeURIComponent(PASSWORD)}@192.0.2.7:554/Streaming/Channels/101`;

/**
 * A fake ffprobe: prints the JSON in $FAKE_PROBE_DIR/answer.json, or fails
 * the way Debian's ffprobe does when a camera refuses a login (quoting the
 * URL from the list file, its last argument).
 */
const SCRIPT = `#!/bin/sh
echo "$*" >> "$FAKE_PROBE_DIR/calls.txt"
for last; do :; done
if [ -f "$FAKE_PROBE_DIR/refuse" ]; then
  echo "[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized" >&2
  echo "[concat @ 0x2] Impossible to open '$(sed -n "2s/^file '\\(.*\\)'$/\\1/p" "$last")'" >&2
  echo "$last: Server returned 401 Unauthorized (authorization failed)" >&2
  exit 1
fi
cat "$FAKE_PROBE_DIR/answer.json"
`;

let dir: string;
let ffprobePath: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-resolver-'));
  ffprobePath = path.join(dir, 'ffprobe');
  fs.writeFileSync(ffprobePath, SCRIPT, { mode: 0o755 });
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function resolver(video: VideoSource, audio: AudioSource) {
  const runDir = fs.mkdtempSync(path.join(dir, 'run-'));
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(line) });
  const r = new SourceResolver({
    video,
    audio,
    dir: runDir,
    ffprobePath,
    logger,
    env: { ...process.env, FAKE_PROBE_DIR: dir },
  });
  const changes: AgentSource[] = [];
  r.on('changed', (report) => changes.push(report));
  return { r, runDir, logs, changes };
}

const camera = (answer: keyof typeof CAMERA_PROBES | 'refuse'): void => {
  fs.rmSync(path.join(dir, 'refuse'), { force: true });
  if (answer === 'refuse') fs.writeFileSync(path.join(dir, 'refuse'), '');
  else fs.writeFileSync(path.join(dir, 'answer.json'), CAMERA_PROBES[answer]);
};

const rtsp: VideoSource = { kind: 'rtsp', url: CAMERA_URL };

describe('adaptToCamera: the sound to publish for each test camera', () => {
  it.each([
    ['h264', 'rtsp', 'none', 'no_microphone'],
    ['h264-aac', 'rtsp', 'rtsp', null],
    ['h265-pcmu', 'rtsp', 'rtsp', null],
    ['mjpeg-pcma', 'rtsp', 'rtsp', null],
    ['h264-opus', 'rtsp', 'rtsp', null],
    ['h264-aac', 'none', 'none', null],
    ['h264', 'test', 'test', null],
  ] as const)('%s with --audio %s: publishes %s (problem %s)', (cam, asked, published, problem) => {
    const audio: AudioSource = asked === 'test' ? { kind: 'test' } : { kind: asked };
    const result = adaptToCamera(parseProbeOutput(CAMERA_PROBES[cam]), audio);
    expect(result.audio.kind).toBe(published);
    expect(result.problem).toBe(problem);
  });

  it('an ALSA microphone beside a camera without one is used as asked', () => {
    const alsa: AudioSource = { kind: 'alsa', device: 'hw:1' };
    expect(adaptToCamera(parseProbeOutput(CAMERA_PROBES.h264), alsa)).toEqual({ audio: alsa, problem: null });
  });

  it('a sound stream ffmpeg cannot decode: video only, audio_unsupported', () => {
    const probe = { video: { index: 0, codec: 'h264' }, audio: { index: 1, codec: null } };
    expect(adaptToCamera(probe, { kind: 'rtsp' })).toEqual({
      audio: { kind: 'none' },
      problem: 'audio_unsupported',
    });
  });
});

describe('ffmpeg arguments for each test camera', () => {
  const target = (port: number, ssrc: number): SendTarget => ({
    host: '127.0.0.1',
    port,
    rtcpPort: port + 1,
    ssrc,
    payloadType: 100 + (ssrc % 10),
    cryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
    key: 'K'.repeat(40),
  });
  const planFor = (audio: AudioSource): EncodePlan => ({
    video: rtsp,
    audio,
    cameraList: '/tmp/cw-agent-a/camera.ffconcat',
    codec: 'vp8',
    renditions: {
      grid: { name: 'grid', width: 320, height: 180, fps: 15, bitrateKbps: 150 },
      focus: { name: 'focus', width: 640, height: 360, fps: 20, bitrateKbps: 500 },
    },
    audioBitrateKbps: 32,
    keyframeIntervalSeconds: 1,
    targets: {
      grid: target(40_000, 1),
      focus: target(40_010, 2),
      // The agent asks the server for an audio transport only when it will send sound.
      audio: audio.kind === 'none' ? null : target(40_020, 3),
    },
    captionFile: null,
  });

  it.each(['h264', 'h264-aac', 'h265-pcmu', 'mjpeg-pcma', 'h264-opus'] as const)('%s', (cam) => {
    const probe = parseProbeOutput(CAMERA_PROBES[cam]);
    const { audio } = adaptToCamera(probe, { kind: 'rtsp' });
    const args = buildFfmpegArgs(planFor(audio));
    const maps = args.flatMap((a, i) => (a === '-map' ? [args[i + 1]] : []));
    // Whatever the camera's codecs: one input (the list file), its first video decoded for both renditions…
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    expect(args[args.indexOf('-filter_complex') + 1]).toMatch(/^\[0:v:0\]format=yuv420p/);
    // …and its first sound, if any, re-encoded to Opus.
    if (probe.audio) {
      expect(maps).toEqual(['[focus]', '[grid]', '0:a:0']);
      expect(args[args.indexOf('-c:a') + 1]).toBe('libopus');
    } else {
      expect(maps).toEqual(['[focus]', '[grid]']);
      expect(args).not.toContain('-c:a');
    }
    expect(args.join(' ')).not.toContain('192.0.2.7');
  });
});

describe('SourceResolver', () => {
  it('test picture, USB camera, file: used as given, never probed', async () => {
    const calls = path.join(dir, 'calls.txt');
    fs.rmSync(calls, { force: true });
    for (const video of [
      { kind: 'test' },
      { kind: 'v4l2', device: '/dev/video0' },
      { kind: 'file', path: 'a.mp4' },
    ] as const) {
      const { r } = resolver(video, { kind: 'test' });
      await expect(r.resolve()).resolves.toEqual({ video, audio: { kind: 'test' }, cameraList: null });
      expect(r.report).toEqual({
        kind: video.kind,
        videoCodec: null,
        audioCodec: null,
        audio: true,
        problem: null,
      });
    }
    expect(fs.existsSync(calls)).toBe(false);
  });

  it('a camera without a microphone: video only, one warning, and the report says no_microphone', async () => {
    camera('h264');
    const { r, logs, changes } = resolver(rtsp, { kind: 'rtsp' });
    const resolved = await r.resolve();
    expect(resolved.audio).toEqual({ kind: 'none' });
    expect(r.report).toEqual({
      kind: 'rtsp',
      videoCodec: 'h264',
      audioCodec: null,
      audio: false,
      problem: 'no_microphone',
    });
    expect(changes).toHaveLength(1);
    await r.resolve();
    const warnings = logs.filter((l) => l.includes('no microphone'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, problem: 'no_microphone' });
    expect(changes).toHaveLength(1); // nothing new the second time
  });

  it('probes again on every start: a camera back from a reboot with a microphone publishes its sound', async () => {
    camera('h264');
    const { r, changes } = resolver(rtsp, { kind: 'rtsp' });
    await r.resolve();
    camera('h265-pcmu');
    const resolved = await r.resolve();
    expect(resolved.audio).toEqual({ kind: 'rtsp' });
    expect(r.report).toMatchObject({
      videoCodec: 'hevc',
      audioCodec: 'pcm_mulaw',
      audio: true,
      problem: null,
    });
    expect(changes.map((c) => c.problem)).toEqual(['no_microphone', null]);
  });

  it('the URL reaches ffprobe in a private file (0600), never on its command line', async () => {
    camera('h264-aac');
    fs.rmSync(path.join(dir, 'calls.txt'), { force: true });
    const { r, runDir } = resolver(rtsp, { kind: 'rtsp' });
    const resolved = await r.resolve();
    const list = resolved.cameraList!;
    expect(path.dirname(list)).toBe(runDir);
    expect(fs.statSync(list).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(list, 'utf8')).toContain(`file '${CAMERA_URL}'`);
    const calls = fs.readFileSync(path.join(dir, 'calls.txt'), 'utf8');
    expect(calls).toContain(list);
    expect(calls).not.toContain('192.0.2.7');
    expect(calls).not.toContain(encodeURIComponent(PASSWORD));
    r.close();
    expect(fs.existsSync(list)).toBe(false);
  });

  it('refused credentials: a clear error, a 60 s retry, and the password in no message or log line', async () => {
    camera('refuse');
    const { r, logs, changes } = resolver(rtsp, { kind: 'rtsp' });
    const error = await r.resolve().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceUnavailableError);
    const refused = error as SourceUnavailableError;
    expect(refused.problem).toBe('credentials_refused');
    expect(refused.retryInMs).toBe(60_000);
    expect(refused.message).toMatch(/^camera refused the credentials/);
    expect(refused.message).toContain('(camera: Server returned 401 Unauthorized');
    expect(r.report).toMatchObject({ kind: 'rtsp', audio: false, problem: 'credentials_refused' });
    expect(changes).toHaveLength(1);
    const everything = [refused.message, ...logs].join('\n');
    expect(everything).toContain('rtsp://***@192.0.2.7');
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), 'Sup3r']) {
      expect(everything).not.toContain(secret);
    }
    expect(JSON.parse(logs.find((l) => l.includes('refused the credentials'))!)).toMatchObject({
      level: 50,
      problem: 'credentials_refused',
      retryInMs: 60_000,
    });
  });

  it('any other failure is retried on the normal backoff (no override)', async () => {
    const error = await new SourceResolver({
      video: { kind: 'rtsp', url: 'rtsp://192.0.2.7/s' },
      audio: { kind: 'rtsp' },
      dir: fs.mkdtempSync(path.join(dir, 'run-')),
      ffprobePath: path.join(dir, 'no-such-ffprobe'),
      logger: pino({ level: 'silent' }),
    })
      .resolve()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect((error as SourceUnavailableError).retryInMs).toBeUndefined();
  });

  it('recreates its directory if something removed it while the agent ran', async () => {
    camera('h264-aac');
    const { r, runDir } = resolver(rtsp, { kind: 'rtsp' });
    fs.rmSync(runDir, { recursive: true });
    const resolved = await r.resolve();
    expect(fs.statSync(runDir).mode & 0o777).toBe(0o700);
    expect(fs.existsSync(resolved.cameraList!)).toBe(true);
  });
});
