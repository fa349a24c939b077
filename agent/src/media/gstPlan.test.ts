import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RenditionSpec } from '@counterwatch/shared';
import { PlanError, type SendTarget } from './ffmpegArgs.js';
import {
  DEFAULT_PYTHON,
  GST_PUBLISHER_SCRIPT,
  buildGstLaunch,
  gstreamerAvailable,
  type GstPlan,
} from './gstPlan.js';

const GRID: RenditionSpec = { name: 'grid', width: 320, height: 180, fps: 15, bitrateKbps: 150 };
const FOCUS: RenditionSpec = { name: 'focus', width: 640, height: 360, fps: 20, bitrateKbps: 500 };
const KEY = 'A'.repeat(40);
const SFU_KEY = 'B'.repeat(40);
const target = (port: number, extra: Partial<SendTarget> = {}): SendTarget => ({
  host: '10.0.0.5',
  port,
  rtcpPort: port + 1,
  ssrc: 1234 + port,
  payloadType: 101,
  cryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
  key: KEY,
  sfuKey: SFU_KEY,
  ...extra,
});
const plan = (overrides: Partial<GstPlan> = {}): GstPlan => ({
  video: { kind: 'test' },
  audio: { kind: 'test' },
  codec: 'vp8',
  renditions: { grid: GRID, focus: FOCUS },
  audioBitrateKbps: 32,
  keyframeIntervalSeconds: 1,
  targets: { grid: target(40000), focus: target(40010), audio: target(40020, { payloadType: 100 }) },
  caption: 'Quầy 1 <b>',
  ...overrides,
});

describe('buildGstLaunch', () => {
  it('puts only the script on the command line and the whole plan, keys included, on stdin', () => {
    const launch = buildGstLaunch(plan());
    expect(launch.args).toEqual([GST_PUBLISHER_SCRIPT]);
    expect(launch.args.join(' ')).not.toContain(KEY);
    expect(launch.stdin.endsWith('\n')).toBe(true);
    expect(launch.stdin.trimEnd()).not.toContain('\n'); // one line: the script reads one
    const document = JSON.parse(launch.stdin) as Record<string, unknown>;
    expect(document).toMatchObject({
      video: { kind: 'test' },
      audio: { kind: 'test' },
      codec: 'vp8',
      keyframeIntervalSeconds: 1,
      caption: 'Quầy 1 <b>',
      renditions: { focus: { width: 640, height: 360, fps: 20, bitrateKbps: 500 } },
      targets: {
        focus: { host: '10.0.0.5', port: 40010, rtcpPort: 40011, ssrc: 41244, key: KEY, sfuKey: SFU_KEY },
        audio: { payloadType: 100 },
      },
    });
  });

  it('sends no sound when the server gave no audio target, and no caption on a real picture', () => {
    const document = JSON.parse(
      buildGstLaunch(
        plan({
          video: { kind: 'file', path: '/srv/clip.mp4' },
          targets: { grid: target(1), focus: target(3), audio: null },
        }),
      ).stdin,
    ) as { audio: unknown; caption: unknown; targets: { audio: unknown } };
    expect(document.audio).toEqual({ kind: 'none' });
    expect(document.targets.audio).toBeNull();
    expect(document.caption).toBeNull();
  });

  it('an older server without the SFU key: sfuKey null (keyframes then stay periodic)', () => {
    const { sfuKey: _omit, ...old } = target(5);
    const document = JSON.parse(
      buildGstLaunch(plan({ targets: { grid: old, focus: old, audio: null } })).stdin,
    ) as { targets: { focus: { sfuKey: unknown } } };
    expect(document.targets.focus.sfuKey).toBeNull();
  });

  it('strips the brackets of an IPv6 host and refuses a host with odd characters', () => {
    const v6 = JSON.parse(
      buildGstLaunch(plan({ targets: { grid: target(1), focus: target(3, { host: '[::1]' }), audio: null } }))
        .stdin,
    ) as { targets: { focus: { host: string } } };
    expect(v6.targets.focus.host).toBe('::1');
    expect(() =>
      buildGstLaunch(plan({ targets: { grid: target(1, { host: 'a b' }), focus: target(3), audio: null } })),
    ).toThrow(PlanError);
  });

  it('an IP camera: its URL, password and all, travels on stdin only', () => {
    const url = 'rtsp://admin:S3cret%40pw@10.0.0.9:554/stream1';
    const launch = buildGstLaunch(
      plan({ video: { kind: 'rtsp', url }, audio: { kind: 'rtsp' }, caption: 'Quầy 2' }),
    );
    expect(launch.args).toEqual([GST_PUBLISHER_SCRIPT]);
    const document = JSON.parse(launch.stdin) as { video: unknown; audio: unknown; caption: unknown };
    expect(document.video).toEqual({ kind: 'rtsp', url });
    expect(document.audio).toEqual({ kind: 'rtsp' });
    // The camera's own picture carries no caption of ours.
    expect(document.caption).toBeNull();
  });
});

describe('gstreamerAvailable', () => {
  it('finds this machine able to run the publisher (bootstrap installs GStreamer and python3-gi)', () => {
    expect(fs.existsSync(GST_PUBLISHER_SCRIPT)).toBe(true);
    expect(gstreamerAvailable(DEFAULT_PYTHON)).toEqual({ ok: true, why: '' });
  });

  it('says why when the python cannot run it', () => {
    const result = gstreamerAvailable('/nonexistent/python3');
    expect(result.ok).toBe(false);
    expect(result.why).toMatch(/ENOENT/);
  });
});
