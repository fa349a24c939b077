import { describe, expect, it } from 'vitest';
import {
  AGENT_CLOSE,
  AGENT_PROTOCOL_VERSION,
  AgentHelloSchema,
  AgentWelcomeSchema,
  IngestTargetSchema,
  PublishPlainResultSchema,
  PublishPlainSchema,
  agentToServer,
  serverToAgent,
} from './agent.js';

const KEY = 'A'.repeat(38) + '+/';

const target = {
  host: '203.0.113.7',
  port: 40_010,
  rtcpPort: 40_011,
  ssrc: 1_234_567,
  payloadType: 101,
  cryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
};

describe('AgentHelloSchema', () => {
  const hello = {
    protocolVersion: AGENT_PROTOCOL_VERSION,
    counterId: 'c01',
    token: 't'.repeat(16),
    publisher: 'ffmpeg',
    agentVersion: '0.1.0',
  };

  it('accepts a hello', () => {
    expect(AgentHelloSchema.safeParse(hello).success).toBe(true);
    expect(
      AgentHelloSchema.safeParse({ ...hello, token: 't'.repeat(512), publisher: 'browser' }).success,
    ).toBe(true);
  });

  it.each([
    ['a 15-character token', { ...hello, token: 't'.repeat(15) }],
    ['a 513-character token', { ...hello, token: 't'.repeat(513) }],
    ['protocol version 0', { ...hello, protocolVersion: 0 }],
    ['a bad counter id', { ...hello, counterId: 'C 01' }],
    ['an unknown publisher', { ...hello, publisher: 'gstreamer' }],
    ['a 41-character version', { ...hello, agentVersion: 'v'.repeat(41) }],
  ])('rejects %s', (_what, value) => {
    expect(AgentHelloSchema.safeParse(value).success).toBe(false);
  });
});

describe('AgentWelcomeSchema', () => {
  const welcome = {
    sessionId: 's1',
    counter: { id: 'c01', departmentId: 'hcm-q1', name: 'Quầy 1' },
    renditions: [
      { name: 'grid', width: 320, height: 180, fps: 15, bitrateKbps: 150 },
      { name: 'focus', width: 1280, height: 720, fps: 25, bitrateKbps: 1200 },
    ],
    audioBitrateKbps: 32,
    keyframeIntervalSeconds: 1,
    heartbeatIntervalMs: 5000,
    serverTime: 1_700_000_000_000,
  };

  it('accepts a welcome with exactly two renditions', () => {
    expect(AgentWelcomeSchema.safeParse(welcome).success).toBe(true);
    expect(
      AgentWelcomeSchema.safeParse({ ...welcome, renditions: welcome.renditions.slice(0, 1) }).success,
    ).toBe(false);
  });
});

describe('IngestTargetSchema', () => {
  it('accepts a target, with or without host', () => {
    expect(IngestTargetSchema.safeParse(target).success).toBe(true);
    expect(IngestTargetSchema.safeParse({ ...target, host: null }).success).toBe(true);
  });

  it('accepts ssrc 1 and 2^31 - 1 and rejects 0 and 2^31', () => {
    expect(IngestTargetSchema.safeParse({ ...target, ssrc: 1 }).success).toBe(true);
    expect(IngestTargetSchema.safeParse({ ...target, ssrc: 2 ** 31 - 1 }).success).toBe(true);
    expect(IngestTargetSchema.safeParse({ ...target, ssrc: 0 }).success).toBe(false);
    expect(IngestTargetSchema.safeParse({ ...target, ssrc: 2 ** 31 }).success).toBe(false);
    expect(IngestTargetSchema.safeParse({ ...target, ssrc: 2 ** 32 - 1 }).success).toBe(false);
  });

  it.each([
    ['port 0', { port: 0 }],
    ['port 65536', { port: 65_536 }],
    ['rtcp port 0', { rtcpPort: 0 }],
    ['payload type 95', { payloadType: 95 }],
    ['payload type 128', { payloadType: 128 }],
    ['another crypto suite', { cryptoSuite: 'AEAD_AES_256_GCM' }],
    ['a fractional ssrc', { ssrc: 1.5 }],
  ])('rejects %s', (_what, patch) => {
    expect(IngestTargetSchema.safeParse({ ...target, ...patch }).success).toBe(false);
  });
});

describe('PublishPlainSchema', () => {
  it('accepts keys for all three transports, or no audio', () => {
    expect(
      PublishPlainSchema.safeParse({ videoCodec: 'vp8', keys: { grid: KEY, focus: KEY, audio: KEY } })
        .success,
    ).toBe(true);
    expect(
      PublishPlainSchema.safeParse({ videoCodec: 'h264', keys: { grid: KEY, focus: KEY, audio: null } })
        .success,
    ).toBe(true);
  });

  it.each([
    ['a short key', { videoCodec: 'vp8', keys: { grid: KEY.slice(1), focus: KEY, audio: null } }],
    ['a missing focus key', { videoCodec: 'vp8', keys: { grid: KEY, audio: null } }],
    ['an unknown codec', { videoCodec: 'vp9', keys: { grid: KEY, focus: KEY, audio: null } }],
  ])('rejects %s', (_what, value) => {
    expect(PublishPlainSchema.safeParse(value).success).toBe(false);
  });

  it('the result carries a target per transport', () => {
    expect(
      PublishPlainResultSchema.safeParse({ epoch: 1, targets: { grid: target, focus: target, audio: null } })
        .success,
    ).toBe(true);
    expect(
      PublishPlainResultSchema.safeParse({
        epoch: 1,
        targets: { grid: target, focus: { ...target, ssrc: 2 ** 31 } },
      }).success,
    ).toBe(false);
  });
});

describe('agent protocol directions', () => {
  it('lists the agent requests and notifications', () => {
    expect(Object.keys(agentToServer.requests).sort()).toEqual([
      'connectSendTransport',
      'createSendTransport',
      'hello',
      'produce',
      'publishPlain',
      'pushEvents',
      'routerCapabilities',
      'unpublish',
    ]);
    expect(Object.keys(agentToServer.notifications)).toEqual(['heartbeat']);
    expect(Object.keys(serverToAgent.requests)).toEqual([]);
    expect(Object.keys(serverToAgent.notifications)).toEqual(['republish']);
  });

  it('empty requests are strict: no stray fields', () => {
    expect(agentToServer.requests.unpublish.data.safeParse({}).success).toBe(true);
    expect(agentToServer.requests.unpublish.data.safeParse({ force: true }).success).toBe(false);
  });

  it('pushEvents carries 1 to 500 events', () => {
    const spec = agentToServer.requests.pushEvents.data;
    expect(spec.safeParse({ events: [{}] }).success).toBe(true);
    expect(spec.safeParse({ events: [] }).success).toBe(false);
    expect(spec.safeParse({ events: Array(501).fill({}) }).success).toBe(false);
  });

  it('produce accepts only known tracks and kinds', () => {
    const spec = agentToServer.requests.produce.data;
    expect(spec.safeParse({ track: 'focus', kind: 'video', rtpParameters: {} }).success).toBe(true);
    expect(spec.safeParse({ track: 'thumb', kind: 'video', rtpParameters: {} }).success).toBe(false);
    expect(spec.safeParse({ track: 'audio', kind: 'data', rtpParameters: {} }).success).toBe(false);
  });

  it('bounds opaque mediasoup objects at 32 KiB', () => {
    const spec = agentToServer.requests.produce.data;
    const big = { blob: 'x'.repeat(33 * 1024) };
    expect(spec.safeParse({ track: 'focus', kind: 'video', rtpParameters: big }).success).toBe(false);
  });

  it('connectSendTransport needs 1 to 8 fingerprints of a known hash function', () => {
    const spec = agentToServer.requests.connectSendTransport.data;
    const fingerprint = { algorithm: 'sha-256', value: 'AB:CD' };
    expect(spec.safeParse({ dtlsParameters: { role: 'client', fingerprints: [fingerprint] } }).success).toBe(
      true,
    );
    expect(spec.safeParse({ dtlsParameters: { fingerprints: [] } }).success).toBe(false);
    expect(spec.safeParse({ dtlsParameters: { fingerprints: Array(9).fill(fingerprint) } }).success).toBe(
      false,
    );
    expect(spec.safeParse({ dtlsParameters: { role: 'peer', fingerprints: [fingerprint] } }).success).toBe(
      false,
    );
    const md5 = { algorithm: 'md5', value: 'AB:CD' };
    expect(spec.safeParse({ dtlsParameters: { fingerprints: [md5] } }).success).toBe(false);
  });

  it('republish has two reasons', () => {
    const spec = serverToAgent.notifications.republish.data;
    expect(spec.safeParse({ reason: 'worker_died' }).success).toBe(true);
    expect(spec.safeParse({ reason: 'server_request' }).success).toBe(true);
    expect(spec.safeParse({ reason: 'bored' }).success).toBe(false);
  });

  it('close codes are application codes in the 4xxx range and distinct', () => {
    const codes = Object.values(AGENT_CLOSE);
    for (const code of codes) expect(code).toBeGreaterThanOrEqual(4000);
    for (const code of codes) expect(code).toBeLessThan(5000);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
