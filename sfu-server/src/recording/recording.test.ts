import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clipArgs, concatListLine, recorderArgs } from './ffmpegArgs.js';
import { isInside, resolveInside, segmentRelativePath } from './paths.js';
import { boundUdpPorts, releasePortPair, reservePortPair } from './ports.js';
import { salvageStart, segmentSpan } from './runTimeline.js';
import { buildSdp, containerFor, type SdpStream } from './sdp.js';
import { LineSplitter, parseSegmentListLine } from './segmentList.js';

const KEY = 'YTEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEy';
const srtp = { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80' as const, keyBase64: KEY };

function stream(kind: 'audio' | 'video', mimeType: string, extra: Record<string, unknown> = {}): SdpStream {
  return {
    kind,
    port: kind === 'video' ? 50000 : 50002,
    srtp,
    rtpParameters: {
      codecs: [
        {
          mimeType,
          payloadType: kind === 'video' ? 101 : 100,
          clockRate: kind === 'video' ? 90000 : 48000,
          ...(kind === 'audio' ? { channels: 2 } : {}),
          parameters: extra,
        },
      ],
      encodings: [{ ssrc: 1234 }],
    },
  };
}

describe('buildSdp', () => {
  it('describes VP8 + Opus with their payload types, clock rates, channels and SRTP keys', () => {
    const sdp = buildSdp('cw-hk-q1', [stream('video', 'video/VP8'), stream('audio', 'audio/opus')]);
    expect(sdp.split('\n')).toEqual([
      'v=0',
      'o=- 0 0 IN IP4 127.0.0.1',
      's=cw-hk-q1',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      'm=video 50000 RTP/SAVP 101',
      'a=rtpmap:101 VP8/90000',
      `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`,
      'a=recvonly',
      'm=audio 50002 RTP/SAVP 100',
      'a=rtpmap:100 opus/48000/2',
      `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`,
      'a=recvonly',
      '',
    ]);
  });

  it('gives H.264 its fmtp', () => {
    const sdp = buildSdp('s', [
      stream('video', 'video/H264', { 'packetization-mode': 1, 'profile-level-id': '42e01f' }),
    ]);
    expect(sdp).toContain('a=fmtp:101 packetization-mode=1;profile-level-id=42e01f\n');
  });

  it('refuses values that would add SDP lines', () => {
    expect(() =>
      buildSdp('s', [stream('video', 'video/H264', { 'profile-level-id': '42e01f\na=evil' })]),
    ).toThrow();
    expect(() => buildSdp('s\nm=video', [stream('video', 'video/VP8')])).toThrow();
    expect(() =>
      buildSdp('s', [{ ...stream('video', 'video/VP8'), srtp: { ...srtp, keyBase64: 'a\nb' } }]),
    ).toThrow();
  });

  it('picks the container that holds the codec as sent', () => {
    expect(containerFor('video/VP8')).toBe('webm');
    expect(containerFor('video/H264')).toBe('mkv');
    expect(() => containerFor('video/AV1')).toThrow();
  });
});

describe('segment list', () => {
  it('parses plain and quoted CSV lines', () => {
    expect(parseSegmentListLine('/r/seg-000001.webm,2.331000,4.327000')).toEqual({
      file: '/r/seg-000001.webm',
      start: 2.331,
      end: 4.327,
    });
    expect(parseSegmentListLine('"a,""b"".webm",0.000000,2.000000\r')).toEqual({
      file: 'a,"b".webm',
      start: 0,
      end: 2,
    });
    for (const bad of ['', 'x.webm', 'x.webm,1', 'x.webm,2,1', 'x.webm,a,b', '"x.webm,1,2']) {
      expect(parseSegmentListLine(bad)).toBeNull();
    }
  });

  it('splits chunks into lines', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('a,0,1\nb,1')).toEqual(['a,0,1']);
    expect(splitter.push(',2\n')).toEqual(['b,1,2']);
    expect(splitter.push('c,2,3')).toEqual([]);
    expect(splitter.flush()).toEqual(['c,2,3']);
  });
});

describe('run timeline', () => {
  const fresh = { resumedAt: 10_000, anchor: null, lastEndedAt: null };

  it("anchors on the first list line's arrival less the segment's end, never before the resume", () => {
    expect(segmentSpan(fresh, { file: 'a', start: 0, end: 4 }, 15_020)).toEqual({
      anchor: 11_020,
      startedAt: 11_020,
      endedAt: 15_020,
      lagMs: 0,
    });
    expect(segmentSpan(fresh, { file: 'a', start: 0, end: 4 }, 13_000).anchor).toBe(10_000);
  });

  it('keeps the anchor, starts no segment before the last one ended, and reports the lag', () => {
    const timeline = { resumedAt: 10_000, anchor: 11_000, lastEndedAt: 15_500 };
    expect(segmentSpan(timeline, { file: 'b', start: 4, end: 8 }, 21_000)).toEqual({
      anchor: 11_000,
      startedAt: 15_500,
      endedAt: 19_000,
      lagMs: 2_000,
    });
    // A start past the end is pulled back to it: the span is never negative.
    expect(
      segmentSpan({ ...timeline, lastEndedAt: 30_000 }, { file: 'c', start: 8, end: 9 }, 20_000),
    ).toMatchObject({
      startedAt: 20_000,
      endedAt: 20_000,
    });
  });

  it('salvages from the last filed end, else the anchor, else the resume', () => {
    expect(salvageStart({ resumedAt: 1, anchor: 2, lastEndedAt: 3 })).toBe(3);
    expect(salvageStart({ resumedAt: 1, anchor: 2, lastEndedAt: null })).toBe(2);
    expect(salvageStart({ resumedAt: 1, anchor: null, lastEndedAt: null })).toBe(1);
    expect(salvageStart({ resumedAt: null, anchor: null, lastEndedAt: null })).toBeNull();
  });
});

describe('paths', () => {
  it('tells inside from outside', () => {
    expect(isInside('/data/rec', '/data/rec/a/b.webm')).toBe(true);
    expect(isInside('/data/rec', '/data/rec')).toBe(false);
    expect(isInside('/data/rec', '/data/recx/a')).toBe(false);
    expect(isInside('/data/rec', '/data/other')).toBe(false);
    expect(isInside('/data/rec', '/data/rec/..foo')).toBe(true);
  });

  it('resolves stored paths only inside the root, symlinks included', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-rec-paths-'));
    const root = path.join(base, 'root');
    fs.mkdirSync(path.join(root, 'c1'), { recursive: true });
    fs.mkdirSync(path.join(base, 'elsewhere'));
    fs.symlinkSync(path.join(base, 'elsewhere'), path.join(root, 'c1', 'link'));
    try {
      expect(await resolveInside(root, 'c1/2026-01-01/x.webm')).toBe(path.join(root, 'c1/2026-01-01/x.webm'));
      expect(await resolveInside(root, 'c1/x.webm')).toBe(path.join(root, 'c1/x.webm'));
      expect(await resolveInside(root, '../x.webm')).toBeNull();
      expect(await resolveInside(root, 'c1/../../x.webm')).toBeNull();
      expect(await resolveInside(root, '/etc/passwd')).toBeNull();
      expect(await resolveInside(root, '')).toBeNull();
      expect(await resolveInside(root, 'c1/link/x.webm')).toBeNull();
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  it('files segments by counter and local day', () => {
    const at = new Date(2026, 0, 2, 3, 4, 5).getTime();
    expect(segmentRelativePath('hk-q1', at, 'e3-abcd', 7, 'mkv')).toBe(
      'hk-q1/2026-01-02/030405-e3-abcd-000007.mkv',
    );
  });
});

describe('ports', () => {
  it('reserves distinct free pairs, in a range when given', async () => {
    const range = { min: 27000, max: 27015 };
    const a = await reservePortPair(range);
    const b = await reservePortPair(range);
    const any = await reservePortPair();
    try {
      for (const p of [a, b]) {
        expect(p).toBeGreaterThanOrEqual(range.min);
        expect(p + 1).toBeLessThanOrEqual(range.max);
        expect((p - range.min) % 2).toBe(0);
      }
      expect(new Set([a, a + 1, b, b + 1, any, any + 1]).size).toBe(6);
      const bound = await boundUdpPorts();
      expect(bound.has(a) || bound.has(any)).toBe(false); // reserved, not held: ffmpeg binds them
    } finally {
      for (const p of [a, b, any]) releasePortPair(p);
    }
  });
});

describe('ffmpeg arguments', () => {
  it('records by copying into segments listed on stdout', () => {
    const args = recorderArgs({
      sdpFile: '/r/in.sdp',
      stagingDir: '/r',
      container: 'webm',
      segmentSeconds: 10,
    });
    const after = (flag: string) => args[args.indexOf(flag) + 1];
    expect(after('-i')).toBe('/r/in.sdp');
    expect(after('-c')).toBe('copy');
    expect(after('-f')).toBe('segment');
    expect(after('-segment_time')).toBe('10');
    expect(after('-segment_format')).toBe('webm');
    expect(after('-segment_list')).toBe('pipe:1');
    expect(after('-segment_list_type')).toBe('csv');
    expect(after('-localaddr')).toBe('127.0.0.1');
    expect(args.indexOf('-localaddr')).toBeLessThan(args.indexOf('-i'));
    expect(args.at(-1)).toBe('/r/seg-%06d.webm');
    expect(
      recorderArgs({ sdpFile: 'x', stagingDir: '/r', container: 'mkv', segmentSeconds: 2 }).includes(
        'matroska',
      ),
    ).toBe(true);
  });

  it('cuts clips on output, copying', () => {
    const args = clipArgs({
      listFile: '/c/l.txt',
      output: '/c/o.webm',
      container: 'webm',
      offsetSeconds: 2.5,
      durationSeconds: 4,
    });
    expect(args.join(' ')).toContain(
      '-f concat -safe 0 -i /c/l.txt -ss 2.500 -t 4.000 -map 0 -c copy -f webm',
    );
  });

  it('escapes concat list entries', () => {
    expect(concatListLine("/r/it's.webm")).toBe("file '/r/it'\\''s.webm'");
    expect(() => concatListLine('/r/a\nfile /etc/passwd')).toThrow();
  });
});
