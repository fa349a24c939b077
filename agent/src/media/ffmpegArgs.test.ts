import { describe, expect, it } from 'vitest';
import { PlanError, buildFfmpegArgs, redactArgs, type EncodePlan, type SendTarget } from './ffmpegArgs.js';

const KEYS = {
  grid: 'G'.repeat(38) + '+/',
  focus: 'F'.repeat(38) + '+/',
  audio: 'A'.repeat(38) + '+/',
};

const sendTarget = (
  port: number,
  ssrc: number,
  payloadType: number,
  key: string,
  host = '203.0.113.7',
): SendTarget => ({
  host,
  port,
  rtcpPort: port + 1,
  ssrc,
  payloadType,
  cryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
  key,
});

function plan(overrides: Partial<EncodePlan> = {}): EncodePlan {
  return {
    video: { kind: 'test' },
    audio: { kind: 'test' },
    codec: 'vp8',
    renditions: {
      grid: { name: 'grid', width: 320, height: 180, fps: 15, bitrateKbps: 150 },
      focus: { name: 'focus', width: 1280, height: 720, fps: 25, bitrateKbps: 1200 },
    },
    audioBitrateKbps: 32,
    keyframeIntervalSeconds: 1,
    targets: {
      grid: sendTarget(40_000, 1111, 101, KEYS.grid),
      focus: sendTarget(40_010, 2222, 102, KEYS.focus),
      audio: sendTarget(40_020, 3333, 100, KEYS.audio),
    },
    captionFile: '/tmp/counterwatch/caption.txt',
    cameraList: null,
    ...overrides,
  };
}

/** The value following each occurrence of `flag`. */
const valuesOf = (args: string[], flag: string): string[] =>
  args.flatMap((arg, i) => (arg === flag && i + 1 < args.length ? [args[i + 1]!] : []));

/** The arguments of each output, split at `-map`. */
function outputs(args: string[]): string[][] {
  const starts = args.flatMap((arg, i) => (arg === '-map' ? [i] : []));
  return starts.map((start, n) => args.slice(start, starts[n + 1] ?? args.length));
}

const filterGraph = (args: string[]): string => valuesOf(args, '-filter_complex')[0]!;

describe('buildFfmpegArgs', () => {
  it('returns a plain string array that reports progress on stdout', () => {
    const args = buildFfmpegArgs(plan());
    expect(Array.isArray(args)).toBe(true);
    expect(args.every((a) => typeof a === 'string')).toBe(true);
    expect(args.slice(0, 2)).toEqual(['-hide_banner', '-nostdin']);
    expect(valuesOf(args, '-progress')).toEqual(['pipe:1']);
  });

  it('sends focus, then grid, then audio, each to its own SRTP target', () => {
    const args = buildFfmpegArgs(plan());
    const [focus, grid, audio] = outputs(args);
    expect(outputs(args)).toHaveLength(3);

    expect(focus![1]).toBe('[focus]');
    expect(valuesOf(focus!, '-ssrc')).toEqual(['2222']);
    expect(valuesOf(focus!, '-payload_type')).toEqual(['102']);
    expect(valuesOf(focus!, '-srtp_out_suite')).toEqual(['AES_CM_128_HMAC_SHA1_80']);
    expect(valuesOf(focus!, '-srtp_out_params')).toEqual([KEYS.focus]);
    expect(focus!.at(-1)).toBe('srtp://203.0.113.7:40010?rtcpport=40011&pkt_size=1200');

    expect(grid![1]).toBe('[grid]');
    expect(valuesOf(grid!, '-ssrc')).toEqual(['1111']);
    expect(valuesOf(grid!, '-payload_type')).toEqual(['101']);
    expect(valuesOf(grid!, '-srtp_out_params')).toEqual([KEYS.grid]);
    expect(grid!.at(-1)).toBe('srtp://203.0.113.7:40000?rtcpport=40001&pkt_size=1200');

    expect(audio![1]).toBe('1:a');
    expect(valuesOf(audio!, '-ssrc')).toEqual(['3333']);
    expect(valuesOf(audio!, '-payload_type')).toEqual(['100']);
    expect(valuesOf(audio!, '-srtp_out_params')).toEqual([KEYS.audio]);
    expect(valuesOf(audio!, '-c:a')).toEqual(['libopus']);
    expect(valuesOf(audio!, '-b:a')).toEqual(['32k']);
    expect(audio!.at(-1)).toBe('srtp://203.0.113.7:40020?rtcpport=40021&pkt_size=1200');
  });

  it.each([
    [25, 1, '25'],
    [15, 1, '15'],
    [25, 2, '50'],
    [15, 0.5, '8'], // 7.5 rounds up
    [25, 0.3, '8'], // 7.5 rounds up
    [1, 0.2, '1'], // never below 1
  ])('keyframe interval at %d fps × %d s is %s frames', (fps, seconds, gop) => {
    const p = plan({ keyframeIntervalSeconds: seconds });
    p.renditions.focus = { ...p.renditions.focus, fps };
    const [focus] = outputs(buildFfmpegArgs(p));
    expect(valuesOf(focus!, '-g')).toEqual([gop]);
    expect(valuesOf(focus!, '-keyint_min')).toEqual([gop]);
  });

  it('each rendition gets a GOP from its own fps', () => {
    const [focus, grid] = outputs(buildFfmpegArgs(plan({ keyframeIntervalSeconds: 2 })));
    expect(valuesOf(focus!, '-g')).toEqual(['50']);
    expect(valuesOf(grid!, '-g')).toEqual(['30']);
  });

  it('encodes vp8 with libvpx at each rendition bitrate', () => {
    const [focus, grid] = outputs(buildFfmpegArgs(plan({ codec: 'vp8' })));
    expect(valuesOf(focus!, '-c:v')).toEqual(['libvpx']);
    expect(valuesOf(focus!, '-b:v')).toEqual(['1200k']);
    expect(valuesOf(focus!, '-maxrate')).toEqual(['1200k']);
    expect(valuesOf(focus!, '-bufsize')).toEqual(['2400k']);
    expect(valuesOf(grid!, '-b:v')).toEqual(['150k']);
    expect(focus).not.toContain('libx264');
  });

  it('encodes h264 with libx264 baseline for browsers', () => {
    const [focus, grid] = outputs(buildFfmpegArgs(plan({ codec: 'h264' })));
    for (const output of [focus!, grid!]) {
      expect(valuesOf(output, '-c:v')).toEqual(['libx264']);
      expect(valuesOf(output, '-profile:v')).toEqual(['baseline']);
      expect(valuesOf(output, '-tune')).toEqual(['zerolatency']);
    }
    expect(valuesOf(grid!, '-bufsize')).toEqual(['300k']);
  });

  it("scales a camera's picture to both renditions in a single filter graph", () => {
    const camera = plan({ video: { kind: 'v4l2', device: '/dev/video0' }, captionFile: null });
    const graph = filterGraph(buildFfmpegArgs(camera));
    expect(graph).toMatch(/^\[0:v:0\]format=yuv420p/);
    expect(graph).toContain('split=2[vf][vg]');
    expect(graph).toContain('[vf]scale=1280:720[focus]');
    expect(graph).toContain('[vg]scale=320:180[grid]');
    // Each output's rate is set frame by frame (-r, constant), not by the fps filter that holds a frame back.
    expect(graph).not.toContain('fps=');
    const args = buildFfmpegArgs(camera);
    expect(valuesOf(args, '-r')).toEqual(['25', '15']);
    expect(valuesOf(args, '-fps_mode')).toEqual(['cfr', 'cfr']);
  });

  it('draws the test picture once per rendition at its own size and rate, never thinning 25 fps to 15', () => {
    const args = buildFfmpegArgs(plan());
    const inputs = valuesOf(args, '-i');
    expect(inputs[0]).toBe('testsrc2=size=1280x720:rate=25');
    expect(inputs[1]).toMatch(/^sine=/);
    expect(inputs[2]).toBe('testsrc2=size=320x180:rate=15');
    const graph = filterGraph(args);
    expect(graph).toMatch(
      /^\[0:v:0\]format=yuv420p,drawtext=.*\[focus\];\[2:v:0\]format=yuv420p,drawtext=.*\[grid\]$/,
    );
    expect(graph).not.toMatch(/split|scale|fps=/);
    expect(valuesOf(args, '-r')).toEqual(['25', '15']);
  });

  describe('video inputs', () => {
    it('test: a lavfi test source at the focus size and rate', () => {
      const args = buildFfmpegArgs(plan());
      expect(valuesOf(args, '-i')[0]).toBe('testsrc2=size=1280x720:rate=25');
      expect(valuesOf(args, '-f')[0]).toBe('lavfi');
    });

    it('v4l2: the device, without -re', () => {
      const args = buildFfmpegArgs(plan({ video: { kind: 'v4l2', device: '/dev/video2' } }));
      expect(args.slice(args.indexOf('-f'), args.indexOf('-i') + 2)).toEqual([
        '-f',
        'v4l2',
        '-thread_queue_size',
        '512',
        '-i',
        '/dev/video2',
      ]);
      expect(args.indexOf('-re')).toBeGreaterThan(args.indexOf('/dev/video2')); // only the audio test tone
    });

    it('rtsp: read through its private list file, so the URL and password are not on the command line', () => {
      const url = 'rtsp://user:p%40ssw0rd@192.0.2.10:554/stream1?channel=1&x=y';
      const args = buildFfmpegArgs(
        plan({
          video: { kind: 'rtsp', url },
          audio: { kind: 'rtsp' },
          captionFile: null,
          cameraList: '/tmp/cw-agent-x/camera.ffconcat',
        }),
      );
      expect(args.slice(0, args.indexOf('-filter_complex')).slice(-8)).toEqual([
        '-f',
        'concat',
        '-safe',
        '0',
        '-protocol_whitelist',
        'file,rtsp,rtsps,tcp,tls,udp,rtp,srtp,crypto,httpproxy',
        '-i',
        '/tmp/cw-agent-x/camera.ffconcat',
      ]);
      expect(args.join(' ')).not.toMatch(/rtsp:|p%40ssw0rd|p@ssw0rd|192\.0\.2\.10/);
      // Audio comes from the same (only) input.
      expect(outputs(args)[2]![1]).toBe('0:a:0');
    });

    it('rtsp without its list file, or with an unsafe list path, throws PlanError', () => {
      const video = { kind: 'rtsp', url: 'rtsp://cam/s' } as const;
      expect(() => buildFfmpegArgs(plan({ video }))).toThrow(/needs its list file/);
      expect(() => buildFfmpegArgs(plan({ video, cameraList: '/tmp/a b;rm' }))).toThrow(PlanError);
    });

    it('file: looped in real time', () => {
      const args = buildFfmpegArgs(plan({ video: { kind: 'file', path: 'clips/counter 1.mp4' } }));
      const input = args.indexOf('clips/counter 1.mp4');
      expect(args.slice(input - 4, input + 1)).toEqual([
        '-re',
        '-stream_loop',
        '-1',
        '-i',
        'clips/counter 1.mp4',
      ]);
    });

    it('only the test picture gets a caption and clock', () => {
      for (const video of [
        { kind: 'v4l2', device: '/dev/video0' },
        { kind: 'file', path: 'a.mp4' },
      ] as const) {
        expect(filterGraph(buildFfmpegArgs(plan({ video })))).not.toContain('drawtext');
      }
      expect(filterGraph(buildFfmpegArgs(plan()))).toContain('drawtext');
    });
  });

  describe('audio inputs', () => {
    it('test: a quiet lavfi sine as the second input', () => {
      const args = buildFfmpegArgs(plan());
      expect(valuesOf(args, '-i')[1]).toBe('sine=frequency=440:sample_rate=48000,volume=0.12');
      expect(outputs(args)[2]![1]).toBe('1:a');
    });

    it('alsa: the device as the second input', () => {
      const args = buildFfmpegArgs(plan({ audio: { kind: 'alsa', device: 'plughw:CARD=USB,DEV=0' } }));
      expect(valuesOf(args, '-i')[1]).toBe('plughw:CARD=USB,DEV=0');
      expect(valuesOf(args, '-f')).toContain('alsa');
      expect(outputs(args)[2]![1]).toBe('1:a');
    });

    it('none without an audio target: two video outputs and no audio encoder', () => {
      const args = buildFfmpegArgs(
        plan({ audio: { kind: 'none' }, targets: { ...plan().targets, audio: null } }),
      );
      expect(outputs(args)).toHaveLength(2);
      expect(args).not.toContain('libopus');
      // The test picture's two inputs (focus, grid), no sound.
      expect(valuesOf(args, '-i')).toEqual([
        'testsrc2=size=1280x720:rate=25',
        'testsrc2=size=320x180:rate=15',
      ]);
      expect(args).not.toContain(KEYS.audio);
    });

    it('an audio source but no audio target: no audio input or output', () => {
      const args = buildFfmpegArgs(plan({ targets: { ...plan().targets, audio: null } }));
      expect(valuesOf(args, '-i').filter((i) => i.startsWith('sine='))).toEqual([]);
      expect(args).not.toContain('libopus');
    });

    it('none with an audio target throws PlanError', () => {
      expect(() => buildFfmpegArgs(plan({ audio: { kind: 'none' } }))).toThrow(PlanError);
      expect(() => buildFfmpegArgs(plan({ audio: { kind: 'none' } }))).toThrow(/--audio is none/);
    });
  });

  describe('caption', () => {
    it('reads the caption from a file with expansion off, so no counter name enters the args', () => {
      const args = buildFfmpegArgs(plan({ captionFile: '/var/lib/cw/c01/caption.txt' }));
      const graph = filterGraph(args);
      expect(graph).toContain('drawtext=textfile=/var/lib/cw/c01/caption.txt:expansion=none:');
      // Only the clock (on each rendition's picture) uses an inline text=, and that is ffmpeg's own %{localtime}.
      expect(graph.match(/drawtext=text=[^:]*/g)).toEqual([
        'drawtext=text=%{localtime}',
        'drawtext=text=%{localtime}',
      ]);
    });

    it('without a caption file draws only the clock', () => {
      const graph = filterGraph(buildFfmpegArgs(plan({ captionFile: null })));
      expect(graph).not.toContain('textfile=');
      expect(graph).toContain('drawtext=text=%{localtime}');
    });

    it.each([
      "/tmp/x':text=pwned",
      '/tmp/a b.txt',
      '/tmp/a:b.txt',
      '/tmp/a,b.txt',
      '/tmp/a;b.txt',
      '/tmp/[x].txt',
      '/tmp/caption.txt\n',
      '/tmp/quầy.txt',
    ])('refuses the unsafe caption path %j', (captionFile) => {
      expect(() => buildFfmpegArgs(plan({ captionFile }))).toThrow(PlanError);
    });

    it('ignores the caption file when the video is not the test picture', () => {
      expect(() =>
        buildFfmpegArgs(plan({ video: { kind: 'v4l2', device: '/dev/video0' }, captionFile: '/tmp/a b' })),
      ).not.toThrow();
    });
  });

  describe('hosts and ssrcs', () => {
    it('brackets an IPv6 host', () => {
      const p = plan();
      p.targets.focus = sendTarget(40_010, 2222, 102, KEYS.focus, '2001:db8::7');
      const [focus] = outputs(buildFfmpegArgs(p));
      expect(focus!.at(-1)).toBe('srtp://[2001:db8::7]:40010?rtcpport=40011&pkt_size=1200');
    });

    it('does not double-bracket an already bracketed IPv6 host', () => {
      const p = plan();
      p.targets.grid = sendTarget(40_000, 1111, 101, KEYS.grid, '[::1]');
      const [, grid] = outputs(buildFfmpegArgs(p));
      expect(grid!.at(-1)).toBe('srtp://[::1]:40000?rtcpport=40001&pkt_size=1200');
    });

    it('accepts a DNS name', () => {
      const p = plan();
      p.targets.audio = sendTarget(40_020, 3333, 100, KEYS.audio, 'media.counterwatch.example.vn');
      expect(outputs(buildFfmpegArgs(p))[2]!.at(-1)).toBe(
        'srtp://media.counterwatch.example.vn:40020?rtcpport=40021&pkt_size=1200',
      );
    });

    it.each(['evil.host?rtcpport=1', 'a b', 'host/path', 'user@host', 'host#x', 'host&pkt_size=9000', ''])(
      'refuses the unsafe host %j',
      (host) => {
        const p = plan();
        p.targets.grid = sendTarget(40_000, 1111, 101, KEYS.grid, host);
        expect(() => buildFfmpegArgs(p)).toThrow(PlanError);
      },
    );

    it.each([0, 2 ** 31, -1])('refuses ssrc %d', (ssrc) => {
      const p = plan();
      p.targets.audio = sendTarget(40_020, ssrc, 100, KEYS.audio);
      expect(() => buildFfmpegArgs(p)).toThrow(/ssrc out of range/);
    });
  });
});

describe('redactArgs', () => {
  it('hides every SRTP key and leaves everything else alone', () => {
    const args = buildFfmpegArgs(plan());
    const redacted = redactArgs(args);
    expect(redacted).toHaveLength(args.length);
    for (const key of Object.values(KEYS)) expect(redacted).not.toContain(key);
    expect(valuesOf(redacted, '-srtp_out_params')).toEqual(['[key]', '[key]', '[key]']);
    const changed = redacted.filter((arg, i) => arg !== args[i]);
    expect(changed).toEqual(['[key]', '[key]', '[key]']);
  });

  it('hides RTSP credentials', () => {
    expect(redactArgs(['-i', 'rtsp://admin:secret@192.0.2.10:554/s1'])).toEqual([
      '-i',
      'rtsp://***@192.0.2.10:554/s1',
    ]);
    expect(redactArgs(['rtsps://u:p@cam/x'])).toEqual(['rtsps://***@cam/x']);
  });

  it('hides credentials inside a longer line (ffmpeg stderr)', () => {
    expect(redactArgs(['[rtsp @ 0x1] method DESCRIBE failed for rtsp://admin:secret@cam/s: 401'])).toEqual([
      '[rtsp @ 0x1] method DESCRIBE failed for rtsp://***@cam/s: 401',
    ]);
  });

  it('leaves URLs without credentials and a key-like value elsewhere unchanged', () => {
    expect(redactArgs(['rtsp://cam/s1', '-b:v', KEYS.grid])).toEqual(['rtsp://cam/s1', '-b:v', KEYS.grid]);
  });

  // BUG: the pattern stops at the first "@" (ffmpegArgs.ts, redactArgs; same in sources.ts redactUrl),
  // but WHATWG URL parsing (used by parseVideoSource) accepts a raw "@" in the password and splits at
  // the last one, so part of the password is logged: rtsp://***@ss@cam/s.
  it('hides a password that contains a raw "@"', () => {
    const [redacted] = redactArgs(['rtsp://admin:p@ss@cam/s']);
    expect(redacted).toBe('rtsp://***@cam/s');
  });

  it('does not modify its input', () => {
    const args = ['-srtp_out_params', KEYS.grid];
    redactArgs(args);
    expect(args).toEqual(['-srtp_out_params', KEYS.grid]);
  });
});
