import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  type Counter,
  type CounterMedia,
  type CounterQueue,
  type Department,
  type DepartmentMetrics,
} from '@counterwatch/shared';
import { EMPTY_COUNTER_QUEUE } from '../queue/QueueService.js';
import { endOfServiceDay, evaluateRules, isOpen, type RuleInput } from './rules.js';

const NOW = Date.UTC(2026, 10, 23, 3, 0, 0); // Monday 10:00 in Hanoi
const department: Department = {
  id: 'd',
  name: 'Phường',
  openingHours: { days: [1, 2, 3, 4, 5, 6], open: '07:30', close: '17:00' },
};
const counter: Counter = { id: 'c1', departmentId: 'd', name: 'Quầy 1', services: ['id-card'] };
const onlineMedia: CounterMedia = {
  status: 'online',
  since: NOW - 3_600_000,
  publisher: 'ffmpeg',
  tracks: ['audio', 'focus', 'grid'],
  epoch: 1,
  stats: null,
  agent: null,
  recording: 'recording',
};
const quietDepartment: DepartmentMetrics = {
  departmentId: 'd',
  at: NOW,
  queueLength: 0,
  longestWaitSeconds: null,
  openCounters: 1,
  meanWaitSeconds: null,
  p90WaitSeconds: null,
  meanServiceSeconds: null,
  p90ServiceSeconds: null,
  servedLastHour: 0,
  servedToday: 0,
  issuedToday: 0,
  openFromPreviousDay: 0,
  resumedFromPreviousDay: 0,
  noShowRate: null,
  satisfaction: null,
  satisfactionLastHour: null,
  ratingsLastHour: 0,
  ratingsToday: { satisfied: 0, neutral: 0, unsatisfied: 0 },
  services: [],
};
const idle: CounterQueue = { ...EMPTY_COUNTER_QUEUE, state: 'idle', stateSince: NOW - 60_000 };

function input(over: {
  metrics?: Partial<DepartmentMetrics>;
  queue?: Partial<CounterQueue>;
  media?: Partial<CounterMedia>;
  now?: number;
}): RuleInput {
  return {
    department,
    metrics: { ...quietDepartment, ...over.metrics },
    counters: [{ counter, queue: { ...idle, ...over.queue }, media: { ...onlineMedia, ...over.media } }],
    thresholds: DEFAULT_THRESHOLDS,
    now: over.now ?? NOW,
  };
}

const rules = (i: RuleInput) => evaluateRules(i).map((c) => `${c.rule}:${c.severity}`);

describe('alert rules', () => {
  it('a quiet, staffed department raises nothing', () => {
    expect(evaluateRules(input({}))).toEqual([]);
  });

  it('queue per open counter above N: warning, and critical at twice N', () => {
    expect(rules(input({ metrics: { queueLength: 8, openCounters: 1 } }))).toEqual([]);
    expect(rules(input({ metrics: { queueLength: 9, openCounters: 1 } }))).toEqual([
      'queue_per_counter:warning',
    ]);
    expect(rules(input({ metrics: { queueLength: 17, openCounters: 1 } }))).toEqual([
      'queue_per_counter:critical',
    ]);
    expect(rules(input({ metrics: { queueLength: 3, openCounters: 0 } }))).toEqual([
      'queue_per_counter:critical',
    ]);
  });

  it('longest wait above the service-level target (30 min)', () => {
    expect(rules(input({ metrics: { longestWaitSeconds: 30 * 60 } }))).toEqual([]);
    expect(rules(input({ metrics: { longestWaitSeconds: 30 * 60 + 1 } }))).toEqual(['longest_wait:critical']);
  });

  it('expected wait above target, or growing without bound', () => {
    const service = {
      serviceCode: 'id-card',
      waiting: 3,
      arrivalsPerHour: 10,
      meanServiceSeconds: 480,
      openCounters: 1,
      erlangWait: { kind: 'finite', seconds: 600 } as const,
    };
    expect(
      rules(
        input({ metrics: { services: [{ ...service, expectedWait: { kind: 'finite', seconds: 600 } }] } }),
      ),
    ).toEqual([]);
    expect(
      rules(
        input({ metrics: { services: [{ ...service, expectedWait: { kind: 'finite', seconds: 1900 } }] } }),
      ),
    ).toEqual(['expected_wait:warning']);
    expect(
      rules(input({ metrics: { services: [{ ...service, expectedWait: { kind: 'unbounded' } }] } })),
    ).toEqual(['expected_wait:warning']);
  });

  it('counter idle while tickets it can serve wait, for more than N minutes (officer absent)', () => {
    expect(rules(input({ queue: { queueLength: 2, stateSince: NOW - 4 * 60_000 } }))).toEqual([]);
    expect(rules(input({ queue: { queueLength: 0, stateSince: NOW - 60 * 60_000 } }))).toEqual([]);
    expect(rules(input({ queue: { queueLength: 2, stateSince: NOW - 6 * 60_000 } }))).toEqual([
      'counter_idle:warning',
    ]);
  });

  it('one service running longer than N minutes, keyed by ticket', () => {
    const serving = (minutes: number): Partial<CounterQueue> => ({
      state: 'serving',
      servingTicket: {
        ticketId: 't9',
        number: 'A009',
        serviceCode: 'id-card',
        since: NOW - minutes * 60_000,
      },
    });
    expect(rules(input({ queue: serving(29) }))).toEqual([]);
    const [condition] = evaluateRules(input({ queue: serving(31) }));
    expect(condition).toMatchObject({
      rule: 'long_service',
      subject: 't9',
      details: { minutes: 31, ticket: 'A009' },
    });
  });

  it('camera or audio offline during opening hours, silent outside them', () => {
    const down = { status: 'offline' as const, since: NOW - 5 * 60_000, tracks: [] };
    expect(rules(input({ media: down }))).toEqual(['media_offline:critical']);
    expect(rules(input({ media: { ...down, since: NOW - 30_000 } }))).toEqual([]);
    expect(rules(input({ media: { tracks: ['grid', 'focus'], since: NOW - 5 * 60_000 } }))).toEqual([
      'media_offline:warning',
    ]);
    const sundayNight = Date.UTC(2026, 10, 22, 15, 0, 0); // Sunday 22:00 in Hanoi
    expect(isOpen(department, sundayNight)).toBe(false);
    expect(rules(input({ media: { ...down, since: sundayNight - 3_600_000 }, now: sundayNight }))).toEqual(
      [],
    );
  });

  it('satisfaction below X% over the last hour, once enough people rated', () => {
    expect(rules(input({ metrics: { satisfactionLastHour: 0.5, ratingsLastHour: 4 } }))).toEqual([]);
    expect(rules(input({ metrics: { satisfactionLastHour: 0.5, ratingsLastHour: 6 } }))).toEqual([
      'low_satisfaction:warning',
    ]);
    expect(rules(input({ metrics: { satisfactionLastHour: 0.8, ratingsLastHour: 20 } }))).toEqual([]);
  });

  it('a live counter whose recording stalls or fails, during opening hours', () => {
    expect(rules(input({ media: { recording: 'recording' } }))).toEqual([]);
    expect(rules(input({ media: { recording: 'gap' } }))).toEqual(['recording_gap:warning']);
    expect(rules(input({ media: { recording: 'error' } }))).toEqual(['recording_gap:critical']);
    const sundayNight = Date.UTC(2026, 10, 22, 15, 0, 0);
    expect(rules(input({ media: { recording: 'error' }, now: sundayNight }))).toEqual([]);
  });
});

describe('endOfServiceDay', () => {
  const at = (day: number, hour: number, minute = 0): number => Date.UTC(2026, 2, day, hour - 7, minute);

  it('is the closing time today while it is ahead', () => {
    const closes = department.openingHours.close.split(':').map(Number) as [number, number];
    expect(endOfServiceDay(department, at(16, 10, 30) + 12_345)).toBe(at(16, closes[0], closes[1]));
  });

  it('is the end of the business day (04:00) after closing, on a closed day or without the department', () => {
    expect(endOfServiceDay(department, at(16, 23))).toBe(at(17, 4));
    expect(endOfServiceDay(undefined, at(16, 10))).toBe(at(17, 4));
    // 2026-03-22 is a Sunday.
    const closedSunday = {
      ...department,
      openingHours: { ...department.openingHours, days: [1, 2, 3, 4, 5] },
    };
    expect(endOfServiceDay(closedSunday, at(22, 10))).toBe(at(23, 4));
  });
});
