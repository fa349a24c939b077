import { describe, expect, it } from 'vitest';
import {
  CONSOLE_CLOSE,
  ConsumeResultSchema,
  CounterPatchSchema,
  CounterViewSchema,
  SnapshotSchema,
  consoleToServer,
  serverToConsole,
} from './console.js';

const media = {
  status: 'offline',
  since: 0,
  publisher: null,
  tracks: [],
  epoch: 0,
  stats: null,
  agent: null,
  recording: 'off',
};

const counter = { id: 'c01', departmentId: 'hcm-q1', name: 'Quầy 1', services: ['id-card'], media };

const snapshot = {
  serverTime: 1_700_000_000_000,
  user: { id: 1, username: 'director', displayName: 'Giám đốc', roles: ['director'], departmentIds: null },
  departments: [{ id: 'hcm-q1', name: 'Quận 1', openingHours: { days: [1], open: '07:30', close: '17:00' } }],
  counters: [counter],
};

/** Paths of the issues a schema finds, so tests can point at one field of a larger message. */
const issuePaths = (result: { error?: { issues: { path: PropertyKey[] }[] } }): string[] =>
  (result.error?.issues ?? []).map((i) => i.path.map(String).join('.'));

describe('console schemas', () => {
  it('accepts the user, departments and counter media of a snapshot', () => {
    const core = SnapshotSchema.pick({ serverTime: true, user: true, departments: true });
    expect(core.safeParse(snapshot).success).toBe(true);
    const view = CounterViewSchema.pick({
      id: true,
      departmentId: true,
      name: true,
      services: true,
      media: true,
    });
    expect(view.safeParse(counter).success).toBe(true);
  });

  it('points at the counter media when a snapshot counter lacks it', () => {
    const { media: _media, ...bare } = counter;
    expect(issuePaths(SnapshotSchema.safeParse({ ...snapshot, counters: [bare] }))).toContain(
      'counters.0.media',
    );
    expect(issuePaths(CounterViewSchema.safeParse(bare))).toContain('media');
  });

  it('points at the user when it is invalid', () => {
    const paths = issuePaths(
      SnapshotSchema.safeParse({ ...snapshot, user: { ...snapshot.user, roles: [] } }),
    );
    expect(paths).toContain('user.roles');
  });

  it('a counter patch may omit media but not the id', () => {
    expect(CounterPatchSchema.safeParse({ id: 'c01' }).success).toBe(true);
    expect(CounterPatchSchema.safeParse({ id: 'c01', media }).success).toBe(true);
    expect(CounterPatchSchema.safeParse({ media }).success).toBe(false);
  });

  it('a consume result names track, kind and epoch', () => {
    const result = {
      consumerId: 'k1',
      producerId: 'p1',
      kind: 'video',
      rtpParameters: {},
      track: 'grid',
      epoch: 2,
    };
    expect(ConsumeResultSchema.safeParse(result).success).toBe(true);
    expect(ConsumeResultSchema.safeParse({ ...result, kind: 'screen' }).success).toBe(false);
    expect(ConsumeResultSchema.safeParse({ ...result, epoch: -1 }).success).toBe(false);
  });
});

describe('console protocol directions', () => {
  it('lists the console requests and server notifications', () => {
    // Containing, not equal: the protocol grows (metrics, alerts) and these must stay.
    expect(Object.keys(consoleToServer.requests)).toEqual(
      expect.arrayContaining([
        'closeConsumer',
        'closeTransport',
        'connectTransport',
        'consume',
        'createTransport',
        'hello',
        'pauseConsumer',
        'resumeConsumer',
        'routerCapabilities',
      ]) as unknown,
    );
    expect(Object.keys(serverToConsole.notifications)).toEqual(
      expect.arrayContaining(['consumerClosed', 'countersPatch', 'snapshot', 'transportClosed']) as unknown,
    );
    expect(Object.keys(consoleToServer.notifications)).toEqual([]);
  });

  it('hello needs a positive protocol version and answers a snapshot', () => {
    expect(consoleToServer.requests.hello.data.safeParse({ protocolVersion: 1 }).success).toBe(true);
    expect(consoleToServer.requests.hello.data.safeParse({ protocolVersion: 0 }).success).toBe(false);
    expect(consoleToServer.requests.hello.response).toBe(SnapshotSchema);
  });

  it('bounds consumer and transport ids at 64 characters', () => {
    const resume = consoleToServer.requests.resumeConsumer.data;
    expect(resume.safeParse({ consumerId: 'x'.repeat(64) }).success).toBe(true);
    expect(resume.safeParse({ consumerId: 'x'.repeat(65) }).success).toBe(false);
    const close = consoleToServer.requests.closeTransport.data;
    expect(close.safeParse({ transportId: 'x'.repeat(65) }).success).toBe(false);
  });

  it('consume validates the counter id and track', () => {
    const consume = consoleToServer.requests.consume.data;
    const valid = { transportId: 't1', counterId: 'c01', track: 'audio', rtpCapabilities: {} };
    expect(consume.safeParse(valid).success).toBe(true);
    expect(consume.safeParse({ ...valid, counterId: '../c01' }).success).toBe(false);
    expect(consume.safeParse({ ...valid, track: 'video' }).success).toBe(false);
  });

  it('createTransport needs a department slug', () => {
    const create = consoleToServer.requests.createTransport.data;
    expect(create.safeParse({ departmentId: 'hcm-q1' }).success).toBe(true);
    expect(create.safeParse({ departmentId: 'HCM Q1' }).success).toBe(false);
  });

  it('empty requests are strict', () => {
    expect(consoleToServer.requests.routerCapabilities.data.safeParse({}).success).toBe(true);
    expect(consoleToServer.requests.routerCapabilities.data.safeParse({ x: 1 }).success).toBe(false);
  });

  it('consumer and transport closures carry a known reason', () => {
    const closed = serverToConsole.notifications.consumerClosed.data;
    for (const reason of ['producer_closed', 'transport_closed', 'session_ended', 'worker_died'])
      expect(closed.safeParse({ consumerId: 'k', reason }).success).toBe(true);
    expect(closed.safeParse({ consumerId: 'k', reason: 'oops' }).success).toBe(false);
    expect(
      serverToConsole.notifications.transportClosed.data.safeParse({
        transportId: 't',
        reason: 'worker_died',
      }).success,
    ).toBe(true);
  });

  it('countersPatch carries a time and patches', () => {
    const patch = serverToConsole.notifications.countersPatch.data;
    expect(patch.safeParse({ at: 1, counters: [{ id: 'c01', media }] }).success).toBe(true);
    expect(patch.safeParse({ at: -1, counters: [] }).success).toBe(false);
  });

  it('close codes are distinct 4xxx codes', () => {
    const codes = Object.values(CONSOLE_CLOSE);
    expect(codes.every((c) => c >= 4000 && c < 5000)).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
