import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialRedactor } from './camera.js';
import { ProbeError, buildProbeArgs, classifyProbeFailure, parseProbeOutput, probeSource } from './probe.js';
import { CAMERA_PROBES } from './testing/cameraProbes.js';

describe('parseProbeOutput', () => {
  it.each([
    ['h264', 'h264', null],
    ['h264-aac', 'h264', 'aac'],
    ['h265-pcmu', 'hevc', 'pcm_mulaw'],
    ['mjpeg-pcma', 'mjpeg', 'pcm_alaw'],
    ['h264-opus', 'h264', 'opus'],
  ] as const)('%s camera: video %s, audio %s', (camera, video, audio) => {
    const probe = parseProbeOutput(CAMERA_PROBES[camera]);
    expect(probe.video).toEqual({ index: 0, codec: video });
    expect(probe.audio).toEqual(audio === null ? null : { index: 1, codec: audio });
  });

  it('takes the first stream of each type, whatever the order (audio first, a data track, two videos)', () => {
    const probe = parseProbeOutput(
      JSON.stringify({
        streams: [
          { index: 0, codec_type: 'audio', codec_name: 'pcm_alaw' },
          { index: 1, codec_type: 'data' },
          { index: 2, codec_type: 'video', codec_name: 'hevc' },
          { index: 3, codec_type: 'video', codec_name: 'h264' },
        ],
      }),
    );
    expect(probe).toEqual({ video: { index: 2, codec: 'hevc' }, audio: { index: 0, codec: 'pcm_alaw' } });
  });

  it('a stream ffmpeg cannot identify has a null codec (no codec_name, or an odd one)', () => {
    const probe = parseProbeOutput(
      JSON.stringify({
        streams: [
          { index: 0, codec_type: 'video', codec_name: 'h264' },
          { index: 1, codec_type: 'audio' },
        ],
      }),
    );
    expect(probe.audio).toEqual({ index: 1, codec: null });
    const odd = parseProbeOutput(
      JSON.stringify({ streams: [{ index: 0, codec_type: 'video', codec_name: 'H264; rm -rf' }] }),
    );
    expect(odd.video).toEqual({ index: 0, codec: null });
  });

  it('no streams at all (an empty object, as ffprobe prints on failure) is neither video nor audio', () => {
    expect(parseProbeOutput('{\n\n}')).toEqual({ video: null, audio: null });
  });

  it.each([
    ['not JSON', 'Segmentation fault'],
    ['streams not an array', '{"streams":{}}'],
    ['an index that is not a number', '{"streams":[{"index":"0","codec_type":"video"}]}'],
  ])('%s is a probe_failed ProbeError', (_what, output) => {
    expect(() => parseProbeOutput(output)).toThrow(ProbeError);
    try {
      parseProbeOutput(output);
    } catch (error) {
      expect((error as ProbeError).problem).toBe('probe_failed');
    }
  });
});

describe('classifyProbeFailure', () => {
  // What Debian 12's ffprobe prints for each case (the camera list path already replaced by "camera").
  it.each([
    [
      'credentials_refused',
      '[rtsp @ 0x5601] method DESCRIBE failed: 401 Unauthorized\ncamera: Server returned 401 Unauthorized (authorization failed)',
    ],
    ['credentials_refused', 'camera: Server returned 403 Forbidden (access denied)'],
    [
      'not_found',
      '[rtsp @ 0x55b9] method DESCRIBE failed: 404 Not Found\ncamera: Server returned 404 Not Found',
    ],
    [
      'unreachable',
      '[tcp @ 0x5648] Connection to tcp://127.0.0.1:1?timeout=5000000 failed: Connection refused\ncamera: Connection refused',
    ],
    [
      'unreachable',
      '[tcp @ 0x555f] Failed to resolve hostname no-such-camera.invalid: Name or service not known\ncamera: Input/output error',
    ],
    ['unreachable', 'camera: Connection timed out'],
    [
      'unreachable',
      '[rtsp @ 0x1] method DESCRIBE failed: 503 Service Unavailable\ncamera: Server returned 5XX Server Error reply',
    ],
    ['probe_failed', 'camera: Invalid data found when processing input'],
  ] as const)('%s: %s', (problem, stderr) => {
    expect(classifyProbeFailure(stderr)).toBe(problem);
  });
});

describe('buildProbeArgs', () => {
  it('asks for the streams as JSON after a short look, then the input options as given', () => {
    const args = buildProbeArgs(['-f', 'concat', '-i', '/run/x/camera.ffconcat']);
    expect(args.slice(-4)).toEqual(['-f', 'concat', '-i', '/run/x/camera.ffconcat']);
    expect(args[args.indexOf('-of') + 1]).toBe('json');
    expect(args[args.indexOf('-show_entries') + 1]).toBe('stream=index,codec_type,codec_name');
    expect(args[args.indexOf('-analyzeduration') + 1]).toBe('1000000');
    expect(args[args.indexOf('-v') + 1]).toBe('error');
  });
});

/**
 * A fake ffprobe: behaves as FAKE_PROBE says, after logging its arguments.
 *   ok-<camera>  print that camera's JSON
 *   401          complain the way ffprobe does about refused credentials (quoting the URL) and exit 1
 *   hang         never answer
 *   flood        print a lot of stderr, then fail
 */
const SCRIPT = `#!/bin/sh
echo "$*" >> "$FAKE_PROBE_LOG"
case "$FAKE_PROBE" in
  ok-*) cat "$FAKE_PROBE_DIR/$FAKE_PROBE.json" ;;
  401) echo "[concat @ 0x1] Impossible to open 'rtsp://admin:Hunter2pass@192.0.2.7/s'" >&2
       echo "camera: Server returned 401 Unauthorized (authorization failed)" >&2; exit 1 ;;
  hang) exec sleep 30 ;;
  flood) i=0; while [ $i -lt 2000 ]; do echo "noise line $i" >&2; i=$((i+1)); done; echo "camera: Connection refused" >&2; exit 1 ;;
esac
`;

describe('probeSource (a fake ffprobe)', () => {
  let dir: string;
  let ffprobePath: string;
  const redact = credentialRedactor(['Hunter2pass']);
  const run = (mode: string, timeoutMs = 5_000) =>
    probeSource({
      ffprobePath,
      input: ['-i', '/tmp/camera.ffconcat'],
      timeoutMs,
      redact,
      env: {
        ...process.env,
        FAKE_PROBE: mode,
        FAKE_PROBE_DIR: dir,
        FAKE_PROBE_LOG: path.join(dir, 'calls.txt'),
      },
    });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-probe-'));
    ffprobePath = path.join(dir, 'ffprobe');
    fs.writeFileSync(ffprobePath, SCRIPT, { mode: 0o755 });
    for (const [camera, json] of Object.entries(CAMERA_PROBES)) {
      fs.writeFileSync(path.join(dir, `ok-${camera}.json`), json);
    }
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('returns the streams, running ffprobe with an argument array', async () => {
    await expect(run('ok-h265-pcmu')).resolves.toEqual({
      video: { index: 0, codec: 'hevc' },
      audio: { index: 1, codec: 'pcm_mulaw' },
    });
    const calls = fs.readFileSync(path.join(dir, 'calls.txt'), 'utf8');
    expect(calls).toContain('-of json');
    expect(calls.trim().endsWith('-i /tmp/camera.ffconcat')).toBe(true);
  });

  it('a refused login is credentials_refused, and its detail has no password', async () => {
    const error = await run('401').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeError);
    expect((error as ProbeError).problem).toBe('credentials_refused');
    expect((error as ProbeError).detail).toContain('401 Unauthorized');
    expect(JSON.stringify(error)).not.toContain('Hunter2pass');
    expect((error as ProbeError).message).not.toContain('Hunter2pass');
  });

  it('a camera that never answers is killed at the timeout and reported unreachable', async () => {
    const started = Date.now();
    const error = await run('hang', 300).catch((e: unknown) => e);
    expect((error as ProbeError).problem).toBe('unreachable');
    expect((error as ProbeError).detail).toMatch(/no answer within/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps only the tail of a flood of stderr, and still classifies by it', async () => {
    const error = await run('flood').catch((e: unknown) => e);
    expect((error as ProbeError).problem).toBe('unreachable');
    expect((error as ProbeError).detail).toBe('camera: Connection refused');
  });

  it('a missing ffprobe is a probe_failed error, not a crash', async () => {
    const error = await probeSource({
      ffprobePath: path.join(dir, 'no-such-ffprobe'),
      input: ['-i', 'x'],
      timeoutMs: 2_000,
      redact,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeError);
  });
});
