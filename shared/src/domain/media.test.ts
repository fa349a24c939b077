import { describe, expect, it } from 'vitest';
import {
  AgentHealthSchema,
  CounterMediaSchema,
  MediaStatsSchema,
  RenditionSpecSchema,
  SRTP_CRYPTO_SUITE,
  SrtpKeySchema,
  VideoCodecSchema,
  type AgentHealth,
} from './media.js';

/** `n` random bytes in standard base64, the way an agent makes an SRTP key. */
function base64Of(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return btoa(String.fromCharCode(...bytes));
}

const validHealth: AgentHealth = {
  encoder: { state: 'running', restarts: 0, fps: 25, bitrateKbps: 1300, lastExit: null },
  outbox: { pending: 0, capacity: 100_000, full: false },
  uptimeSeconds: 12.5,
};

describe('SrtpKeySchema', () => {
  it('accepts 30 random bytes in base64 (many samples, so + and / appear)', () => {
    for (let i = 0; i < 200; i++) {
      const key = base64Of(30);
      expect(key).toHaveLength(40);
      expect(SrtpKeySchema.safeParse(key).success).toBe(true);
    }
  });

  it.each([
    ['29 bytes (padded)', base64Of(29)],
    ['31 bytes (padded)', base64Of(31)],
    ['32 bytes', base64Of(32)],
    ['39 characters', 'A'.repeat(39)],
    ['41 characters', 'A'.repeat(41)],
    ['base64url characters', `${'A'.repeat(38)}-_`],
    ['padding', `${'A'.repeat(39)}=`],
    ['whitespace', ` ${'A'.repeat(39)}`],
  ])('rejects %s', (_what, key) => {
    expect(SrtpKeySchema.safeParse(key).success).toBe(false);
  });

  it('names the AES_CM_128_HMAC_SHA1_80 suite', () => {
    expect(SRTP_CRYPTO_SUITE).toBe('AES_CM_128_HMAC_SHA1_80');
  });
});

describe('RenditionSpecSchema', () => {
  const grid = { name: 'grid', width: 320, height: 180, fps: 15, bitrateKbps: 150 };

  it('accepts the grid and focus renditions at their bounds', () => {
    expect(RenditionSpecSchema.safeParse(grid).success).toBe(true);
    expect(
      RenditionSpecSchema.safeParse({
        name: 'focus',
        width: 3840,
        height: 2160,
        fps: 60,
        bitrateKbps: 20_000,
      }).success,
    ).toBe(true);
    expect(
      RenditionSpecSchema.safeParse({ name: 'grid', width: 64, height: 64, fps: 1, bitrateKbps: 32 }).success,
    ).toBe(true);
  });

  it.each([
    ['an unknown name', { ...grid, name: 'thumb' }],
    ['width 63', { ...grid, width: 63 }],
    ['width 3841', { ...grid, width: 3841 }],
    ['height 2161', { ...grid, height: 2161 }],
    ['fps 0', { ...grid, fps: 0 }],
    ['fps 61', { ...grid, fps: 61 }],
    ['fractional fps', { ...grid, fps: 12.5 }],
    ['bitrate 31', { ...grid, bitrateKbps: 31 }],
    ['bitrate 20001', { ...grid, bitrateKbps: 20_001 }],
  ])('rejects %s', (_what, spec) => {
    expect(RenditionSpecSchema.safeParse(spec).success).toBe(false);
  });
});

describe('VideoCodecSchema', () => {
  it('knows vp8 and h264 only', () => {
    expect(VideoCodecSchema.options).toEqual(['vp8', 'h264']);
    expect(VideoCodecSchema.safeParse('VP8').success).toBe(false);
    expect(VideoCodecSchema.safeParse('av1').success).toBe(false);
  });
});

describe('MediaStatsSchema', () => {
  it('accepts null fps and score', () => {
    expect(
      MediaStatsSchema.safeParse({ bitrateKbps: 0, fps: null, packetLossPct: 0, score: null }).success,
    ).toBe(true);
  });

  it.each([
    { bitrateKbps: -1, fps: null, packetLossPct: 0, score: null },
    { bitrateKbps: 1, fps: -1, packetLossPct: 0, score: null },
    { bitrateKbps: 1, fps: null, packetLossPct: 100.1, score: null },
    { bitrateKbps: 1, fps: null, packetLossPct: 0, score: 11 },
  ])('rejects out-of-range values %j', (stats) => {
    expect(MediaStatsSchema.safeParse(stats).success).toBe(false);
  });
});

describe('AgentHealthSchema', () => {
  it('accepts a healthy report', () => {
    expect(AgentHealthSchema.parse(validHealth)).toEqual(validHealth);
  });

  it('accepts what the agent found at its source, and health without it (browser publisher)', () => {
    const source = {
      kind: 'rtsp',
      videoCodec: 'hevc',
      audioCodec: null,
      audio: false,
      problem: 'no_microphone',
    };
    expect(AgentHealthSchema.parse({ ...validHealth, source })).toEqual({ ...validHealth, source });
    expect(AgentHealthSchema.parse(validHealth).source).toBeUndefined();
  });

  it.each([
    ['an unknown problem', { problem: 'on_fire' }],
    ['a codec name with odd characters', { videoCodec: 'h264; rm' }],
    ['an unknown source kind', { kind: 'browser' }],
  ])('rejects a source with %s', (_what, change) => {
    const source = {
      kind: 'rtsp',
      videoCodec: 'h264',
      audioCodec: 'aac',
      audio: true,
      problem: null,
      ...change,
    };
    expect(AgentHealthSchema.safeParse({ ...validHealth, source }).success).toBe(false);
  });

  it('bounds lastExit to 200 characters', () => {
    const withExit = (lastExit: string): unknown => ({
      ...validHealth,
      encoder: { ...validHealth.encoder, lastExit },
    });
    expect(AgentHealthSchema.safeParse(withExit('e'.repeat(200))).success).toBe(true);
    expect(AgentHealthSchema.safeParse(withExit('e'.repeat(201))).success).toBe(false);
  });

  it.each([
    ['an unknown encoder state', { ...validHealth, encoder: { ...validHealth.encoder, state: 'crashed' } }],
    ['negative restarts', { ...validHealth, encoder: { ...validHealth.encoder, restarts: -1 } }],
    ['a fractional pending count', { ...validHealth, outbox: { ...validHealth.outbox, pending: 0.5 } }],
    ['missing uptime', { encoder: validHealth.encoder, outbox: validHealth.outbox }],
  ])('rejects %s', (_what, health) => {
    expect(AgentHealthSchema.safeParse(health).success).toBe(false);
  });
});

describe('CounterMediaSchema', () => {
  const online = {
    status: 'online',
    since: 1_700_000_000_000,
    publisher: 'ffmpeg',
    tracks: ['audio', 'grid', 'focus'],
    epoch: 3,
    stats: { bitrateKbps: 1400, fps: 25, packetLossPct: 0.5, score: 10 },
    agent: validHealth,
    recording: 'recording',
  };

  it('accepts an online counter and an offline one', () => {
    expect(CounterMediaSchema.safeParse(online).success).toBe(true);
    expect(
      CounterMediaSchema.safeParse({
        status: 'offline',
        since: 0,
        publisher: null,
        tracks: [],
        epoch: 0,
        stats: null,
        agent: null,
        recording: 'off',
      }).success,
    ).toBe(true);
  });

  it.each([
    ['an unknown status', { ...online, status: 'away' }],
    ['an unknown track', { ...online, tracks: ['thumbnail'] }],
    ['an unknown publisher', { ...online, publisher: 'obs' }],
    ['a negative epoch', { ...online, epoch: -1 }],
  ])('rejects %s', (_what, media) => {
    expect(CounterMediaSchema.safeParse(media).success).toBe(false);
  });
});
